"""Durable intake: the bot's own long-polling loop over `getUpdates`, chats side by side.

PTB's stock polling confirms updates to Telegram before they are handled, so a crash could
lose a parent's message. Here each update runs in its own unit of work — read, decide,
write what is owed, commit, with no network call inside — and the offset that confirms
updates moves only past updates that are all committed (the lowest unfinished one holds
it). Update ids already processed are remembered (a set, not a high-water mark: ids can
jump), so an update Telegram delivers again is skipped. Nothing of an update's content is
stored.

Updates of different chats are handled side by side (at most `OTBOT_CONCURRENCY` at once);
updates of one private chat, and of one topic of the staff group, strictly in order. With
several processes on one PostgreSQL (webhook mode), a unit of work holds an advisory lock
on its lane until it commits, so a lane's updates are handled one at a time across them.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext

from bot.outbox import owing
from bot.runtime.metrics import Metrics
from bot.runtime.sending import Outbox
from bot.store import queries
from bot.store.database import hold_until_commit, unit_of_work, wait_for_locks_at_most

log = logging.getLogger(__name__)

#: How long an update id is remembered; Telegram keeps undelivered updates for 24 hours.
REMEMBER_UPDATES = timedelta(days=2)
PRUNE_EVERY_SECONDS = 3600.0
#: Longest wait, in seconds, for another process's unit of work on the same lane (PostgreSQL).
LANE_LOCK_TIMEOUT = 10.0
#: While an update is unfinished, the poller asks again at most this often (Telegram answers
#: at once with the updates it has not been told are done).
SETTLE_SECONDS = 0.5

_failures: contextvars.ContextVar[list[BaseException]] = contextvars.ContextVar("otbot_failures")


async def note_failure(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """PTB's error handler: a handler failed, so the update's unit of work must not commit."""
    error = context.error
    if error is None:
        return
    failures = _failures.get(None)
    if failures is not None:
        failures.append(error)
    else:
        log.error("error outside an update's unit of work", exc_info=error)


class UpdateError(Exception):
    """A handler raised while processing an update."""


class Intake:
    """Processes an update in a unit of work, retrying a failing one, and hands what it owes
    to the outbox once it has committed."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        engine: Engine,
        outbox: Outbox,
        *,
        attempts: int = 4,
        retry_base: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        housekeeping: Callable[[Connection], None] = lambda db: None,
        prepare: Callable[[Update], Awaitable[None]] | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.application = application
        self.engine = engine
        self.outbox = outbox
        self.attempts = attempts
        self.retry_base = retry_base
        self.sleep = sleep
        #: Hourly clean-up in the store (erasing closed cases' mappings).
        self.housekeeping = housekeeping
        #: What must be asked of Telegram before an update is decided on (who is staff);
        #: it runs before the unit of work, never inside it.
        self.prepare = prepare
        self.metrics = metrics or Metrics()
        #: When the last update arrived (time.monotonic()), for the health check.
        self.last_update: float | None = None

    async def process(self, update: Update) -> None:
        """Handle one update so that it commits once, or is logged and skipped."""
        arrived = self.last_update = time.monotonic()
        for attempt in range(1, self.attempts + 1):
            try:
                handled = await self._process_once(update)
                self.metrics.update_handled(
                    update,
                    "handled" if handled else "repeated",
                    time.monotonic() - arrived if handled else None,
                )
                return
            except Exception as exc:
                cause = exc.__cause__ or exc
                api_error = isinstance(cause, TelegramError)
                log.warning(
                    "update %s failed (try %d of %d): %s%s",
                    update.update_id,
                    attempt,
                    self.attempts,
                    type(cause).__name__,
                    f" ({cause.message})" if isinstance(cause, TelegramError) else "",
                    exc_info=None if api_error else cause,
                )
            if attempt < self.attempts:
                await self.sleep(self.retry_base * 2 ** (attempt - 1))
        log.error("update %s skipped after %d tries", update.update_id, self.attempts)
        with unit_of_work(self.engine) as db:
            queries.mark_update_processed(db, update_id=update.update_id)
        self.metrics.update_handled(update, "failed", None)

    async def _process_once(self, update: Update) -> bool:
        """Handle the update in one unit of work; False when it was processed before."""
        failures: list[BaseException] = []
        token = _failures.set(failures)
        try:
            if self.prepare is not None:
                await self.prepare(update)
            with owing() as owed, unit_of_work(self.engine) as db:
                hold_lane(db, lane_of(update))
                if queries.update_was_processed(db, update_id=update.update_id):
                    log.debug("update %s was processed before; skipped", update.update_id)
                    return False
                # The handlers decide and write; none of them awaits the network, so this
                # runs through without giving the event loop to anything else.
                await self.application.process_update(update)
                if failures:
                    raise UpdateError(str(update.update_id)) from failures[0]
                queries.mark_update_processed(db, update_id=update.update_id)
                jobs = self.outbox.claim_owed(db, owed)
            self.outbox.dispatch(jobs, owed.calls)
            return True
        finally:
            _failures.reset(token)

    def prune(self) -> None:
        """Forget what is no longer needed: old update ids, and what `housekeeping` says."""
        with unit_of_work(self.engine) as db:
            pruned = queries.prune_processed_updates(db, older_than=REMEMBER_UPDATES)
            self.housekeeping(db)
        log.debug("forgot %d old update ids", pruned)


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


class Poller:
    """Long-polls `getUpdates`, hands each update to its lane, and confirms updates to
    Telegram only once they and every update before them are committed."""

    def __init__(
        self,
        intake: Intake,
        *,
        allowed_updates: list[str],
        timeout: int = 30,
        concurrency: int = 64,
        max_backoff: float = 60.0,
    ) -> None:
        self.intake = intake
        self.bot = intake.application.bot
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self.max_backoff = max_backoff
        self.lanes = Lanes(concurrency)
        #: Updates handed to a lane and not finished, by id.
        self._unfinished: dict[int, asyncio.Task[None]] = {}
        #: Finished updates Telegram has not been told of yet (it will offer them again).
        self._finished: set[int] = set()
        self._next = 0
        #: When getUpdates last answered (time.monotonic()), for the health check.
        self.last_poll: float | None = None

    @property
    def offset(self) -> int | None:
        """Where Telegram should start: the lowest unfinished update, else past the last."""
        if self._unfinished:
            return min(self._unfinished)
        return self._next or None

    def idle(self) -> bool:
        return not self._unfinished

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set. An invalid token ends the loop with InvalidToken."""
        failures = 0
        last_prune = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() - last_prune > PRUNE_EVERY_SECONDS:
                    self.intake.prune()
                    last_prune = time.monotonic()
                try:
                    updates = await self._fetch(stop)
                except InvalidToken:
                    raise
                except RetryAfter as exc:
                    wait = exc.retry_after
                    await _wait(
                        stop, wait.total_seconds() if isinstance(wait, timedelta) else wait
                    )
                    continue
                except (Conflict, NetworkError, TelegramError) as exc:
                    failures += 1
                    delay = min(
                        self.max_backoff, self.intake.retry_base * 2.0 ** min(failures, 10)
                    )
                    log.warning(
                        "getUpdates failed (%s: %s); trying again in %.0f s",
                        type(exc).__name__,
                        exc.message,
                        delay,
                    )
                    await _wait(stop, delay)
                    continue
                failures = 0
                if updates is not None:
                    self.last_poll = time.monotonic()
                started = self._hand_out(updates or ())
                if started:
                    # Units of work run straight through: most are done after one turn.
                    await asyncio.wait(started, timeout=SETTLE_SECONDS)
                elif self._unfinished:
                    # Telegram offered only what is still being handled: wait for some of it.
                    await asyncio.wait(
                        set(self._unfinished.values()),
                        timeout=SETTLE_SECONDS,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
        finally:
            if self._unfinished:
                await asyncio.wait(set(self._unfinished.values()), timeout=10)
            if self.offset is not None:
                await self._confirm(self.offset)

    def _hand_out(self, updates: tuple[Update, ...]) -> set[asyncio.Task[None]]:
        started = set()
        for update in updates:
            update_id = update.update_id
            if update_id in self._unfinished or update_id in self._finished:
                continue
            task = self.lanes.submit(
                lane_of(update), functools.partial(self.intake.process, update)
            )
            self._unfinished[update_id] = task
            self._next = max(self._next, update_id + 1)
            task.add_done_callback(functools.partial(self._done, update_id))
            started.add(task)
        return started

    def _done(self, update_id: int, _task: object = None) -> None:
        self._unfinished.pop(update_id, None)
        self._finished.add(update_id)
        low = self.offset
        if low is not None:
            self._finished = {i for i in self._finished if i >= low}

    async def _fetch(self, stop: asyncio.Event) -> tuple[Update, ...] | None:
        """One long poll; returns None when `stop` is set first."""
        timeout = 0 if self._unfinished else self.timeout
        fetch = asyncio.ensure_future(
            self.bot.get_updates(
                offset=self.offset, timeout=timeout, allowed_updates=self.allowed_updates
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if fetch in done:
            stopping.cancel()
            updates: tuple[Update, ...] = fetch.result()
            return updates
        fetch.cancel()
        await asyncio.gather(fetch, return_exceptions=True)
        return None

    async def _confirm(self, offset: int) -> None:
        """Tell Telegram which updates are done before stopping, so none comes back."""
        try:
            await self.bot.get_updates(
                offset=offset, timeout=0, allowed_updates=self.allowed_updates
            )
        except TelegramError as exc:
            log.info("could not confirm the last updates (%s); they will be skipped", exc.message)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
