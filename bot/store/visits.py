"""Named statements on visits (`Visit`) and their reminders (`Reminder`). They run on the
unit of work's connection and never commit; rows come back as they are stored (the rules
in `bot.domain.visits` read them into `VisitRow`s), and statuses are passed in by those
rules, whose machine decides them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, exists, insert, select, update

from bot.store.tables import cases, conversations, guardians, reminders, visits

#: A visit's columns, as every statement that returns visits reads them.
COLUMNS = (
    visits.c.id,
    visits.c.case_id,
    visits.c.starts_at,
    visits.c.place,
    visits.c.note,
    visits.c.status,
)
#: The status of a cancelled visit, which does not count as an earlier one.
_CANCELLED = "cancelled"

_OF_CASE = select(*COLUMNS).where(visits.c.case_id == bindparam("case_id")).order_by(visits.c.id)
_BY_ID = select(*COLUMNS).where(visits.c.id == bindparam("visit_id"))
_AT_TIME = select(*COLUMNS).where(
    visits.c.case_id == bindparam("case_id"), visits.c.starts_at == bindparam("starts_at")
)
_CLASH = select(visits.c.id).where(
    visits.c.case_id == bindparam("case_id"),
    visits.c.starts_at == bindparam("starts_at"),
    visits.c.id != bindparam("visit_id"),
)
_earlier = visits.alias("earlier")
_DETAILS = (
    select(
        *COLUMNS,
        cases.c.label,
        ~exists()
        .where(
            _earlier.c.case_id == visits.c.case_id,
            _earlier.c.starts_at < visits.c.starts_at,
            _earlier.c.status != _CANCELLED,
        )
        .label("first"),
    )
    .join(cases, cases.c.id == visits.c.case_id)
    .where(visits.c.id == bindparam("visit_id"))
)
_FOR_GUARDIAN = (
    _DETAILS.add_columns(conversations.c.language)
    .join(
        guardians,
        (guardians.c.case_id == visits.c.case_id) & (guardians.c.chat_id == bindparam("chat_id")),
    )
    .outerjoin(conversations, conversations.c.chat_id == guardians.c.chat_id)
)
_INSERT = insert(visits)
_DROP_REMINDERS = delete(reminders).where(reminders.c.visit_id == bindparam("visit_id"))
_INSERT_REMINDERS = insert(reminders)


def of_case(db: Connection, *, case_id: int) -> Sequence[Any]:
    """A case's visits in the order they were booked."""
    return db.execute(_OF_CASE, {"case_id": case_id}).all()


def by_id(db: Connection, *, visit_id: int) -> Any | None:
    return db.execute(_BY_ID, {"visit_id": visit_id}).first()


def at_time(db: Connection, *, case_id: int, starts_at: datetime) -> Any | None:
    """The case's visit at that start time, whatever its status."""
    return db.execute(_AT_TIME, {"case_id": case_id, "starts_at": starts_at}).first()


def clashes(db: Connection, *, case_id: int, starts_at: datetime, visit_id: int) -> bool:
    """Whether the case has another visit than `visit_id` at that start time."""
    params = {"case_id": case_id, "starts_at": starts_at, "visit_id": visit_id}
    return db.execute(_CLASH, params).first() is not None


def details(db: Connection, *, visit_id: int) -> Any | None:
    """A visit with its case's label and whether it is the case's first (`first`)."""
    return db.execute(_DETAILS, {"visit_id": visit_id}).first()


def details_for_guardian(db: Connection, *, visit_id: int, chat_id: int) -> Any | None:
    """`details` and the chat's `language`, if the chat is a guardian of the visit's case."""
    return db.execute(_FOR_GUARDIAN, {"visit_id": visit_id, "chat_id": chat_id}).first()


def upcoming_of_chat(
    db: Connection, *, chat_id: int, now: datetime, statuses: list[str]
) -> Sequence[Any]:
    """The visits in `statuses` still ahead of every case the chat is linked to, soonest
    first."""
    return db.execute(
        select(*COLUMNS)
        .join(guardians, guardians.c.case_id == visits.c.case_id)
        .where(
            guardians.c.chat_id == chat_id,
            visits.c.starts_at > now,
            visits.c.status.in_(statuses),
        )
        .order_by(visits.c.starts_at, visits.c.id)
    ).all()


def upcoming(db: Connection, *, now: datetime, statuses: list[str]) -> Sequence[Any]:
    """Every case's visits in `statuses` still ahead, soonest first, with `reference`."""
    return db.execute(
        select(cases.c.reference, *COLUMNS)
        .join(cases, cases.c.id == visits.c.case_id)
        .where(visits.c.starts_at > now, visits.c.status.in_(statuses))
        .order_by(visits.c.starts_at, visits.c.id)
    ).all()


def insert_visit(
    db: Connection,
    *,
    case_id: int,
    starts_at: datetime,
    place: str,
    note: str,
    status: str,
    now: datetime,
) -> int:
    result = db.execute(
        _INSERT,
        {
            "case_id": case_id,
            "starts_at": starts_at,
            "place": place,
            "note": note,
            "status": status,
            "created_at": now,
            "updated_at": now,
        },
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def set_status(
    db: Connection,
    *,
    visit_id: int,
    status: str,
    expected: str | None,
    updated_at: datetime,
    **values: object,
) -> bool:
    """Set a visit's status; with `expected`, only if it still has that status. Returns
    whether it was set."""
    query = update(visits).where(visits.c.id == visit_id)
    if expected is not None:
        query = query.where(visits.c.status == expected)
    done = db.execute(query.values(status=status, updated_at=updated_at, **values))
    return bool(done.rowcount)


def set_statuses(
    db: Connection, *, visit_ids: list[int], status: str, expected: str, updated_at: datetime
) -> None:
    """Set the status of those of the visits that still have `expected`."""
    db.execute(
        update(visits)
        .where(visits.c.id.in_(visit_ids), visits.c.status == expected)
        .values(status=status, updated_at=updated_at)
    )


def drop_reminders(db: Connection, *, visit_id: int) -> None:
    db.execute(_DROP_REMINDERS, {"visit_id": visit_id})


def add_reminders(db: Connection, *, visit_id: int, due: list[tuple[int, datetime]]) -> None:
    """Reminder rows of a visit: (lead hours, when due) each."""
    if due:
        db.execute(
            _INSERT_REMINDERS,
            [{"visit_id": visit_id, "lead_hours": lead, "due_at": at} for lead, at in due],
        )


def lock_due(db: Connection, *, now: datetime, limit: int) -> list[int]:
    """Up to `limit` visits with reminders due; on PostgreSQL they are locked, and visits
    another transaction has locked are skipped."""
    due = exists().where(reminders.c.visit_id == visits.c.id, reminders.c.due_at <= now)
    query = select(visits.c.id).where(due).order_by(visits.c.id).limit(limit)
    if db.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(db.execute(query).scalars())


def due_reminders(db: Connection, *, visit_ids: list[int], now: datetime) -> Sequence[Any]:
    """(id, visit_id) of the visits' reminders due by `now`."""
    return db.execute(
        select(reminders.c.id, reminders.c.visit_id).where(
            reminders.c.visit_id.in_(visit_ids), reminders.c.due_at <= now
        )
    ).all()


def take_reminders(db: Connection, *, reminder_ids: list[int]) -> int:
    """Delete the reminders; returns how many were still there."""
    taken = db.execute(delete(reminders).where(reminders.c.id.in_(reminder_ids)))
    return int(taken.rowcount or 0)


def reminder_targets(
    db: Connection, *, visit_ids: list[int], now: datetime, statuses: list[str]
) -> Sequence[Any]:
    """(id, status, starts_at, chat_id) for each guardian of each of the visits still ahead,
    in `statuses`, of an open case."""
    return db.execute(
        select(visits.c.id, visits.c.status, visits.c.starts_at, guardians.c.chat_id)
        .join(guardians, guardians.c.case_id == visits.c.case_id)
        .join(cases, cases.c.id == visits.c.case_id)
        .where(
            visits.c.id.in_(visit_ids),
            visits.c.starts_at > now,
            visits.c.status.in_(statuses),
            cases.c.status == "open",
        )
        .order_by(visits.c.id, guardians.c.chat_id)
    ).all()
