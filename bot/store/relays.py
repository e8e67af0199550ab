"""Named statements on the relayed messages (`RelayedMessage`): the ids of both sides of a
copy between a family's chat and their case's topic, never the words. They run on the unit
of work's connection and never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select

from bot.store.tables import relayed

_INSERT = insert(relayed)
_FAMILY_MESSAGE = select(relayed.c.family_message_id).where(
    relayed.c.staff_message_id == bindparam("staff_message_id"),
    relayed.c.family_chat_id == bindparam("chat_id"),
)
_COPIES_OUT = select(relayed.c.family_chat_id, relayed.c.family_message_id).where(
    relayed.c.direction == "out", relayed.c.staff_message_id == bindparam("staff_message_id")
)
_LAST_OUT = select(func.max(relayed.c.staff_message_id)).where(
    relayed.c.case_id == bindparam("case_id"), relayed.c.direction == "out"
)
_OUT_SINCE = select(relayed).where(
    relayed.c.case_id == bindparam("case_id"),
    relayed.c.direction == "out",
    relayed.c.created_at > bindparam("since"),
    relayed.c.staff_message_id == bindparam("staff_message_id"),
)
_DELETE = delete(relayed).where(relayed.c.id == bindparam("relay_id"))
_FORGET_CHAT = delete(relayed).where(relayed.c.family_chat_id == bindparam("chat_id"))


def remember(
    db: Connection,
    *,
    direction: str,
    case_id: int,
    family_chat_id: int,
    family_message_id: int,
    staff_message_id: int,
    created_at: datetime,
) -> None:
    db.execute(
        _INSERT,
        {
            "case_id": case_id,
            "direction": direction,
            "family_chat_id": family_chat_id,
            "family_message_id": family_message_id,
            "staff_message_id": staff_message_id,
            "created_at": created_at,
        },
    )


def family_copy_of(db: Connection, *, staff_message_id: int, chat_id: int) -> int | None:
    """The message in a family's chat that a staff message was copied from or to."""
    found = db.execute(
        _FAMILY_MESSAGE, {"staff_message_id": staff_message_id, "chat_id": chat_id}
    ).scalar()
    return int(found) if found is not None else None


def copies_sent(db: Connection, *, staff_message_id: int) -> list[tuple[int, int]]:
    """(chat, message) of each family's copy of a therapist's message."""
    rows = db.execute(_COPIES_OUT, {"staff_message_id": staff_message_id}).all()
    return [(row.family_chat_id, row.family_message_id) for row in rows]


def take_back(
    db: Connection, *, case_id: int, since: datetime, staff_message_id: int | None
) -> list[Any]:
    """Forget, and return, the families' copies of a therapist's message sent since `since`
    (the case's last one when `staff_message_id` is None)."""
    if staff_message_id is None:
        staff_message_id = db.execute(_LAST_OUT, {"case_id": case_id}).scalar()
    copies = db.execute(
        _OUT_SINCE,
        {"case_id": case_id, "since": since, "staff_message_id": staff_message_id},
    ).all()
    for copy in copies:
        db.execute(_DELETE, {"relay_id": copy.id})
    return list(copies)


def forget_chat(db: Connection, *, chat_id: int) -> None:
    db.execute(_FORGET_CHAT, {"chat_id": chat_id})
