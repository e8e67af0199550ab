"""Named queries on the case store.

They run on the connection of the current unit of work and never commit: the unit of work
commits once per update. The statements are built once, at import, because an update's
handling should spend its time on the conversation, not on building SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, delete, exists, insert, select, update

from bot.store.models import Conversation, Guardian, ProcessedUpdate, Setting, ShownScreen, utcnow

_conversations = Conversation.__table__  # type: ignore[attr-defined]
_processed = ProcessedUpdate.__table__  # type: ignore[attr-defined]
_settings = Setting.__table__  # type: ignore[attr-defined]
_shown = ShownScreen.__table__  # type: ignore[attr-defined]


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


_guardians = Guardian.__table__  # type: ignore[attr-defined]
_SELECT_CONVERSATION = select(
    _conversations.c.chat_id,
    _conversations.c.language,
    _conversations.c.language_chosen,
    _conversations.c.state,
    _conversations.c.off_hours_noted,
    _conversations.c.case_id,
    _conversations.c.pending_message_id,
    exists()
    .where(_guardians.c.chat_id == _conversations.c.chat_id)
    .correlate(_conversations)
    .label("linked"),
).where(_conversations.c.chat_id == bindparam("chat_id"))
_INSERT_CONVERSATION = insert(_conversations)
_UPDATE_CONVERSATION = (
    update(_conversations)
    .where(_conversations.c.chat_id == bindparam("chat_id_"))
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
_DELETE_CONVERSATION = delete(_conversations).where(
    _conversations.c.chat_id == bindparam("chat_id")
)


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
        select(_shown.c.message_id, _shown.c.digest).where(_shown.c.chat_id == chat_id)
    ).first()
    if shown is not None and tuple(shown) == (message_id, digest):
        return False
    forget_shown(db, chat_id=chat_id)
    db.execute(
        insert(_shown).values(
            chat_id=chat_id, message_id=message_id, digest=digest, shown_at=utcnow()
        )
    )
    return True


def forget_shown(db: Connection, *, chat_id: int, message_id: int | None = None) -> None:
    """Forget the chat's last edit (only if it was of `message_id`, when given)."""
    query = delete(_shown).where(_shown.c.chat_id == chat_id)
    if message_id is not None:
        query = query.where(_shown.c.message_id == message_id)
    db.execute(query)


def forget_idle_chats(db: Connection, *, idle_since: datetime) -> int:
    """Delete the state of chats unchanged since `idle_since` that no case links to."""
    linked = select(_guardians.c.chat_id)
    db.execute(delete(_shown).where(_shown.c.shown_at < idle_since))
    result = db.execute(
        delete(_conversations).where(
            _conversations.c.updated_at < idle_since, _conversations.c.chat_id.not_in(linked)
        )
    )
    return int(result.rowcount or 0)


_SELECT_PROCESSED = select(_processed.c.update_id).where(
    _processed.c.update_id == bindparam("update_id")
)
_INSERT_PROCESSED = insert(_processed)


def update_was_processed(db: Connection, *, update_id: int) -> bool:
    return db.execute(_SELECT_PROCESSED, {"update_id": update_id}).first() is not None


def mark_update_processed(db: Connection, *, update_id: int) -> None:
    db.execute(_INSERT_PROCESSED, {"update_id": update_id, "processed_at": utcnow()})


def prune_processed_updates(db: Connection, *, older_than: timedelta) -> int:
    """Forget update ids older than Telegram would ever redeliver."""
    cutoff = utcnow() - older_than
    result = db.execute(delete(_processed).where(_processed.c.processed_at < cutoff))
    return int(result.rowcount or 0)


def remembered(db: Connection, *, key: str) -> str | None:
    value = db.execute(select(_settings.c.value).where(_settings.c.key == key)).scalar()
    return str(value) if value is not None else None


def forget_remembered(db: Connection, *, key: str) -> None:
    db.execute(delete(_settings).where(_settings.c.key == key))


def remember(db: Connection, *, key: str, value: str) -> None:
    if remembered(db, key=key) is None:
        db.execute(insert(_settings).values(key=key, value=value))
    else:
        db.execute(update(_settings).where(_settings.c.key == key).values(value=value))


_SELECT_GUARDIANS = (
    select(_guardians.c.chat_id, _guardians.c.linked_at)
    .where(_guardians.c.case_id == bindparam("case_id"))
    .order_by(_guardians.c.linked_at, _guardians.c.chat_id)
)


def guardian_links(db: Connection, *, case_id: int) -> list[tuple[int, datetime]]:
    """The chats linked to a case and when, in the order they linked (staff number them so)."""
    return [
        (row.chat_id, row.linked_at) for row in db.execute(_SELECT_GUARDIANS, {"case_id": case_id})
    ]


def guardians_of(db: Connection, *, case_id: int) -> list[int]:
    """The chats linked to a case, in the order they linked."""
    return [chat_id for chat_id, _linked in guardian_links(db, case_id=case_id)]
