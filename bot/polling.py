"""Durable intake: the bot's own long-polling loop over `getUpdates`.

PTB's stock polling confirms updates to Telegram before they are handled, so a crash could
lose a parent's message. Here each update runs in its own unit of work, and the offset that
confirms it moves past the update only after that unit of work has committed. Update ids
already processed are remembered (a set, not a high-water mark: ids can jump), so an update
Telegram delivers again is skipped. Nothing of an update's content is stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext

from bot.store import queries
from bot.store.database import unit_of_work

log = logging.getLogger(__name__)

#: How long an update id is remembered; Telegram keeps undelivered updates for 24 hours.
REMEMBER_UPDATES = timedelta(days=2)
PRUNE_EVERY_SECONDS = 3600.0

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
    """Processes updates one at a time, each in a unit of work, retrying a failing one."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        engine: Engine,
        *,
        attempts: int = 4,
        retry_base: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        after_commit: Callable[[], None] = lambda: None,
        store_lock: asyncio.Lock | None = None,
        housekeeping: Callable[[Connection], None] = lambda db: None,
    ) -> None:
        self.application = application
        self.engine = engine
        self.attempts = attempts
        self.retry_base = retry_base
        self.sleep = sleep
        #: Called when an update's unit of work has committed (wakes the outbox).
        self.after_commit = after_commit
        #: Held for a whole unit of work: SQLite has one writer, and a unit of work may wait
        #: for Telegram while it holds the write lock (see `bot.outbox`).
        self.store_lock = store_lock or asyncio.Lock()
        #: Hourly clean-up in the store (erasing closed cases' mappings).
        self.housekeeping = housekeeping

    async def process(self, update: Update) -> None:
        """Handle one update so that it commits once, or is logged and skipped."""
        for attempt in range(1, self.attempts + 1):
            try:
                await self._process_once(update)
                return
            except RetryAfter as exc:
                delay = _seconds(exc.retry_after)
                log.warning("update %s: Bot API asks to wait %.0f s", update.update_id, delay)
            except Exception as exc:
                delay = self.retry_base * 2 ** (attempt - 1)
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
                await self.sleep(delay)
        log.error("update %s skipped after %d tries", update.update_id, self.attempts)
        with unit_of_work(self.engine) as db:
            queries.mark_update_processed(db, update_id=update.update_id)

    async def _process_once(self, update: Update) -> None:
        async with self.store_lock:
            await self._process_locked(update)

    async def _process_locked(self, update: Update) -> None:
        failures: list[BaseException] = []
        token = _failures.set(failures)
        try:
            with unit_of_work(self.engine) as db:
                if queries.update_was_processed(db, update_id=update.update_id):
                    log.debug("update %s was processed before; skipped", update.update_id)
                    return
                await self.application.process_update(update)
                if failures:
                    first = failures[0]
                    if isinstance(first, RetryAfter):
                        raise first
                    raise UpdateError(str(update.update_id)) from first
                queries.mark_update_processed(db, update_id=update.update_id)
            self.after_commit()
        finally:
            _failures.reset(token)

    def prune(self) -> None:
        """Forget what is no longer needed: old update ids, and what `housekeeping` says."""
        with unit_of_work(self.engine) as db:
            pruned = queries.prune_processed_updates(db, older_than=REMEMBER_UPDATES)
            self.housekeeping(db)
        log.debug("forgot %d old update ids", pruned)


class Poller:
    """Long-polls `getUpdates` and feeds each update to the intake, confirming it afterwards."""

    def __init__(
        self,
        intake: Intake,
        *,
        allowed_updates: list[str],
        timeout: int = 30,
        max_backoff: float = 60.0,
    ) -> None:
        self.intake = intake
        self.bot = intake.application.bot
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self.max_backoff = max_backoff

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set. An invalid token ends the loop with InvalidToken."""
        offset: int | None = None
        failures = 0
        last_prune = 0.0
        while not stop.is_set():
            if time.monotonic() - last_prune > PRUNE_EVERY_SECONDS:
                self.intake.prune()
                last_prune = time.monotonic()
            try:
                updates = await self._fetch(offset, stop)
            except InvalidToken:
                raise
            except RetryAfter as exc:
                await _wait(stop, _seconds(exc.retry_after))
                continue
            except (Conflict, NetworkError, TelegramError) as exc:
                failures += 1
                delay = min(self.max_backoff, self.intake.retry_base * 2.0 ** min(failures, 10))
                log.warning(
                    "getUpdates failed (%s: %s); trying again in %.0f s",
                    type(exc).__name__,
                    exc.message,
                    delay,
                )
                await _wait(stop, delay)
                continue
            failures = 0
            # One update at a time, in order. Handling chats side by side was measured slower:
            # the HTTP client's connection pool costs more than the overlap saves.
            for update in updates or ():
                await self.intake.process(update)
                offset = update.update_id + 1
        if offset is not None:
            await self._confirm(offset)

    async def _fetch(self, offset: int | None, stop: asyncio.Event) -> tuple[Update, ...] | None:
        """One long poll; returns None when `stop` is set first."""
        fetch = asyncio.ensure_future(
            self.bot.get_updates(
                offset=offset, timeout=self.timeout, allowed_updates=self.allowed_updates
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


def _seconds(retry_after: int | timedelta) -> float:
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
