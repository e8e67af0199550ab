"""The case store's tables. They hold ids, timestamps and choices — never what a family wrote."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, DateTime
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _timestamp() -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=False)


class Conversation(SQLModel, table=True):
    """One private chat: its language and where it is in the dialogs."""

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    language: str = Field(max_length=8)
    language_chosen: bool = False
    state: str = Field(default="main", max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class ProcessedUpdate(SQLModel, table=True):
    """An update whose unit of work has committed; a redelivered one is skipped."""

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    processed_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class Setting(SQLModel, table=True):
    """Small facts the bot learns and remembers, such as its own @username."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=256)
