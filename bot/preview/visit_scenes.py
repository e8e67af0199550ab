"""The scenes of visits in a parent's chat, and the notices a family gets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.dialogs import visits as cards
from bot.dialogs.base import (
    Button,
    Command,
    DialogContext,
    Press,
    Unsupported,
)
from bot.domain import inbox, visit_status
from bot.preview.scene_kit import (
    EARLIER_AT,
    LABEL,
    OPENS_AT,
    Scene,
    Shown,
    messages,
    reply_scene,
    text_scene,
    view,
)
from bot.telegram.profile import COMMANDS, DESCRIPTION, SHORT_DESCRIPTION


def visit_scenes() -> list[Scene]:
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
                text_scene(notice, kind="popup"),
            )
        )
    return scenes


def notice_scenes() -> list[Scene]:
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
                text_scene(inbox.FAMILY_NOTICES[key]),
            )
        )
    other = "Anything else"
    scenes += [
        Scene(
            "sticker",
            other,
            "A sticker, photo, voice message, file or location",
            reply_scene("main", Unsupported("sticker")),
        ),
        Scene("edited", other, "An edited message", reply_scene("main", Unsupported("edited"))),
        Scene(
            "unknown_command",
            other,
            "An unknown command (/foo)",
            reply_scene("main", Command("foo")),
        ),
        Scene(
            "outdated",
            other,
            "A button no longer in use",
            reply_scene("about", Press("about:gone")),
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
