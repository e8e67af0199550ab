"""What the scenes are made of: the sample data, a scene and what it shows, and the helpers
that make a scene of a dialog's reply or a catalog text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.messages.catalog import Catalog

from bot import dialogs
from bot.dialogs import customer
from bot.dialogs import visits as cards
from bot.dialogs.base import (
    Button,
    DialogContext,
    Event,
    Screen,
)
from bot.domain import visit_words

ZONE = ZoneInfo("Europe/Helsinki")
#: The sample visit, an earlier time it was moved from, and when a family's message came.
VISIT_AT = datetime(2026, 12, 3, 9, 30, tzinfo=ZONE)
EARLIER_AT = datetime(2026, 12, 1, 13, 0, tzinfo=ZONE)
OPENS_AT = datetime(2026, 11, 30, 8, 0, tzinfo=ZONE)
#: The case's label (staff write it) and a visit's note, the same in every language.
LABEL = "Aino K."
NOTE = "Kettutie 3 B"
#: The dialogs' settings, as `bot.telegram.context.dialog_context` gives them.
VALUES = {"privacy_url": "https://www.hel.fi"}
#: Fixed values for the placeholders of staff notices.
STAFF_VALUES = {
    "name": "Maria",
    "code": "K7QXM29P",
    "link": "https://t.me/otbot?start=K7QXM29Pq3Zr8wLm",
    "reference": "OT-2026-0042",
    "label": LABEL,
    "count": "2",
    "number": "1",
    "guardians": "2 (1: 28.11.2026, 2: 29.11.2026)",
    "reason": "a label is needed",
}
#: The module whose texts are reasons a case was not opened, reopened or given a code.
CASE_FILE = "bot/domain/cases.py"
#: Modules whose texts are reasons a staff command was refused (`BookingError`).
REASON_FILES = ("bot/domain/visit_input.py", "bot/domain/staff_visits.py", "bot/domain/visits.py")
#: The group-setup message is written inline where the bot leaves a group.
SETUP_FILE = "bot/telegram/groups.py"


@dataclass(frozen=True)
class Shown:
    """One thing on the screen: a message with its buttons, a photo's caption, a button's
    pop-up, the bot's description in an empty chat, or its command menu."""

    text: str
    rows: tuple[tuple[Button, ...], ...] = ()
    kind: str = "message"


@dataclass(frozen=True)
class Scene:
    key: str
    section: str
    title: str
    show: Callable[[DialogContext], Sequence[Shown]]
    #: Seen in the staff group (in the staff language), not by a family.
    staff: bool = False


def messages(*screens: Screen) -> list[Shown]:
    return [Shown(screen.text, screen.rows) for screen in screens]


def view(
    status: str = "scheduled", *, first: bool = False, place: str = "clinic"
) -> cards.VisitView:
    return cards.VisitView(17, VISIT_AT, place, NOTE, status, LABEL, first)


def linked(context: DialogContext) -> DialogContext:
    return DialogContext(context.language, context.translators, context.values, linked=True)


def text_scene(
    message: str, *, kind: str = "message", **values: str
) -> Callable[..., list[Shown]]:
    """A catalog text alone, as a message or a pop-up."""

    def show(context: DialogContext) -> list[Shown]:
        return [Shown(context.translate(message, **values), kind=kind)]

    return show


def link_outcome_scene(outcome: str) -> Callable[[DialogContext], list[Shown]]:
    def show(context: DialogContext) -> list[Shown]:
        return messages(*customer.link_reply(outcome, context).screens)

    return show


def booked_at_scene(place_name: str) -> Callable[[DialogContext], list[Shown]]:
    def show(context: DialogContext) -> list[Shown]:
        _ = context.translate
        notice = visit_words.VISIT_NOTICES["visit_booked"]
        return [Shown(_(notice, when=_.moment(VISIT_AT), place=_(place_name)))]

    return show


# The family's side -----------------------------------------------------------------------


def page_scene(state: str, *, is_linked: bool = False) -> Callable[[DialogContext], list[Shown]]:
    def show(context: DialogContext) -> list[Shown]:
        return messages(dialogs.render(state, linked(context) if is_linked else context))

    return show


def reply_scene(
    stored: str, event: Event | Callable[[DialogContext], Event]
) -> Callable[[DialogContext], list[Shown]]:
    """What the dialogs answer to an event (or to the event a context makes)."""

    def show(context: DialogContext) -> list[Shown]:
        reply = dialogs.step(stored, event(context) if callable(event) else event, context)
        shown = messages(*reply.screens)
        if reply.notice:
            shown.append(Shown(reply.notice, kind="popup"))
        return shown

    return show


def texts_written_in(template: Catalog, files: Sequence[str], known: set[str]) -> list[str]:
    """The template's texts written in these files, other than those already known."""
    return [
        str(message.id)
        for message in template
        if message.id
        and str(message.id) not in known
        and any(path in files for path, _line in message.locations)
    ]
