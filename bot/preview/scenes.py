"""Every screen the bot can show, made by the dialogs themselves from fixed sample data.

A scene is one moment of a conversation: what a parent (or the staff group) sees after one
event. Each scene is a function of a dialog context, so the preview can render it in every
language and note which catalog texts it used. Texts that are no screen at all (the keyword
lists the bot matches typed messages with) are listed in `not_screens`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.messages.catalog import Catalog

from bot import dialogs
from bot.dialogs import advice, customer, menu, menu_pages
from bot.dialogs import visits as cards
from bot.dialogs.advice_texts import (
    EXHAUSTED,
    NOTHING_FOUND,
    STAFF_URGENT_NOTICE,
    TOPICS,
    UNSURE,
    URGENT_ANSWER,
    URGENT_SIGNS,
)
from bot.dialogs.base import (
    MAIN_MENU,
    Button,
    Command,
    DialogContext,
    Event,
    Press,
    Screen,
    Unsupported,
)
from bot.domain import inbox, visit_status, visit_words
from bot.domain.cases import CASE_STATUS_NAMES
from bot.domain.staff_visits import TWICE
from bot.i18n import Translator
from bot.telegram import staff_access
from bot.telegram.profile import COMMANDS, DESCRIPTION, SHORT_DESCRIPTION

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


def _text(message: str, *, kind: str = "message", **values: str) -> Callable[..., list[Shown]]:
    """A catalog text alone, as a message or a pop-up."""

    def show(context: DialogContext) -> list[Shown]:
        return [Shown(context.translate(message, **values), kind=kind)]

    return show


def _link_outcome(outcome: str) -> Callable[[DialogContext], list[Shown]]:
    def show(context: DialogContext) -> list[Shown]:
        return messages(*customer.link_reply(outcome, context).screens)

    return show


def _booked_at(place_name: str) -> Callable[[DialogContext], list[Shown]]:
    def show(context: DialogContext) -> list[Shown]:
        _ = context.translate
        notice = visit_words.VISIT_NOTICES["visit_booked"]
        return [Shown(_(notice, when=_.moment(VISIT_AT), place=_(place_name)))]

    return show


# The family's side -----------------------------------------------------------------------


def _page(state: str, *, is_linked: bool = False) -> Callable[[DialogContext], list[Shown]]:
    def show(context: DialogContext) -> list[Shown]:
        return messages(dialogs.render(state, linked(context) if is_linked else context))

    return show


def _reply(
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


def _menu_scenes() -> list[Scene]:
    section = "Main menu"
    scenes = [
        Scene("main", section, "The welcome and main menu (/start)", _page("main")),
        Scene(
            "main.linked",
            section,
            "The main menu of a family linked to a case",
            _page("main", is_linked=True),
        ),
        Scene("language", section, "The choice of language (/language)", _page("language")),
        Scene(
            "language.chosen",
            section,
            "After choosing a language: the pop-up and the main menu",
            _reply("language", lambda context: Press(f"language:choose:{context.language}")),
        ),
        Scene("help", section, "The commands (/help)", _page("help")),
        Scene("privacy", section, "Privacy (/privacy)", _page("privacy")),
        Scene("forget", section, "Erase your data? (/forget)", _page("forget")),
        Scene(
            "erased",
            section,
            "After erasing",
            _reply("forget", Press("forget:erase")),
        ),
    ]
    about = "About occupational therapy"
    scenes.append(Scene("about", about, "About occupational therapy", _page("about")))
    for state in menu_pages.ABOUT_PAGES:
        title = f"About: {state.value.split('.')[1]}"
        scenes.append(Scene(state.value, about, title, _page(state.value)))
    return scenes


def _advice_scenes() -> list[Scene]:
    section = "Baby advice"
    scenes = [Scene("advice", section, "The advice topics", _page(advice.HOME))]
    for topic in TOPICS:
        state = advice.topic_state(topic)
        scenes.append(Scene(state, section, f"Topic: {topic.key}", _page(state)))
        for question in topic.questions:
            answer = advice.answer_state(topic, question)
            title = f"Answer: {topic.key}, {question.key}"
            scenes.append(Scene(answer, section, title, _page(answer)))
    return scenes


def _typed_scenes() -> list[Scene]:
    """The answers to typed messages, composed as `advice.on_text` composes them."""
    section = "Typed messages"

    def urgent(context: DialogContext) -> list[Shown]:
        home = advice.render(advice.HOME, context)
        return messages(Screen(context.translate(URGENT_ANSWER), home.rows))

    def urgent_and_topic(context: DialogContext) -> list[Shown]:
        return [
            Shown(context.translate(URGENT_ANSWER)),
            *messages(advice.render(advice.topic_state(TOPICS[0]), context)),
        ]

    def coping(context: DialogContext) -> list[Shown]:
        return messages(advice.render(advice.COPING, context))

    def not_understood(context: DialogContext) -> list[Shown]:
        home = advice.render(advice.HOME, context)
        return messages(Screen(context.translate(NOTHING_FOUND), home.rows))

    def unsure(context: DialogContext) -> list[Shown]:
        _ = context.translate
        likeliest = [(Button(_(t.label), f"{advice.HOME}:{t.key}"),) for t in TOPICS[:3]]
        rows = (*likeliest, (Button(_(MAIN_MENU), f"{advice.HOME}:main"),))
        return messages(Screen(_(UNSURE), tuple(rows)))

    def small_talk(kind: str) -> Callable[[DialogContext], list[Shown]]:
        return lambda context: messages(*menu.small_talk(kind, context).screens)

    return [
        Scene("typed.urgent", section, "A message with an urgent sign", urgent),
        Scene(
            "typed.urgent_topic",
            section,
            "An urgent sign in a question on a topic: the urgent screen, then the topic",
            urgent_and_topic,
        ),
        Scene("typed.coping", section, "A parent at the end of their strength", coping),
        Scene(
            "typed.not_understood", section, "A message the bot did not understand", not_understood
        ),
        Scene("typed.unsure", section, "A message that could mean several topics", unsure),
        Scene("typed.greeting", section, "A greeting alone", small_talk("greeting")),
        Scene("typed.thanks", section, "Thanks alone", small_talk("thanks")),
    ]


def _customer_scenes() -> list[Scene]:
    section = "Customers and linking"
    scenes = [
        Scene("customer", section, "I'm already a customer", _page("customer")),
        Scene("customer.code", section, "The code prompt", _page("customer.code")),
    ]
    for outcome in customer.OUTCOMES:
        scenes.append(
            Scene(
                f"link.{outcome.replace(' ', '_')}",
                section,
                f"After a code: {outcome}",
                _link_outcome(outcome),
            )
        )
    return scenes


def _visit_scenes() -> list[Scene]:
    section = "Visits"
    scheduled, confirmed = visit_status.Status.SCHEDULED.value, visit_status.Status.CONFIRMED.value
    reminded = visit_status.Status.REMINDED.value
    rescheduled = visit_status.Status.RESCHEDULE.value

    def card(
        status: str,
        *,
        first: bool = False,
        reason: str = "",
        previous: datetime | None = None,
        place: str = "clinic",
    ) -> Callable[[DialogContext], list[Shown]]:
        visit = view(status, first=first, place=place)
        return lambda context: messages(
            cards.card(visit, context, reason=reason, previous=previous)
        )

    def my_visits(views: list[cards.VisitView], *, is_linked: bool) -> Callable[..., list[Shown]]:
        return lambda context: messages(*cards.my_visits(views, context, linked=is_linked))

    scenes = [
        Scene(
            "visit.first",
            section,
            "A case's first visit is booked",
            card(scheduled, first=True, reason="booked"),
        ),
        Scene("visit.booked", section, "A visit is booked", card(scheduled, reason="booked")),
        Scene(
            "visit.booked.home",
            section,
            "A visit at home is booked",
            card(scheduled, reason="booked", place="home"),
        ),
        Scene(
            "visit.booked.daycare",
            section,
            "A visit at the daycare centre is booked",
            card(scheduled, reason="booked", place="daycare"),
        ),
        Scene(
            "visit.moved",
            section,
            "A visit is moved to a new time",
            card(scheduled, reason="moved", previous=EARLIER_AT),
        ),
        Scene(
            "visit.reminder", section, "The reminder of a visit", card(reminded, reason="reminder")
        ),
        Scene(
            "visit.nudge",
            section,
            "The short reminder of a confirmed visit",
            card(confirmed, reason="reminder"),
        ),
        Scene("visit.confirmed", section, "After confirming", card(confirmed)),
        Scene("visit.reschedule", section, "After asking for another time", card(rescheduled)),
        Scene(
            "visit.ask_times",
            section,
            "After asking for another time: which times would suit",
            lambda context: messages(cards.ask_times(context)),
        ),
        Scene(
            "visit.ask_cancel",
            section,
            "Cancel this visit?",
            lambda context: messages(cards.ask_cancel(view(), context)),
        ),
        Scene(
            "visit.cancelled_by_family",
            section,
            "After the family cancelled",
            lambda context: messages(cards.cancelled(view(), context, by_family=True)),
        ),
        Scene(
            "visit.cancelled_by_staff",
            section,
            "A visit cancelled by staff",
            lambda context: messages(cards.cancelled(view(), context, by_family=False)),
        ),
        Scene(
            "visits",
            section,
            "My visits (/visits)",
            my_visits([view(confirmed), view(scheduled)], is_linked=True),
        ),
        Scene("visits.none", section, "My visits, none ahead", my_visits([], is_linked=True)),
        Scene(
            "visits.unlinked",
            section,
            "My visits in a chat not linked to a case",
            my_visits([], is_linked=False),
        ),
    ]
    for key, notice in cards.NOTICES.items():
        scenes.append(
            Scene(
                f"visit.popup.{key}",
                section,
                f"Pop-up of a visit button: {key}",
                _text(notice, kind="popup"),
            )
        )
    return scenes


def _notice_scenes() -> list[Scene]:
    section = "Family notices"
    scenes = [
        Scene(
            "family.which_child",
            section,
            "A guardian of several children writes",
            lambda context: [
                Shown(
                    context.translate(inbox.FAMILY_NOTICES["which_child"]),
                    ((Button(LABEL, "child:1"),), (Button("Eino K.", "child:2"),)),
                )
            ],
        ),
        Scene(
            "family.off_hours",
            section,
            "A message outside office hours",
            lambda context: [
                Shown(
                    context.translate(
                        inbox.FAMILY_NOTICES["off_hours"],
                        day=context.translate.weekday_date(OPENS_AT),
                        time=context.translate.time(OPENS_AT),
                    )
                )
            ],
        ),
        Scene(
            "family.child_chosen",
            section,
            "After choosing the child",
            lambda context: [
                Shown(context.translate(inbox.FAMILY_NOTICES["child_chosen"], label=LABEL))
            ],
        ),
    ]
    for key in ("unlinked", "offline", "held_back", "closed"):
        scenes.append(
            Scene(
                f"family.{key}",
                section,
                f"To a family: {key.replace('_', ' ')}",
                _text(inbox.FAMILY_NOTICES[key]),
            )
        )
    other = "Anything else"
    scenes += [
        Scene(
            "sticker",
            other,
            "A sticker, photo, voice message, file or location",
            _reply("main", Unsupported("sticker")),
        ),
        Scene("edited", other, "An edited message", _reply("main", Unsupported("edited"))),
        Scene(
            "unknown_command", other, "An unknown command (/foo)", _reply("main", Command("foo"))
        ),
        Scene(
            "outdated", other, "A button no longer in use", _reply("about", Press("about:gone"))
        ),
    ]
    profile = "Bot profile"

    def commands(context: DialogContext) -> list[Shown]:
        lines = [f"/{name} – {context.translate(text)}" for name, text in COMMANDS]
        return [Shown("\n".join(lines), kind="commands")]

    scenes += [
        Scene(
            "profile.description",
            profile,
            "In an empty chat, before /start",
            lambda context: [Shown(context.translate(DESCRIPTION), kind="description")],
        ),
        Scene(
            "profile.short_description",
            profile,
            "On the bot's profile",
            lambda context: [Shown(context.translate(SHORT_DESCRIPTION), kind="short")],
        ),
        Scene("profile.commands", profile, "The command menu", commands),
    ]
    return scenes


# The staff group -----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def staff_values(message: str, _: Translator) -> dict[str, str]:
    """Sample values for a staff notice's placeholders, in the staff language."""
    values: dict[str, str] = {}
    for name in _PLACEHOLDER.findall(message):
        if name in STAFF_VALUES:
            values[name] = STAFF_VALUES[name]
        elif name == "when":
            values[name] = _.moment(VISIT_AT)
        elif name == "expires":
            values[name] = _.moment(datetime(2026, 12, 12, 15, 0, tzinfo=ZONE))
        elif name == "place":
            values[name] = _(visit_words.PLACE_NAMES["clinic"])
        elif name == "usage":
            values[name] = _(visit_words.VISIT_NOTICES["visit_usage"])
        elif name == "visits":
            values[name] = _visit_lines(_)
        elif name == "status":
            values[name] = _(CASE_STATUS_NAMES["open"])
    return values


def _visit_lines(_: Translator) -> str:
    lines = []
    for number, status in enumerate(visit_status.Status, 1):
        place = _(visit_words.PLACE_NAMES[visit_words.PLACES[number % 3]])
        name = _(visit_words.STATUS_NAMES[status])
        lines.append(f"{number}. {_.moment(VISIT_AT)} · {place} · {name}")
    return "\n".join(lines)


def _staff(message: str) -> Callable[[DialogContext], list[Shown]]:
    def show(context: DialogContext) -> list[Shown]:
        _ = context.translate
        return [Shown(_(message, **staff_values(message, _)))]

    return show


def _staff_scenes(template: Catalog) -> list[Scene]:
    section = "Staff group"
    scenes = []
    for key, message in inbox.STAFF_NOTICES.items():
        if key == "case_opened":

            def caption(context: DialogContext, m: str = message) -> list[Shown]:
                return [
                    Shown(
                        context.translate(m, **staff_values(m, context.translate)), kind="caption"
                    )
                ]

            scenes.append(
                Scene(
                    f"staff.{key}",
                    section,
                    "/newcase: the QR code and its caption",
                    caption,
                    staff=True,
                )
            )
            continue
        scenes.append(
            Scene(f"staff.{key}", section, f"To staff: {key}", _staff(message), staff=True)
        )
    for key, message in staff_access.NOTICES.items():
        scenes.append(
            Scene(f"staff.{key}", section, f"To staff: {key}", _staff(message), staff=True)
        )
    scenes.append(
        Scene(
            "staff.urgent",
            section,
            "A family's message with an urgent sign",
            _staff(STAFF_URGENT_NOTICE),
            staff=True,
        )
    )
    for status, name in visit_words.STATUS_NAMES.items():

        def marked(context: DialogContext, n: str = name) -> list[Shown]:
            _ = context.translate
            values = staff_values(visit_words.VISIT_NOTICES["visit_marked"], _)
            values["status"] = _(n)
            return [Shown(_(visit_words.VISIT_NOTICES["visit_marked"], **values))]

        scenes.append(
            Scene(
                f"staff.visit_marked.{status.value}",
                section,
                f"/visit: {status.value}",
                marked,
                staff=True,
            )
        )
    for place, name in visit_words.PLACE_NAMES.items():
        scenes.append(
            Scene(
                f"staff.place.{place}",
                section,
                f"A visit booked at the {place}",
                _booked_at(name),
                staff=True,
            )
        )
    known = {*visit_words.VISIT_NOTICES.values(), *visit_words.STATUS_NAMES.values()}
    known |= {*visit_words.PLACE_NAMES.values(), TWICE}
    scenes += _case_scenes(template, section)
    for number, reason in enumerate(texts_written_in(template, REASON_FILES, known), 1):

        def refused(context: DialogContext, r: str = reason) -> list[Shown]:
            _ = context.translate
            notice = visit_words.VISIT_NOTICES["visit_refused"]
            return [
                Shown(_(notice, reason=_(r), usage=_(visit_words.VISIT_NOTICES["visit_usage"])))
            ]

        scenes.append(
            Scene(
                f"staff.refused.{number}",
                section,
                f"/visit refused: {reason}",
                refused,
                staff=True,
            )
        )
    for number, setup in enumerate(texts_written_in(template, (SETUP_FILE,), set()), 1):
        scenes.append(
            Scene(
                f"group.setup.{number}",
                section,
                "The bot added to a group before the staff group is set",
                _text(setup, chat_id="-1001234567890"),
                staff=True,
            )
        )
    return scenes


def _case_scenes(template: Catalog, section: str) -> list[Scene]:
    """/status of a closed case, why a case command was refused, and a visit booked at a
    time that comes twice."""

    def closed(context: DialogContext) -> list[Shown]:
        _ = context.translate
        notice = inbox.STAFF_NOTICES["status"]
        values = {**staff_values(notice, _), "status": _(CASE_STATUS_NAMES["closed"])}
        return [Shown(_(notice, **values))]

    def twice(context: DialogContext) -> list[Shown]:
        _ = context.translate
        notice = visit_words.VISIT_NOTICES["visit_booked"]
        when = _(TWICE, when=_.moment(datetime(2027, 10, 31, 3, 30, tzinfo=ZONE)))
        return [Shown(_(notice, when=when, place=_(visit_words.PLACE_NAMES["home"])))]

    scenes = [
        Scene("staff.status.closed", section, "/status of a closed case", closed, staff=True),
        Scene("staff.twice", section, "A visit at an hour that comes twice", twice, staff=True),
    ]
    known = set(CASE_STATUS_NAMES.values())
    for number, reason in enumerate(texts_written_in(template, (CASE_FILE,), known), 1):
        key = "case_refused" if "label" in reason else "not_done"

        def refused(context: DialogContext, r: str = reason, k: str = key) -> list[Shown]:
            _ = context.translate
            values = {"reference": STAFF_VALUES["reference"], "limit": "64"}
            return [Shown(_(inbox.STAFF_NOTICES[k], reason=_(r, **values)))]

        scenes.append(
            Scene(f"staff.case.{number}", section, f"Refused: {reason}", refused, staff=True)
        )
    return scenes


def texts_written_in(template: Catalog, files: Sequence[str], known: set[str]) -> list[str]:
    """The template's texts written in these files, other than those already known."""
    return [
        str(message.id)
        for message in template
        if message.id
        and str(message.id) not in known
        and any(path in files for path, _line in message.locations)
    ]


def all_scenes(template: Catalog) -> list[Scene]:
    return [
        *_menu_scenes(),
        *_advice_scenes(),
        *_typed_scenes(),
        *_customer_scenes(),
        *_visit_scenes(),
        *_notice_scenes(),
        *_staff_scenes(template),
    ]


def not_screens() -> dict[str, str]:
    """Catalog texts that are no screen, with why: the keyword lists typed messages are read
    with."""
    lists = {sign.keywords: f"keywords: urgent sign {sign.key}" for sign in URGENT_SIGNS}
    lists[EXHAUSTED.keywords] = "keywords: a parent at the end of their strength"
    for topic in TOPICS:
        lists[topic.keywords] = f"keywords: topic {topic.key}"
        for question in topic.questions:
            lists[question.keywords] = f"keywords: {topic.key}, {question.key}"
    for state, text in menu_pages.TYPED_PAGES.items():
        lists[text] = f"keywords: page {state.value}"
    for kind, text in menu_pages.SMALL_TALK.items():
        lists[text] = f"keywords: {kind}"
    return lists
