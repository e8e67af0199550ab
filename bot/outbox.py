"""The outbox: what the bot must send because of a committed change — a relayed message, a
notice to staff or to a family — is a row written in the same unit of work as the change,
and sent by a worker that wakes when a unit of work commits.

A job is claimed with a short lease (an UPDATE that only one process wins), sent with no
transaction open, and deleted in a second short transaction with whatever its sending
taught (the relayed message's ids, a new topic). 429 waits `retry_after`; 5xx and network
errors back off; a send that timed out may or may not have arrived — Telegram has no
idempotency key — so it is never sent again blindly: staff get a "delivery uncertain"
notice instead. Rows hold ids and notice keys, never a family's words.

The store lock: SQLite has a single writer, and an update's unit of work may hold the write
lock while it waits for Telegram. Had the worker then tried to write, SQLite would block the
event loop, and with it the unit of work that holds the lock. So the worker's short
transactions take the same asyncio lock the intake holds for a unit of work.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.store.database import unit_of_work
from bot.store.models import OutboxJob, utcnow

log = logging.getLogger(__name__)

_jobs = OutboxJob.__table__  # type: ignore[attr-defined]
#: A claimed job is tried again after this long if its process died while sending it.
LEASE = timedelta(minutes=2)
#: The longest wait between tries of a job that meets server or network errors; such a job
#: is tried until it goes through. A job Telegram refuses (400, 403) is dropped and logged.
MAX_BACKOFF = 300.0
#: Jobs claimed at a time: fewer transactions, while a new urgent job waits behind at most
#: this many (a third of a second at 30 messages a second).
CLAIM_BATCH = 10
#: How often the worker looks for jobs whose wait is over, besides being woken.
TICK_SECONDS = 1.0


class Later(Exception):  # noqa: N818 (an answer, not an error)
    """A sender's answer that its job cannot go now (a reminder in the quiet hours): it is
    tried again after `seconds`, and that is not counted as a failed try."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"later, in {seconds:.0f} s")
        self.seconds = seconds


#: Whether the unit of work running in this task has queued a job (see `Outbox.wake`).
_queued: contextvars.ContextVar[bool] = contextvars.ContextVar("otbot_queued", default=False)


def enqueue(db: Connection, kind: str, *, priority: int = 0, **payload: Any) -> None:
    """Record a job in the current unit of work; it is sent once that commits. Jobs of
    priority 0 (relays, notices, answers) go before those of priority 1 (reminders)."""
    enqueue_all(db, kind, [payload], priority=priority)


def enqueue_all(
    db: Connection, kind: str, payloads: list[dict[str, Any]], *, priority: int = 0
) -> None:
    """Record many jobs of a kind at once (the scheduler's reminders), in one statement."""
    if not payloads:
        return
    _queued.set(True)
    now = utcnow()
    db.execute(
        insert(_jobs),
        [
            {
                "kind": kind,
                "payload": json.dumps(payload),
                "attempts": 0,
                "priority": priority,
                "not_before": now,
                "created_at": now,
            }
            for payload in payloads
        ],
    )


#: A job's sender: sends, and returns what to record once the job is done (or None).
Sender = Callable[[Bot, dict[str, Any]], Awaitable[Callable[[Connection], None] | None]]


class Outbox:
    def __init__(
        self,
        bot: Bot,
        engine: Engine,
        senders: dict[str, Sender],
        *,
        on_uncertain: Callable[[Connection, str, dict[str, Any]], None],
        retry_base: float = 1.0,
        store_lock: asyncio.Lock | None = None,
        send_rate: float | None = None,
    ) -> None:
        self.bot = bot
        #: At most this many jobs a second (`OTBOT_SEND_RATE`; Telegram allows about 30).
        self.interval = 1.0 / send_rate if send_rate else 0.0
        self._next_send = 0.0
        self.store_lock = store_lock or asyncio.Lock()
        self.engine = engine
        self.senders = senders
        self.on_uncertain = on_uncertain
        self.retry_base = retry_base
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A unit of work has committed: wake the worker if it queued a job (most updates
        queue none, and they should not cost the worker a look into the store)."""
        if _queued.get():
            _queued.set(False)
            self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            while await self.send_due():
                if stop.is_set():
                    return
            waker = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait(
                {waker, stopper}, timeout=TICK_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
            waker.cancel()
            stopper.cancel()

    async def send_due(self) -> bool:
        """Claim the next few due jobs and send them in order; False when none is due."""
        async with self.store_lock:
            jobs = self._claim(CLAIM_BATCH)
        for job in jobs:
            await self._send(*job)
        return bool(jobs)

    async def _send(self, job_id: int, kind: str, payload: dict[str, Any], attempts: int) -> None:
        await self._pace()
        try:
            record = await self.senders[kind](self.bot, payload)
        except Later as exc:
            async with self.store_lock:
                self._reschedule(job_id, exc.seconds, attempts - 1)
            return
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            async with self.store_lock:
                self._reschedule(job_id, seconds, attempts - 1)
            return
        except TimedOut:
            log.warning("outbox job %s (%s) timed out: delivery uncertain", job_id, kind)
            async with self.store_lock:
                with unit_of_work(self.engine) as db:
                    db.execute(delete(_jobs).where(_jobs.c.id == job_id))
                    self.on_uncertain(db, kind, payload)
            return
        except (NetworkError, Forbidden, BadRequest) as exc:
            if isinstance(exc, Forbidden | BadRequest):
                log.error("outbox job %s (%s) refused, dropped: %s", job_id, kind, exc.message)
                async with self.store_lock:
                    with unit_of_work(self.engine) as db:
                        db.execute(delete(_jobs).where(_jobs.c.id == job_id))
                return
            async with self.store_lock:
                backoff = min(MAX_BACKOFF, self.retry_base * 2 ** min(attempts - 1, 20))
                self._reschedule(job_id, backoff, attempts)
            log.warning(
                "outbox job %s (%s) failed, try %d: %s", job_id, kind, attempts, exc.message
            )
            return
        async with self.store_lock:
            with unit_of_work(self.engine) as db:
                db.execute(delete(_jobs).where(_jobs.c.id == job_id))
                if record is not None:
                    record(db)

    async def _pace(self) -> None:
        """Wait so that sends keep to the send rate."""
        if not self.interval:
            return
        loop = asyncio.get_running_loop()
        wait = self._next_send - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self._next_send = max(loop.time(), self._next_send) + self.interval

    def _claim(self, limit: int) -> list[tuple[int, str, dict[str, Any], int]]:
        """Take the next due jobs with a lease no other worker can take at the same time."""
        now = utcnow()
        claimed = []
        with unit_of_work(self.engine) as db:
            rows = db.execute(
                select(_jobs.c.id, _jobs.c.kind, _jobs.c.payload, _jobs.c.attempts)
                .where(_jobs.c.not_before <= now)
                .order_by(_jobs.c.priority, _jobs.c.id)
                .limit(limit)
            ).all()
            for row in rows:
                taken = db.execute(
                    update(_jobs)
                    .where(_jobs.c.id == row.id, _jobs.c.attempts == row.attempts)
                    .values(not_before=now + LEASE, attempts=row.attempts + 1)
                )
                if taken.rowcount == 1:
                    claimed.append((row.id, row.kind, json.loads(row.payload), row.attempts + 1))
        return claimed

    def _reschedule(self, job_id: int, seconds: float, attempts: int) -> None:
        with unit_of_work(self.engine) as db:
            db.execute(
                update(_jobs)
                .where(_jobs.c.id == job_id)
                .values(not_before=utcnow() + timedelta(seconds=seconds), attempts=attempts)
            )
