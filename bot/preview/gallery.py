"""Render every scene in every language and note what each used of the catalogs and what
is wrong with it (`bot.preview.pages` writes it as static HTML pages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from bot.catalogs import extract
from bot.dialogs.base import DialogContext
from bot.i18n import (
    BABEL_LOCALES,
    LANGUAGES,
    LOCALES_DIR,
    Translator,
    catalog_path,
    load_translators,
    read_catalog,
)
from bot.preview import limits
from bot.preview.scene_kit import STAFF_VALUES, VALUES, Scene, Shown
from bot.preview.scenes import all_scenes, not_screens

#: What each kind of text may hold, and Telegram's name for it.
KIND_LIMITS = {
    "message": (limits.TEXT_LIMIT, "text"),
    "caption": (limits.CAPTION_LIMIT, "caption"),
    "popup": (limits.POPUP_LIMIT, "pop-up"),
    "description": (512, "description"),
    "short": (120, "short description"),
    "commands": (256 * 100, "command menu"),
}
COMMAND_LIMIT = 256
#: What the sample QR code opens.
SAMPLE_LINK = STAFF_VALUES["link"]


@dataclass(frozen=True)
class _Recording(Translator):
    """A translator that notes every catalog text it is asked for."""

    used: list[str] = field(default_factory=list, compare=False)

    def __call__(self, message: str, /, **values: object) -> str:
        self.used.append(message)
        return super().__call__(message, **values)

    def plural(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        self.used.append(singular)
        return super().plural(singular, plural, count, **values)


@dataclass(frozen=True)
class Rendered:
    """A scene in one language: what is shown, the texts it used, what is wrong."""

    language: str
    shown: tuple[Shown, ...]
    used: tuple[str, ...]
    #: Texts not translated or fuzzy in this language.
    catalog_flags: tuple[str, ...]
    #: What Telegram would refuse or a phone would cut.
    limit_flags: tuple[str, ...]

    @property
    def flags(self) -> tuple[str, ...]:
        return self.catalog_flags + self.limit_flags


@dataclass(frozen=True)
class Entry:
    scene: Scene
    by_language: dict[str, Rendered]

    @property
    def used(self) -> tuple[str, ...]:
        """The catalog texts of the scene, in the order first used."""
        seen: dict[str, None] = {}
        for rendered in self.by_language.values():
            seen.update(dict.fromkeys(rendered.used))
        return tuple(seen)

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(
            f"{language}: {flag}"
            for language, rendered in self.by_language.items()
            for flag in rendered.flags
        )


@dataclass(frozen=True)
class Gallery:
    entries: list[Entry]
    template: Catalog
    #: Catalog texts that are no screen, with why.
    not_screens: dict[str, str]

    @property
    def used(self) -> set[str]:
        return {text for entry in self.entries for text in entry.used}

    def missing(self) -> list[str]:
        """Catalog texts neither in a scene nor listed as no screen."""
        return [
            str(m.id)
            for m in self.template
            if m.id and str(m.id) not in self.used and str(m.id) not in self.not_screens
        ]

    @property
    def flags(self) -> list[str]:
        return [f"{entry.scene.key}: {flag}" for entry in self.entries for flag in entry.flags]


def build(locales_dir: Path = LOCALES_DIR, template: Catalog | None = None) -> Gallery:
    """Render every scene in fi, sv and en from the catalogs in `locales_dir`."""
    template = template or extract()
    translators = load_translators(locales_dir)
    catalogs = {language: _catalog(language, locales_dir) for language in LANGUAGES}
    entries = []
    for scene in all_scenes(template):
        by_language = {}
        for language in LANGUAGES:
            recording = {
                code: _Recording(code, t.messages, t.plurals) for code, t in translators.items()
            }
            context = DialogContext(language, recording, VALUES)
            try:
                shown = tuple(scene.show(context))
                broken = []
            except (KeyError, IndexError, ValueError) as exc:
                shown = ()
                broken = [f"cannot be shown: {type(exc).__name__} {exc}"]
            used = tuple(dict.fromkeys(u for t in recording.values() for u in t.used))
            by_language[language] = Rendered(
                language,
                shown,
                used,
                tuple(_catalog_flags(used, catalogs[language])),
                tuple(broken + _limit_flags(shown)),
            )
        entries.append(Entry(scene, by_language))
    return Gallery(entries, template, not_screens())


def _catalog(language: str, locales_dir: Path) -> Catalog | None:
    path = catalog_path(language, locales_dir)
    return read_catalog(path, BABEL_LOCALES[language]) if path.exists() else None


def _catalog_flags(used: tuple[str, ...], catalog: Catalog | None) -> list[str]:
    flags = []
    for text in used:
        found = catalog.get(text) if catalog is not None else None
        if found is None or not found.string:
            flags.append(f"not translated: {text[:60]!r}")
        elif found.fuzzy:
            flags.append(f"fuzzy: {text[:60]!r}")
    return flags


def _limit_flags(shown: tuple[Shown, ...]) -> list[str]:
    flags = []
    for item in shown:
        limit, name = KIND_LIMITS[item.kind]
        parsed = limits.parse(item.text) if item.kind in ("message", "caption") else None
        if parsed is not None:
            flags += parsed.problems
        length = parsed.length if parsed else limits.utf16_length(item.text)
        if length > limit:
            flags.append(f"{name} is {length} characters, over Telegram's {limit}")
        if item.kind == "commands":
            for line in item.text.splitlines():
                description = line.partition(" – ")[2]
                if len(description) > COMMAND_LIMIT:
                    flags.append(f"command description over {COMMAND_LIMIT}: {line[:40]!r}")
        for row in item.rows:
            room = limits.label_room(len(row))
            for button in row:
                data = (button.data or "").encode()
                if len(data) > limits.DATA_LIMIT:
                    flags.append(f"button data is {len(data)} bytes, over {limits.DATA_LIMIT}")
                if limits.label_width(button.label) > room:
                    flags.append(
                        f"label may be cut on a {limits.PHONE_WIDTH} px phone: {button.label!r}"
                    )
    return flags


def summary(gallery: Gallery) -> dict[str, object]:
    """Counts for the command line."""
    return {
        "screens": len(gallery.entries),
        "flags": len(gallery.flags),
        "texts_shown": len(gallery.used),
        "not_screens": len(gallery.not_screens),
        "missing": len(gallery.missing()),
    }
