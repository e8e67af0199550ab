"""Named queries on the case store. They use the session of the current unit of work and
never commit: the unit of work commits once per update."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session

from bot.store.models import Conversation, ProcessedUpdate, Setting, utcnow


def conversation(session: Session, *, chat_id: int) -> Conversation | None:
    return session.get(Conversation, chat_id)


def save_conversation(session: Session, conversation: Conversation) -> None:
    conversation.updated_at = utcnow()
    session.add(conversation)


def forget_conversation(session: Session, *, chat_id: int) -> None:
    session.execute(delete(Conversation).where(Conversation.chat_id == chat_id))  # type: ignore[arg-type]


def update_was_processed(session: Session, *, update_id: int) -> bool:
    return session.get(ProcessedUpdate, update_id) is not None


def mark_update_processed(session: Session, *, update_id: int) -> None:
    session.add(ProcessedUpdate(update_id=update_id))


def prune_processed_updates(session: Session, *, older_than: timedelta) -> int:
    """Forget update ids older than Telegram would ever redeliver."""
    cutoff: datetime = utcnow() - older_than
    result = session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)  # type: ignore[arg-type]
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def remembered(session: Session, *, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row else None


def remember(session: Session, *, key: str, value: str) -> None:
    session.merge(Setting(key=key, value=value))
