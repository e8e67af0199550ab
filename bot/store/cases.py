"""Named statements on the cases table (`Case`): finding a case, its topic, its status, and
blanking an erased one. They run on the unit of work's connection and never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, or_, select, update

from bot.store.tables import cases, guardians, link_codes, relayed, reminders, visits

_BY_ID = select(cases).where(cases.c.id == bindparam("case_id"))
_BY_TOPIC = select(cases).where(cases.c.topic_id == bindparam("topic_id"))
_BY_REFERENCE = select(cases).where(cases.c.reference == bindparam("reference"))
_SET_TOPIC = (
    update(cases).where(cases.c.id == bindparam("case_id")).values(topic_id=bindparam("topic"))
)
_SET_STATUS = (
    update(cases)
    .where(cases.c.id == bindparam("case_id"))
    .values(status=bindparam("status"), closed_at=bindparam("closed_at"))
)
_INSERT = insert(cases)
_INSERT_CODE = insert(link_codes)
_LATEST_REFERENCE = select(func.max(cases.c.reference)).where(
    cases.c.reference.startswith(bindparam("prefix"))
)
_guardian_counts = (
    select(guardians.c.case_id, func.count().label("n")).group_by(guardians.c.case_id).subquery()
)
_SUMMARIES = (
    select(cases, _guardian_counts.c.n)
    .outerjoin(_guardian_counts, _guardian_counts.c.case_id == cases.c.id)
    .order_by(cases.c.created_at)
)
_OF_CHAT = (
    select(cases.c.id, cases.c.label, cases.c.status)
    .join(guardians, guardians.c.case_id == cases.c.id)
    .where(guardians.c.chat_id == bindparam("chat_id"))
    .order_by(guardians.c.linked_at.desc())
)
_TO_ERASE = select(cases.c.id, cases.c.topic_id).where(
    cases.c.status == "closed",
    cases.c.closed_at < bindparam("cutoff"),
    or_(cases.c.label != "", cases.c.topic_id.is_not(None)),
)


def case_by_id(db: Connection, *, case_id: int) -> Any:
    """The case's row; it must exist."""
    return db.execute(_BY_ID, {"case_id": case_id}).one()


def case_of_topic(db: Connection, *, topic_id: int) -> Any | None:
    return db.execute(_BY_TOPIC, {"topic_id": topic_id}).first()


def case_by_reference(db: Connection, *, reference: str) -> Any | None:
    return db.execute(_BY_REFERENCE, {"reference": reference}).first()


def set_topic(db: Connection, *, case_id: int, topic_id: int | None) -> None:
    db.execute(_SET_TOPIC, {"case_id": case_id, "topic": topic_id})


def set_status(db: Connection, *, case_id: int, status: str, closed_at: datetime | None) -> None:
    db.execute(_SET_STATUS, {"case_id": case_id, "status": status, "closed_at": closed_at})


def cases_of_chat(db: Connection, *, chat_id: int) -> list[Any]:
    """(id, label, status) of the cases a chat is linked to, the latest link first."""
    return list(db.execute(_OF_CHAT, {"chat_id": chat_id}).all())


def closed_to_erase(db: Connection, *, closed_before: datetime) -> list[Any]:
    """(id, topic_id) of the cases closed before `closed_before` and not erased yet."""
    return list(db.execute(_TO_ERASE, {"cutoff": closed_before}).all())


def blank(db: Connection, *, case_ids: list[int]) -> None:
    """An erased case keeps its reference, dates and status; its label and topic go."""
    db.execute(update(cases).where(cases.c.id.in_(case_ids)).values(label="", topic_id=None))


def erase_rows(db: Connection, *, case_ids: list[int]) -> None:
    """Delete what hangs on the cases: links, relayed ids, codes, visits and reminders."""
    of_cases = select(visits.c.id).where(visits.c.case_id.in_(case_ids))
    db.execute(delete(reminders).where(reminders.c.visit_id.in_(of_cases)))
    for table in (guardians, relayed, link_codes, visits):
        db.execute(delete(table).where(table.c.case_id.in_(case_ids)))


def insert_case(db: Connection, *, reference: str, label: str, created_at: datetime) -> int:
    """A new open case; returns its id."""
    result = db.execute(
        _INSERT,
        {"reference": reference, "label": label, "status": "open", "created_at": created_at},
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def latest_reference(db: Connection, *, prefix: str) -> str | None:
    """The highest reference that starts with `prefix`."""
    found = db.execute(_LATEST_REFERENCE, {"prefix": prefix}).scalar()
    return str(found) if found is not None else None


def summaries(db: Connection) -> list[Any]:
    """Every case with `n`, its number of linked chats (None for none), oldest first."""
    return list(db.execute(_SUMMARIES).all())


def add_code(
    db: Connection,
    *,
    case_id: int,
    link_digest: str,
    typed_digest: str,
    created_at: datetime,
    expires_at: datetime,
) -> None:
    """A link code of a case, as its HMACs."""
    db.execute(
        _INSERT_CODE,
        {
            "case_id": case_id,
            "link_digest": link_digest,
            "typed_digest": typed_digest,
            "created_at": created_at,
            "expires_at": expires_at,
        },
    )
