"""Lanes: the order updates are handled in. Updates of different chats run side by side (at
most `OTBOT_CONCURRENCY` at once); updates of one private chat, and of one topic of the
staff group, strictly one after another.

Within a process `Lanes` keeps that order. With several processes on one PostgreSQL
(webhook mode), a unit of work also holds an advisory lock on its lane until it commits
(`hold_lane`), so a lane's updates are handled one at a time across them.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import Connection
from telegram import Update

from bot.store.database import hold_until_commit, wait_for_locks_at_most

#: Longest wait, in seconds, for another process's unit of work on the same lane (PostgreSQL).
LANE_LOCK_TIMEOUT = 10.0


def hold_lane(db: Connection, lane: str) -> None:
    """On PostgreSQL, wait for other processes' units of work on `lane` and hold it until
    this one ends (an advisory lock named by the lane's hash). SQLite has one writer."""
    if db.dialect.name != "postgresql":
        return
    wait_for_locks_at_most(db, LANE_LOCK_TIMEOUT)
    digest = hashlib.blake2b(lane.encode(), digest_size=8).digest()
    hold_until_commit(db, int.from_bytes(digest, "big", signed=True))


def lane_of(update: Update) -> str:
    """The lane an update waits its turn in: its private chat, or its topic of a group."""
    query = update.callback_query
    if query is not None:
        chat_id = query.message.chat.id if query.message else query.from_user.id
        return f"chat:{chat_id}"
    message = update.effective_message
    chat = update.effective_chat
    if chat is None:
        return "other"
    if message is not None and message.is_topic_message and message.message_thread_id:
        return f"chat:{chat.id}:{message.message_thread_id}"
    return f"chat:{chat.id}"


class Lanes:
    """Runs work for many lanes side by side, each lane's strictly in order, at most
    `limit` at once."""

    def __init__(self, limit: int) -> None:
        self._limit = asyncio.Semaphore(limit)
        self._tails: dict[str, asyncio.Task[None]] = {}

    def submit(
        self, lane: str, work: Callable[[], Coroutine[Any, Any, None]]
    ) -> asyncio.Task[None]:
        previous = self._tails.get(lane)
        task = asyncio.get_running_loop().create_task(self._run(previous, work))
        self._tails[lane] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self._tails.get(lane) is done:
                del self._tails[lane]

        task.add_done_callback(forget)
        return task

    async def _run(
        self, previous: asyncio.Task[None] | None, work: Callable[[], Coroutine[Any, Any, None]]
    ) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        async with self._limit:
            await work()
