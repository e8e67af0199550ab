"""Visits and their reminders.

A visit belongs to a case: a start time (UTC in the store, `OTBOT_TIMEZONE` when shown), a
place, a short note staff wrote and a status that moves only along `TRANSITIONS` (a
`transitions` machine; `docs/visits.md` draws it). Booking, moving and cancelling plan the
visit's reminders as rows (`Reminder`) and queue what the family and the case's topic are
told, all in the caller's unit of work. The scheduler (`Reminders`) claims due rows and
queues the reminder messages; the outbox sends them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from transitions import Machine

from bot.domain.office_hours import QuietHours
from bot.i18n import N_
from bot.machines import destination
from bot.outbox import chat_lane, enqueue, enqueue_all, reminder_lane
from bot.store import visits as store
from bot.store.models import utcnow
from bot.store.queries import guardians_of

log = logging.getLogger(__name__)


class Status(Enum):
    SCHEDULED = "scheduled"
    REMINDED = "reminded"
    CONFIRMED = "confirmed"
    RESCHEDULE = "reschedule_requested"
    CANCELLED = "cancelled"
    DONE = "done"
    NO_SHOW = "no_show"


#: A visit in one of these still takes place.
ACTIVE = [Status.SCHEDULED, Status.REMINDED, Status.CONFIRMED, Status.RESCHEDULE]
ACTIVE_VALUES = [status.value for status in ACTIVE]

TRANSITIONS: list[dict[str, object]] = [
    # The scheduler sent the first reminder.
    {"trigger": "remind", "source": Status.SCHEDULED, "dest": Status.REMINDED},
    # The family's answers.
    {
        "trigger": "confirm",
        "source": [Status.SCHEDULED, Status.REMINDED, Status.RESCHEDULE],
        "dest": Status.CONFIRMED,
    },
    {
        "trigger": "ask_another_time",
        "source": [Status.SCHEDULED, Status.REMINDED, Status.CONFIRMED],
        "dest": Status.RESCHEDULE,
    },
    {"trigger": "cancel", "source": ACTIVE, "dest": Status.CANCELLED},
    # Staff: a new time, a cancelled visit booked again, and afterwards how it went.
    {"trigger": "move", "source": ACTIVE, "dest": Status.SCHEDULED},
    {"trigger": "book_again", "source": Status.CANCELLED, "dest": Status.SCHEDULED},
    {"trigger": "mark_done", "source": ACTIVE, "dest": Status.DONE},
    {"trigger": "mark_no_show", "source": ACTIVE, "dest": Status.NO_SHOW},
]

MACHINE = Machine(
    model=None,
    states=Status,
    transitions=TRANSITIONS,
    initial=Status.SCHEDULED,
    auto_transitions=False,
)

PLACES = ("clinic", "home", "daycare")
#: The words staff may write for a place, in Finnish, Swedish and English.
PLACE_WORDS = {
    "vastaanotto": "clinic",
    "mottagning": "clinic",
    "clinic": "clinic",
    "koti": "home",
    "hem": "home",
    "home": "home",
    "päiväkoti": "daycare",
    "daghem": "daycare",
    "daycare": "daycare",
}

#: Names of the statuses in staff notices.
STATUS_NAMES = {
    # Translators: a visit's status, in the staff group.
    Status.SCHEDULED: N_("booked"),
    # Translators: a visit's status, in the staff group.
    Status.REMINDED: N_("reminded"),
    # Translators: a visit's status, in the staff group.
    Status.CONFIRMED: N_("confirmed"),
    # Translators: a visit's status, in the staff group.
    Status.RESCHEDULE: N_("family asks for another time"),
    # Translators: a visit's status, in the staff group.
    Status.CANCELLED: N_("cancelled"),
    # Translators: a visit's status, in the staff group.
    Status.DONE: N_("done"),
    # Translators: a visit's status, in the staff group.
    Status.NO_SHOW: N_("no-show"),
}
#: Names of the places in staff notices.
PLACE_NAMES = {
    # Translators: a visit's place, in the staff group.
    "clinic": N_("clinic"),
    # Translators: a visit's place, in the staff group.
    "home": N_("home"),
    # Translators: a visit's place, in the staff group.
    "daycare": N_("daycare"),
}

#: What the bot says about visits in a case's topic (in `OTBOT_STAFF_LANGUAGE`).
VISIT_NOTICES = {
    # Translators: to staff, after /visit; {when} like "to 3.12. klo 9.30", {place} a place.
    "visit_booked": N_("📅 Visit booked: {when} · {place}. The family was told."),
    # Translators: to staff, after /visit for a case no guardian has linked yet.
    "visit_booked_unlinked": N_(
        "📅 Visit booked: {when} · {place}. No guardian has linked yet: once one does, they "
        'find the visit under "My visits" and get its reminders.'
    ),
    # Translators: to staff, when /visit names a time the case has a visit at already.
    "visit_already": N_("The case already has a visit at {when}; nothing was booked."),
    # Translators: to staff, about a visit booked on the command line or by import.
    "visit_booked_outside": N_("📅 Visit booked in the booking system: {when} · {place}."),
    # Translators: to staff, about a visit booked on the command line or by import, for a
    # case no guardian has linked yet.
    "visit_booked_outside_untold": N_(
        "📅 Visit booked in the booking system: {when} · {place}. No guardian has linked yet, "
        "so the family was not told."
    ),
    # Translators: to staff, about a visit cancelled on the command line.
    "visit_cancelled_outside": N_("✖️ Visit cancelled in the booking system: {when}."),
    # Translators: to staff, after /visit move.
    "visit_moved": N_("📅 Visit {number} moved to {when}. The family was told."),
    # Translators: to staff, after /visit move, when no guardian is linked.
    "visit_moved_untold": N_(
        "📅 Visit {number} moved to {when}. No guardian is linked, so no one was told."
    ),
    # Translators: to staff, after /visit cancel.
    "visit_cancelled_by_staff": N_("✖️ Visit {number} ({when}) cancelled. The family was told."),
    # Translators: to staff, after /visit cancel of a visit already past or of a case no
    # guardian is linked to.
    "visit_cancelled_untold": N_(
        "✖️ Visit {number} ({when}) cancelled. No one was told: the visit has passed or no "
        "guardian is linked."
    ),
    # Translators: to staff, when /close is refused; {count} visits are still ahead.
    "visit_close_refused": N_(
        "The case still has visits ahead ({count}). Cancel them first (/visits, then /visit "
        "cancel N), and then /close."
    ),
    # Translators: to staff, after /visit done or /visit noshow; {status} is the new status.
    "visit_marked": N_("Visit {number} ({when}): {status}."),
    # Translators: to staff, when a /visit command could not be done; {reason} says why.
    "visit_refused": N_("Nothing was changed: {reason}.\n\n{usage}"),
    # Translators: to staff, the usage of /visit; keep the commands and their words.
    "visit_usage": N_(
        "Book a visit: /visit 3.12.2026 9.30 home [note]\n"
        "The date also as 2026-12-03 or 3.12.; the place clinic, home or daycare (in any of "
        "the three languages). The note is shown to the family.\n"
        "/visits – the case's visits, numbered\n"
        "/visit move N 4.12. 10.00 · /visit cancel N (the family is told)\n"
        "/visit done N · /visit noshow N – after the visit"
    ),
    # Translators: to staff, the heading of /visits.
    "visit_list": N_("Visits of {reference}:\n{visits}"),
    # Translators: to staff, /visits when the case has none.
    "visit_none": N_("The case has no visits yet.\n\n{usage}"),
    # Translators: to staff, in the case's topic.
    "visit_confirmed": N_("✅ The family confirmed the visit on {when}."),
    # Translators: to staff, in the case's topic; the family's next message follows.
    "visit_other_time": N_(
        "🔁 The family needs another time for the visit on {when}. Their message with times "
        "that suit them comes here."
    ),
    # Translators: to staff, in the case's topic.
    "visit_cancelled": N_("✖️ The family cancelled the visit on {when}."),
}


@lru_cache(maxsize=128)
def next_status(status: str, trigger: str) -> Status | None:
    """Where `trigger` takes a visit in `status`; None when it cannot happen now (a pure
    function of the machine, so its answers are kept)."""
    try:
        current = Status(status)
    except ValueError:
        return None
    moved: Status | None = destination(MACHINE, current, trigger)
    return moved


def is_active(status: str) -> bool:
    return status in ACTIVE_VALUES


#: A reminder that would go out this soon after the booking is left out: the booking's own
#: message has just told the family.
FRESH = timedelta(minutes=30)


@dataclass(frozen=True)
class ReminderPlan:
    """When a visit's reminders go out: `OTBOT_REMINDER_HOURS`, out of `OTBOT_QUIET_HOURS`."""

    leads: tuple[int, ...]
    quiet: QuietHours | None

    def due_times(self, starts_at: datetime, now: datetime) -> list[tuple[int, datetime]]:
        """(lead hours, when to send) for each reminder still ahead. A lead time already
        passed at booking, or only minutes away, gets none: the booking's own message tells
        the family."""
        planned: dict[datetime, int] = {}
        for lead in self.leads:
            due = starts_at - timedelta(hours=lead)
            if due <= now:
                continue
            send = self.quiet.deliver_at(due, now) if self.quiet else due
            if send - now >= FRESH and send < starts_at:
                planned.setdefault(send.astimezone(UTC), lead)
        return sorted(((lead, due) for due, lead in planned.items()), key=lambda p: p[1])


@dataclass(frozen=True)
class VisitRow:
    id: int
    case_id: int
    starts_at: datetime
    place: str
    note: str
    status: str

    @property
    def active(self) -> bool:
        return is_active(self.status)


def _row(row: Any) -> VisitRow:
    values = row._mapping
    return VisitRow(
        values["id"],
        values["case_id"],
        aware(values["starts_at"]),
        values["place"],
        values["note"],
        values["status"],
    )


def aware(moment: datetime) -> datetime:
    """A stored time as UTC (SQLite gives it back without its zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def case_visits(db: Connection, *, case_id: int) -> list[VisitRow]:
    """A case's visits in the order they were booked: the list staff number with /visits
    (a visit keeps its number when others are booked)."""
    return [_row(row) for row in store.of_case(db, case_id=case_id)]


def visit_by_id(db: Connection, visit_id: int) -> VisitRow | None:
    row = store.by_id(db, visit_id=visit_id)
    return _row(row) if row is not None else None


@dataclass(frozen=True)
class VisitDetails:
    """A visit with what its messages show besides: the case's label, and whether it is
    the case's first visit (no earlier one took place or still stands)."""

    visit: VisitRow
    label: str
    first: bool


def details_for_guardian(
    db: Connection, *, visit_id: int, chat_id: int
) -> tuple[VisitDetails, str | None] | None:
    """A visit's details and the chat's language, if the chat is a guardian of its case:
    what a visit message needs, in one query (reminders read it per message)."""
    row = store.details_for_guardian(db, visit_id=visit_id, chat_id=chat_id)
    if row is None:
        return None
    return VisitDetails(_row(row), str(row.label), bool(row.first)), row.language


def visit_details(db: Connection, visit_id: int) -> VisitDetails | None:
    """A visit and what its messages show, in one query."""
    row = store.details(db, visit_id=visit_id)
    if row is None:
        return None
    return VisitDetails(_row(row), str(row.label), bool(row.first))


def upcoming_of_chat(db: Connection, *, chat_id: int, now: datetime) -> list[VisitRow]:
    """The visits still ahead of every case the chat is linked to, soonest first."""
    rows = store.upcoming_of_chat(db, chat_id=chat_id, now=now, statuses=ACTIVE_VALUES)
    return [_row(row) for row in rows]


def upcoming_visits(db: Connection, *, now: datetime) -> list[tuple[str, VisitRow]]:
    """Every case's visits still ahead, soonest first, with the case's reference."""
    rows = store.upcoming(db, now=now, statuses=ACTIVE_VALUES)
    return [(row.reference, _row(row)) for row in rows]


class BookingError(Exception):
    """A booking, move or cancellation that cannot be done; the message is one line, and a
    catalog text (staff see it translated)."""


@dataclass(frozen=True)
class Booked:
    visit: VisitRow
    #: "booked", "again" (a cancelled visit at the same time booked again) or "already".
    outcome: str
    #: How many guardians were told.
    told: int


def book(
    db: Connection,
    *,
    case_id: int,
    starts_at: datetime,
    place: str,
    note: str,
    now: datetime,
    plan: ReminderPlan,
) -> Booked:
    """Book a visit; the same case and start time is the same visit (booked once)."""
    if place not in PLACES:
        raise BookingError(N_("say where: clinic, home or daycare"))
    if starts_at <= now:
        raise BookingError(N_("that time has already passed"))
    existing = store.at_time(db, case_id=case_id, starts_at=starts_at)
    if existing is not None:
        visit = _row(existing)
        again = next_status(visit.status, "book_again")
        if again is None:
            return Booked(visit, "already", 0)
        _set(db, visit.id, again, place=place, note=note)
        outcome, visit_id = "again", visit.id
    else:
        visit_id = store.insert_visit(
            db,
            case_id=case_id,
            starts_at=starts_at,
            place=place,
            note=note,
            status=Status.SCHEDULED.value,
            now=now,
        )
        outcome = "booked"
    visit = VisitRow(visit_id, case_id, starts_at, place, note, Status.SCHEDULED.value)
    _plan_reminders(db, visit, now=now, plan=plan)
    told = _tell_family(db, visit, "booked")
    return Booked(visit, outcome, told)


def move(
    db: Connection, visit: VisitRow, *, starts_at: datetime, now: datetime, plan: ReminderPlan
) -> int:
    """Give a visit a new time; the family is told. Returns how many guardians were told."""
    moved_to = next_status(visit.status, "move")
    if moved_to is None:
        raise BookingError(N_("that visit is no longer active"))
    if starts_at <= now:
        raise BookingError(N_("that time has already passed"))
    if store.clashes(db, case_id=visit.case_id, starts_at=starts_at, visit_id=visit.id):
        raise BookingError(N_("the case already has a visit at that time"))
    _set(db, visit.id, moved_to, starts_at=starts_at)
    moved = replace(visit, starts_at=starts_at, status=moved_to.value)
    _plan_reminders(db, moved, now=now, plan=plan)
    return _tell_family(db, moved, "moved", previous=visit.starts_at.isoformat())


def cancel(db: Connection, visit: VisitRow, *, tell_family: bool) -> int:
    """Cancel a visit and its reminders; returns how many guardians were told."""
    cancelled = next_status(visit.status, "cancel")
    if cancelled is None:
        raise BookingError(N_("that visit is no longer active"))
    _set(db, visit.id, cancelled)
    store.drop_reminders(db, visit_id=visit.id)
    return _tell_family(db, visit, "cancelled") if tell_family else 0


def answer(db: Connection, visit: VisitRow, trigger: str) -> Status | None:
    """Move a visit by `trigger` (a family's answer, or staff marking it); None when that
    cannot happen in its status."""
    new = next_status(visit.status, trigger)
    if new is None or not _set(db, visit.id, new, expected=Status(visit.status)):
        return None
    if new not in ACTIVE:
        store.drop_reminders(db, visit_id=visit.id)
    return new


def _set(
    db: Connection,
    visit_id: int,
    status: Status,
    *,
    expected: Status | None = None,
    **values: object,
) -> bool:
    """Set a visit's status; with `expected`, only if it still has that status (another
    process may have answered in between). Returns whether it was set."""
    return store.set_status(
        db,
        visit_id=visit_id,
        status=status.value,
        expected=expected.value if expected is not None else None,
        updated_at=utcnow(),
        **values,
    )


def _plan_reminders(db: Connection, visit: VisitRow, *, now: datetime, plan: ReminderPlan) -> None:
    store.drop_reminders(db, visit_id=visit.id)
    store.add_reminders(db, visit_id=visit.id, due=plan.due_times(visit.starts_at, now))


def _tell_family(
    db: Connection,
    visit: VisitRow,
    reason: str,
    *,
    previous: str | None = None,
    besides: int | None = None,
) -> int:
    chats = [c for c in guardians_of(db, case_id=visit.case_id) if c != besides]
    for chat_id in chats:
        enqueue(
            db,
            "visit_card",
            lane=chat_lane(chat_id),
            visit_id=visit.id,
            chat_id=chat_id,
            reason=reason,
            previous=previous,
        )
    return len(chats)


def tell_other_guardians(db: Connection, visit: VisitRow, reason: str, *, chat_id: int) -> int:
    """The case's other guardians hear what one of them did (a cancellation)."""
    return _tell_family(db, visit, reason, besides=chat_id)


def visits_ahead(db: Connection, *, case_id: int, now: datetime) -> list[VisitRow]:
    return [v for v in case_visits(db, case_id=case_id) if v.active and v.starts_at > now]


def tell_new_guardian(db: Connection, *, case_id: int, chat_id: int, now: datetime) -> int:
    """A guardian who just linked hears of the case's visits still ahead (with their
    buttons); returns how many."""
    ahead = visits_ahead(db, case_id=case_id, now=now)
    for visit in ahead:
        enqueue(
            db,
            "visit_card",
            lane=chat_lane(chat_id),
            visit_id=visit.id,
            chat_id=chat_id,
            reason="booked",
        )
    return len(ahead)


class ClaimConflict(Exception):  # noqa: N818 (not an error: another process was first)
    """Another process claimed some of the same reminders first."""


def claim_due_reminders(db: Connection, *, now: datetime, limit: int) -> int:
    """Claim the due reminders of up to `limit` visits and queue their messages; returns
    how many visits were claimed. A visit's reminders due together make one message, and a
    visit already begun, no longer active or of a closed case gets none. The claimed rows
    are deleted in the same transaction as the messages are queued, so a reminder is sent
    once even with several processes: on PostgreSQL each locks the visits it claims and
    skips those another has locked; SQLite has one writer."""
    locked = store.lock_due(db, now=now, limit=limit)
    if not locked:
        return 0
    claimed = store.due_reminders(db, visit_ids=locked, now=now)
    taken = store.take_reminders(db, reminder_ids=[r.id for r in claimed])
    if not claimed or taken != len(claimed):
        # Another process took some of them first: this transaction is rolled back.
        raise ClaimConflict
    visit_ids = sorted({row.visit_id for row in claimed})
    rows = store.reminder_targets(db, visit_ids=visit_ids, now=now, statuses=ACTIVE_VALUES)
    # The start time goes with each job: a visit moved before it is sent gets none.
    enqueue_all(
        db,
        "visit_card",
        [
            (
                reminder_lane(row.chat_id),
                {
                    "visit_id": row.id,
                    "chat_id": row.chat_id,
                    "reason": "reminder",
                    "starts_at": aware(row.starts_at).isoformat(),
                },
            )
            for row in rows
        ],
        priority=1,
    )
    first_reminded = sorted({row.id for row in rows if row.status == Status.SCHEDULED.value})
    reminded = next_status(Status.SCHEDULED.value, "remind")
    if first_reminded and reminded is not None:
        store.set_statuses(
            db,
            visit_ids=first_reminded,
            status=reminded.value,
            expected=Status.SCHEDULED.value,
            updated_at=utcnow(),
        )
    return len(visit_ids)
