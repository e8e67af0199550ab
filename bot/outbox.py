"""What the bot owes: a decision writes it, the commit makes it owed, senders pay it.

An update's handlers never call Telegram. What they decide to send — the reply to the
parent, the copy into the topic, the notice to staff, the visit card — is an outbox job
written in the update's unit of work (`enqueue`), in a lane that keeps it in order with the
rest of that chat or topic. Once the unit of work commits, the jobs are sent at once by the
process that wrote them (`bot.runtime.sending`); a job a crash left behind is sent by the
outbox worker. The few calls that must not be stored are kept in memory until the commit
(`after_commit`): answering a button press (Telegram wants it within seconds; if it is
lost, nothing is owed) and the messages that carry a link code in clear, which the store
keeps only hashed.

Rows hold ids, notice keys and the bot's own texts, never a family's words.
"""

from __future__ import annotations

import contextvars
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from telegram import Bot

from bot.store import outbox as store
from bot.store.models import OutboxJob

__all__ = [
    "STAFF_GENERAL",
    "Later",
    "OutboxJob",
    "Owed",
    "after_commit",
    "case_lane",
    "chat_lane",
    "enqueue",
    "enqueue_all",
    "owing",
    "reminder_lane",
    "topic_lane",
]

#: A call made once the unit of work has committed.
Call = Callable[[Bot], Awaitable[object]]
#: What a sender leaves to record once its job is done.
Record = Callable[[Connection], None]
#: A job's sender: sends, and returns what to record once the job is done (or None).
Sender = Callable[[Bot, dict[str, Any]], Awaitable[Record | None]]

#: The staff group's general topic (notices about no case in particular).
STAFF_GENERAL = "staff:0"


def chat_lane(chat_id: int) -> str:
    """A private chat's lane."""
    return f"chat:{chat_id}"


def case_lane(case_id: int) -> str:
    """A case's topic in the staff group."""
    return f"case:{case_id}"


def topic_lane(thread_id: int | None) -> str:
    """A topic of the staff group that belongs to no case (0: the general topic)."""
    return f"staff:{thread_id or 0}"


def reminder_lane(chat_id: int) -> str:
    """Reminders to a chat: in order among themselves, never holding up the chat's answers
    (a reminder in the quiet hours waits for their end)."""
    return f"reminders:{chat_id}"


class Later(Exception):  # noqa: N818 (an answer, not an error)
    """A sender's answer that its job cannot go now (a reminder in the quiet hours): it is
    tried again after `seconds`, and that is not counted as a failed try."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"later, in {seconds:.0f} s")
        self.seconds = seconds


@dataclass
class Owed:
    """What a unit of work has made owed: how many jobs it wrote into each lane, and its
    calls."""

    lanes: Counter[str] = field(default_factory=Counter)
    calls: list[Call] = field(default_factory=list)


_owed: contextvars.ContextVar[Owed | None] = contextvars.ContextVar("otbot_owed", default=None)


@contextmanager
def owing() -> Iterator[Owed]:
    """Collect what the code in the block makes owed (around one unit of work)."""
    owed = Owed()
    token = _owed.set(owed)
    try:
        yield owed
    finally:
        _owed.reset(token)


def enqueue(db: Connection, kind: str, *, lane: str, priority: int = 0, **payload: Any) -> None:
    """Record a job in the current unit of work; it is sent once that commits. Jobs of
    priority 0 (answers, relays, notices) go before those of priority 1 (reminders)."""
    enqueue_all(db, kind, [(lane, payload)], priority=priority)


def enqueue_all(
    db: Connection, kind: str, jobs: Iterable[tuple[str, dict[str, Any]]], *, priority: int = 0
) -> None:
    """Record many jobs of a kind at once, each `(lane, payload)`."""
    jobs = list(jobs)
    store.record(db, kind, jobs, priority=priority)
    owed = _owed.get()
    if owed is not None:
        owed.lanes.update(lane for lane, _ in jobs)


def after_commit(call: Call) -> None:
    """Make `call` once the current unit of work has committed (dropped if it rolls back)."""
    owed = _owed.get()
    if owed is None:
        raise RuntimeError("after_commit outside a unit of work that owes")
    owed.calls.append(call)
