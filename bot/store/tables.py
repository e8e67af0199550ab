"""The tables' Core handles, declared once: the named statements of `bot.store` are built on
them."""

from __future__ import annotations

from sqlalchemy import Table

from bot.store.models import (
    Case,
    Conversation,
    Guardian,
    LinkAttempt,
    LinkCode,
    OutboxJob,
    ProcessedUpdate,
    RelayedMessage,
    Reminder,
    Setting,
    ShownScreen,
    StaffMember,
    StaffOnlyNotice,
    Visit,
)


def _table(model: type) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


cases = _table(Case)
conversations = _table(Conversation)
guardians = _table(Guardian)
link_codes = _table(LinkCode)
link_tries = _table(LinkAttempt)
outbox_jobs = _table(OutboxJob)
processed_updates = _table(ProcessedUpdate)
relayed = _table(RelayedMessage)
reminders = _table(Reminder)
settings = _table(Setting)
shown_screens = _table(ShownScreen)
staff_members = _table(StaffMember)
staff_only_notices = _table(StaffOnlyNotice)
visits = _table(Visit)
