"""What every dialog speaks: events in, screens out. Nothing here talks to Telegram."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import N_, Translator

# Translators: button that returns to the previous page.
BACK = N_("« Back")
# Translators: button that returns to the main menu.
MAIN_MENU = N_("Main menu")

#: Telegram allows 1-64 bytes of callback data per button.
CALLBACK_DATA_LIMIT = 64


@dataclass(frozen=True)
class Command:
    """A /command, with what followed it (`/start abc` has the argument `abc`)."""

    name: str
    argument: str = ""


@dataclass(frozen=True)
class Press:
    """A press of one of the bot's inline buttons; `data` is whatever the client sent."""

    data: str


@dataclass(frozen=True)
class Text:
    """A typed message."""

    text: str


@dataclass(frozen=True)
class Unsupported:
    """Anything the bot cannot read: a sticker, photo, voice message, location, an edit, ..."""

    kind: str


Event = Command | Press | Text | Unsupported


@dataclass(frozen=True)
class Button:
    label: str
    data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a button has either callback data or a URL")
        if self.data is not None and not 1 <= len(self.data.encode()) <= CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data {self.data!r} is not 1-64 bytes")


@dataclass(frozen=True)
class Screen:
    """A message of the bot: HTML text and rows of inline buttons."""

    text: str
    rows: tuple[tuple[Button, ...], ...] = ()


@dataclass(frozen=True)
class Reply:
    """What a dialog decided: the new state, the screens to show and anything to remember.

    The first screen replaces the pressed message when the event was a button press.
    """

    state: str
    screens: tuple[Screen, ...]
    #: A short text for the button's pop-up notice, if any.
    notice: str | None = None
    #: The language to use from now on, when the user chose one.
    language: str | None = None
    #: The user asked to erase what the bot keeps about their chat.
    erase: bool = False


@dataclass(frozen=True)
class DialogContext:
    """What a dialog may read: the user's language and texts, and a few settings.

    A context lives as long as the process, one per language; pages rendered in it are
    kept in `memo`, since a page depends on nothing but its state and the context.
    """

    language: str
    translators: Mapping[str, Translator]
    values: Mapping[str, str] = field(default_factory=dict)
    #: Whether the chat is linked to a case (its menu then offers "My visits").
    linked: bool = False
    memo: dict[object, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def translate(self) -> Translator:
        return self.translators[self.language]

    def page(self, key: object, make: Callable[[], Screen]) -> Screen:
        """A page made once in this context."""
        screen: Screen | None = self.memo.get(key)
        if screen is None:
            screen = self.memo[key] = make()
        return screen

    def in_language(self, language: str) -> DialogContext:
        return DialogContext(language, self.translators, self.values, self.linked)
