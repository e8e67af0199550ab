"""Named statements on the links between chats and cases (`Guardian`) that are not read on
every update (those are in `bot.store.queries`). They run on the unit of work's connection
and never commit."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, delete, select

from bot.store.tables import guardians

_DELETE = delete(guardians).where(
    guardians.c.case_id == bindparam("case_id"), guardians.c.chat_id == bindparam("chat_id")
)


def unlink(db: Connection, *, chat_id: int | None = None, case_id: int | None = None) -> list[int]:
    """Remove the links of a chat, or of a case; returns the cases (or chats) unlinked."""
    query = select(guardians.c.case_id, guardians.c.chat_id)
    if chat_id is not None:
        query = query.where(guardians.c.chat_id == chat_id)
    if case_id is not None:
        query = query.where(guardians.c.case_id == case_id)
    rows = db.execute(query).all()
    for row in rows:
        db.execute(_DELETE, {"case_id": row.case_id, "chat_id": row.chat_id})
    return [row.case_id if chat_id is not None else row.chat_id for row in rows]
