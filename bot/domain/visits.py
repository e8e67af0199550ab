"""Visits: booking, moving, cancelling and answering them, in the caller's unit of work.

A visit belongs to a case: a start time (UTC in the store, `OTBOT_TIMEZONE` when shown), a
place, a short note staff wrote and a status that moves only along the visit machine
(`bot.domain.visit_status`; `docs/visits.md` draws it). Booking and moving plan the visit's
reminders as rows (`bot.domain.reminders`) and queue what the family and the case's topic
are told.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from bot.domain.reminders import ReminderPlan
from bot.domain.visit_status import ACTIVE, ACTIVE_VALUES, Status, is_active, next_status
from bot.domain.visit_words import PLACES
from bot.i18n import N_
from bot.outbox import chat_lane, enqueue
from bot.store import visits as store
from bot.store.models import aware, utcnow
from bot.store.queries import guardians_of

log = logging.getLogger(__name__)


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
