"""The case store's tables. They hold ids, timestamps and choices — never what a family wrote."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    SmallInteger,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time as UTC (SQLite gives it back without its zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _timestamp() -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=False)


class Conversation(SQLModel, table=True):
    """One private chat: its language and where it is in the dialogs."""

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    language: str = Field(max_length=8)
    language_chosen: bool = False
    state: str = Field(default="main", max_length=64)
    #: The off-hours period (named by when it ends) this chat was last told about.
    off_hours_noted: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    #: For a guardian of several children: the case their messages go to.
    case_id: int | None = Field(default=None, sa_type=BigInteger)
    #: A message waiting for the guardian to say which child it is about.
    pending_message_id: int | None = Field(default=None, sa_type=BigInteger)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class ProcessedUpdate(SQLModel, table=True):
    """An update whose unit of work has committed; a redelivered one is skipped."""

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    processed_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class Setting(SQLModel, table=True):
    """Small facts the bot learns and remembers, such as its own @username."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=256)


class Case(SQLModel, table=True):
    """A family's case: a reference, a label staff chose (never an identity code), a status,
    and the staff group's topic for it."""

    __tablename__ = "familycase"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, unique=True)
    label: str = Field(max_length=64)
    status: str = Field(default="open", max_length=16)
    topic_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    closed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Guardian(SQLModel, table=True):
    """A Telegram chat linked to a case; a case may have several, a chat several cases."""

    case_id: int = Field(foreign_key="familycase.id", primary_key=True, ondelete="CASCADE")
    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    linked_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class LinkCode(SQLModel, table=True):
    """A one-time code that links a chat to a case. Only HMACs of the codes are stored."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="familycase.id", index=True, ondelete="CASCADE")
    #: HMAC of the long code carried by the deep link.
    link_digest: str = Field(max_length=64, unique=True)
    #: HMAC of the short code a parent types.
    typed_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    expires_at: datetime = Field(sa_column=_timestamp())
    used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class RelayedMessage(SQLModel, table=True):
    """A message copied between a family's chat and the case's topic: ids only, so that
    replies keep their thread, edits reach the copy and staff can take a message back."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="familycase.id", index=True, ondelete="CASCADE")
    #: "in": family to staff; "out": staff to family.
    direction: str = Field(max_length=3)
    family_chat_id: int = Field(sa_type=BigInteger, index=True)
    family_message_id: int = Field(sa_type=BigInteger)
    staff_message_id: int = Field(sa_type=BigInteger, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class OutboxJob(SQLModel, table=True):
    """Something the bot must send because of a committed change.

    Jobs of one lane (a private chat, or one topic of the staff group) go strictly in order:
    only a lane's first job may be sent. A job being sent is claimed by its process
    (`claimed_by`) until `not_before`, a lease the process renews while it lives.
    """

    __table_args__ = (
        Index("ix_outboxjob_order", "priority", "id"),
        Index("ix_outboxjob_lane", "lane", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    #: Whose turn it waits for: "chat:ID", "case:ID", "staff:THREAD", "reminders:ID", ...
    lane: str = Field(default="", max_length=48)
    #: JSON of the job's ids, keys and the bot's own texts (never a family's words).
    payload: str = Field(max_length=8000)
    attempts: int = 0
    #: 0 goes first (relays, notices, answers); 1 waits behind it (reminders in bulk).
    priority: int = Field(default=0, sa_type=SmallInteger)
    #: Due from then; while claimed, the end of the claim's lease.
    not_before: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    #: The process sending it now, or None.
    claimed_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class LinkAttempt(SQLModel, table=True):
    """A wrong code (typed or in a link), kept for an hour to limit guessing per chat and to
    alert staff when guessing piles up across chats."""

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class Visit(SQLModel, table=True):
    """A visit of a case: when (UTC), where, a short note staff wrote, and its status
    (`bot.domain.visits.STATUSES`). A case has one visit per start time."""

    __table_args__ = (UniqueConstraint("case_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="familycase.id", index=True, ondelete="CASCADE")
    starts_at: datetime = Field(sa_column=_timestamp())
    #: "clinic", "home" or "daycare".
    place: str = Field(max_length=16)
    note: str = Field(default="", max_length=200)
    status: str = Field(default="scheduled", max_length=24)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class Reminder(SQLModel, table=True):
    """A reminder still to send: a row from booking until the scheduler claims it."""

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id", index=True, ondelete="CASCADE")
    #: Hours before the visit it was planned for (`OTBOT_REMINDER_HOURS`).
    lead_hours: int
    #: When it goes out: the lead time, moved out of quiet hours.
    due_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))


class StaffMember(SQLModel, table=True):
    """A person who acts as staff: an administrator of the staff group, as Telegram last
    said (`getChatAdministrators`, then `chat_member` updates)."""

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    since: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class StaffOnlyNotice(SQLModel, table=True):
    """Someone who is not staff acted in a topic and was told so on this day (once a day);
    kept for a few days only."""

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    #: The topic's thread id; 0 for the general topic.
    topic_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    day: date = Field(sa_column=Column(Date, primary_key=True))


class ShownScreen(SQLModel, table=True):
    """The message of a private chat the bot last edited, and a digest of the screen it was
    edited into (never its text): a second press that would make the same edit makes none.
    One row a chat."""

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    message_id: int = Field(sa_type=BigInteger)
    #: SHA-256 of the screen's text and buttons, in hex.
    digest: str = Field(max_length=64)
    shown_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
