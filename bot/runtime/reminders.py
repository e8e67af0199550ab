"""The reminder scheduler: claims due reminders in batches and wakes the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from bot.domain.office_hours import QuietHours
from bot.domain.reminders import ClaimConflict, claim_due_reminders
from bot.runtime.metrics import Metrics
from bot.store.database import unit_of_work

log = logging.getLogger(__name__)


class Reminders:
    """The scheduler: every `OTBOT_TICK_SECONDS`, claim the due reminders in batches and wake
    the outbox. Nothing goes out in quiet hours; what falls due then waits for their end."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime],
        quiet: QuietHours | None,
        tick_seconds: float,
        wake: Callable[[], None],
        batch: int = 500,
        metrics: Metrics | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.quiet = quiet
        self.tick_seconds = tick_seconds
        self.wake = wake
        self.batch = batch
        self.metrics = metrics or Metrics()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("claiming due reminders failed; trying again next tick")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.tick_seconds)

    async def tick(self) -> int:
        """Claim every due reminder now; returns how many were claimed."""
        now = self.clock()
        if self.quiet is not None and self.quiet.is_quiet(now):
            return 0
        total = 0
        while True:
            try:
                with unit_of_work(self.engine) as db:
                    claimed = claim_due_reminders(db, now=now, limit=self.batch)
            except ClaimConflict:
                log.info("another process claimed reminders at the same time; next tick")
                break
            self.wake()
            total += claimed
            if claimed < self.batch:
                break
            await asyncio.sleep(0)
        if total:
            log.info("claimed %d due reminders", total)
            self.metrics.reminders_due.inc(total)
        return total
