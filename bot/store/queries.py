"""Named queries on the case store.

They run on the connection of the current unit of work and never commit: the unit of work
commits once per update. The statements are built once, at import, because an update's
handling should spend its time on the conversation, not on building SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, delete, exists, insert, select, text, update

from bot.store.models import utcnow
from bot.store.tables import conversations, guardians, processed_updates, settings, shown_screens


@dataclass(frozen=True)
class ChatState:
    """Where a private chat is: its language and its place in the dialogs."""

    chat_id: int
    language: str
    language_chosen: bool = False
    state: str = "main"
    #: The off-hours period this chat was last told about (`bot.domain.office_hours`).
    off_hours_noted: datetime | None = None
    #: For a guardian of several children: the case their messages go to, and a message
    #: waiting for that choice.
    case_id: int | None = None
    pending_message_id: int | None = None
    #: Whether the chat is linked to a case (read with the state, never stored with it).
    linked: bool = False


_SELECT_CONVERSATION = select(
    conversations.c.chat_id,
    conversations.c.language,
    conversations.c.language_chosen,
    conversations.c.state,
    conversations.c.off_hours_noted,
    conversations.c.case_id,
    conversations.c.pending_message_id,
    exists()
    .where(guardians.c.chat_id == conversations.c.chat_id)
    .correlate(conversations)
    .label("linked"),
).where(conversations.c.chat_id == bindparam("chat_id"))
_INSERT_CONVERSATION = insert(conversations)
_UPDATE_CONVERSATION = (
    update(conversations)
    .where(conversations.c.chat_id == bindparam("chat_id_"))
    .values(
        language=bindparam("language"),
        language_chosen=bindparam("language_chosen"),
        state=bindparam("state"),
        off_hours_noted=bindparam("off_hours_noted"),
        case_id=bindparam("case_id"),
        pending_message_id=bindparam("pending_message_id"),
        updated_at=bindparam("updated_at"),
    )
)
_DELETE_CONVERSATION = delete(conversations).where(conversations.c.chat_id == bindparam("chat_id"))


def chat_state(db: Connection, *, chat_id: int) -> ChatState | None:
    row = db.execute(_SELECT_CONVERSATION, {"chat_id": chat_id}).first()
    if row is None:
        return None
    return ChatState(**row._asdict())


def save_chat_state(db: Connection, new: ChatState, *, old: ChatState | None) -> None:
    """Store a chat's state; an unchanged one costs no write."""
    if old is not None and replace(new, linked=old.linked) == old:
        return
    values = {
        "language": new.language,
        "language_chosen": new.language_chosen,
        "state": new.state,
        "off_hours_noted": new.off_hours_noted,
        "case_id": new.case_id,
        "pending_message_id": new.pending_message_id,
        "updated_at": utcnow(),
    }
    if old is None:
        db.execute(_INSERT_CONVERSATION, {"chat_id": new.chat_id, **values})
    else:
        db.execute(_UPDATE_CONVERSATION, {"chat_id_": new.chat_id, **values})


def forget_chat(db: Connection, *, chat_id: int) -> None:
    db.execute(_DELETE_CONVERSATION, {"chat_id": chat_id})
    forget_shown(db, chat_id=chat_id)


def edit_changes(db: Connection, *, chat_id: int, message_id: int, digest: str) -> bool:
    """Whether editing a message into the screen of `digest` would change it: False when
    the bot last edited that message into that very screen. The edit is then remembered as
    the chat's last."""
    shown = db.execute(
        select(shown_screens.c.message_id, shown_screens.c.digest).where(
            shown_screens.c.chat_id == chat_id
        )
    ).first()
    if shown is not None and tuple(shown) == (message_id, digest):
        return False
    forget_shown(db, chat_id=chat_id)
    db.execute(
        insert(shown_screens).values(
            chat_id=chat_id, message_id=message_id, digest=digest, shown_at=utcnow()
        )
    )
    return True


def forget_shown(db: Connection, *, chat_id: int, message_id: int | None = None) -> None:
    """Forget the chat's last edit (only if it was of `message_id`, when given)."""
    query = delete(shown_screens).where(shown_screens.c.chat_id == chat_id)
    if message_id is not None:
        query = query.where(shown_screens.c.message_id == message_id)
    db.execute(query)


def forget_idle_chats(db: Connection, *, idle_since: datetime) -> int:
    """Delete the state of chats unchanged since `idle_since` that no case links to."""
    linked = select(guardians.c.chat_id)
    db.execute(delete(shown_screens).where(shown_screens.c.shown_at < idle_since))
    result = db.execute(
        delete(conversations).where(
            conversations.c.updated_at < idle_since, conversations.c.chat_id.not_in(linked)
        )
    )
    return int(result.rowcount or 0)


_SELECT_PROCESSED = select(processed_updates.c.update_id).where(
    processed_updates.c.update_id == bindparam("update_id")
)
_INSERT_PROCESSED = insert(processed_updates)


def update_was_processed(db: Connection, *, update_id: int) -> bool:
    return db.execute(_SELECT_PROCESSED, {"update_id": update_id}).first() is not None


def mark_update_processed(db: Connection, *, update_id: int) -> None:
    db.execute(_INSERT_PROCESSED, {"update_id": update_id, "processed_at": utcnow()})


def prune_processed_updates(db: Connection, *, older_than: timedelta) -> int:
    """Forget update ids older than Telegram would ever redeliver."""
    cutoff = utcnow() - older_than
    result = db.execute(delete(processed_updates).where(processed_updates.c.processed_at < cutoff))
    return int(result.rowcount or 0)


def remembered(db: Connection, *, key: str) -> str | None:
    value = db.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
    return str(value) if value is not None else None


def forget_remembered(db: Connection, *, key: str) -> None:
    db.execute(delete(settings).where(settings.c.key == key))


def remember(db: Connection, *, key: str, value: str) -> None:
    if remembered(db, key=key) is None:
        db.execute(insert(settings).values(key=key, value=value))
    else:
        db.execute(update(settings).where(settings.c.key == key).values(value=value))


_SELECT_GUARDIANS = (
    select(guardians.c.chat_id, guardians.c.linked_at)
    .where(guardians.c.case_id == bindparam("case_id"))
    .order_by(guardians.c.linked_at, guardians.c.chat_id)
)


def guardian_links(db: Connection, *, case_id: int) -> list[tuple[int, datetime]]:
    """The chats linked to a case and when, in the order they linked (staff number them so)."""
    return [
        (row.chat_id, row.linked_at) for row in db.execute(_SELECT_GUARDIANS, {"case_id": case_id})
    ]


def guardians_of(db: Connection, *, case_id: int) -> list[int]:
    """The chats linked to a case, in the order they linked."""
    return [chat_id for chat_id, _linked in guardian_links(db, case_id=case_id)]


_PING = text("SELECT 1")


def ping(db: Connection) -> None:
    """Ask the store to answer at all (the health check)."""
    db.execute(_PING)
