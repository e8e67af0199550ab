"""Durable intake: each update is handled once, in one unit of work, and what it owes is
sent only after that commits.

PTB's stock polling confirms updates to Telegram before they are handled, so a crash could
lose a parent's message. Here each update runs in its own unit of work — read, decide,
write what is owed, commit, with no network call inside — and only then is it confirmed to
Telegram (by the poller, `bot.runtime.polling`, or the webhook, `bot.runtime.webhook`).
Update ids already processed are remembered (a set, not a high-water mark: ids can jump),
so an update Telegram delivers again is skipped. Nothing of an update's content is stored.
An update waits its turn in its lane (`bot.runtime.lanes`).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext

from bot.outbox import owing
from bot.runtime.lanes import hold_lane, lane_of
from bot.runtime.metrics import Metrics
from bot.runtime.sending import Outbox
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
