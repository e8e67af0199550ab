"""Sending one outbox job: what the sender (`bot.runtime.sending`) does with each job it
has claimed, whether a unit of work wrote it or the worker found it due.

A unit of work claims the heads of the lanes it wrote into (`claim_owed`), and once it has
committed each claimed job is sent as a task of its own (`dispatch`). When a job is done,
it is settled in a short transaction of its own: finished, with what its sender returned to
record, or put back for later; the next job of its lane is claimed in that same
transaction and sent at once.

Each job is one step of what is owed: a 429 waits `retry_after` in that lane, 5xx and
network errors back off, and what Telegram refuses (400, 403) is dropped and logged. A send
that timed out may or may not have arrived — Telegram has no idempotency key — so it is
never sent again blindly: the sender's `on_uncertain` tells staff instead. No transaction
is open and no lock held while a call is in flight.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Callable, Collection, Coroutine
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.outbox import Call, Later, Owed, Record, Sender, owing
from bot.runtime.limits import sending_rank
from bot.runtime.metrics import Metrics
from bot.store import outbox as store
from bot.store.database import unit_of_work
from bot.store.outbox import Job

log = logging.getLogger(__name__)

#: A claim lasts this long unless renewed; a dead process's jobs are taken over after it.
LEASE = timedelta(seconds=6)
#: Jobs the worker keeps in flight: private chats, and the staff group (whose messages mostly
#: wait for the group's minute anyway).
PRIVATE_IN_FLIGHT = 64
GROUP_IN_FLIGHT = 8
#: The longest wait between tries of a job that meets server or network errors; such a job
#: is tried until it goes through.
MAX_BACKOFF = 300.0


def process_name() -> str:
    """A name for this process's claims: host, pid and a random part."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"


class Dispatcher:
    """Claims, sends and settles outbox jobs, each as a task of its own; the state the
    outbox's worker (`bot.runtime.sending.Outbox`) shares with it lives here."""

    def __init__(
        self,
        bot: Bot,
        engine: Engine,
        senders: dict[str, Sender],
        *,
        on_uncertain: Callable[[Connection, str, dict[str, Any]], None],
        retry_base: float = 1.0,
        only_process: bool = False,
        metrics: Metrics | None = None,
    ) -> None:
        self.bot = bot
        self.engine = engine
        self.senders = senders
        self.on_uncertain = on_uncertain
        self.retry_base = retry_base
        #: True with SQLite: no other process can hold a claim, so all are released at start.
        self.only_process = only_process
        self.metrics = metrics or Metrics()
        self.name = process_name()
        self._sending: dict[int, Job] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        #: Set once the worker has taken over what was left and claimed what was due.
        self._first_pass = asyncio.Event()
        self._renewing: asyncio.Future[None] | None = None
        #: Lanes with jobs behind the one being sent (written by this process).
        self._waiting: set[str] = set()
        #: The last look for due jobs claimed all it had room for.
        self._more_due = False

    # -- what a unit of work owes ------------------------------------------------------

    def claim_owed(self, db: Connection, owed: Owed, lanes: Collection[str] = ()) -> list[Job]:
        """In the unit of work that wrote them: claim the heads of the lanes it wrote into
        (and of `lanes`). A lane left with jobs behind its head is remembered, so that the
        head's sender takes the next one as soon as it is done."""
        jobs = store.claim_heads(
            db, owner=self.name, lease=LEASE, lanes=set(owed.lanes).union(lanes)
        )
        claimed = {job.lane for job in jobs}
        self._waiting.update(
            lane for lane, written in owed.lanes.items() if written > 1 or lane not in claimed
        )
        for lane in lanes:
            if lane not in claimed:
                self._waiting.discard(lane)
        return jobs

    def dispatch(self, jobs: list[Job], calls: list[Call]) -> None:
        """After the commit: send the claimed jobs and make the calls, each as its own task."""
        for call in calls:
            self._spawn(self._call(call))
        for job in jobs:
            self._sending[job.id] = job
            self._spawn(self._send(job))

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _call(self, call: Call) -> None:
        try:
            await call(self.bot)
        except (BadRequest, Forbidden, NetworkError) as exc:
            log.info("a call after a commit failed: %s", exc.message)
        except Exception:
            log.exception("a call after a commit failed")

    # -- one job -----------------------------------------------------------------------

    async def _send(self, job: Job) -> None:
        token = sending_rank.set((job.priority, job.id))
        outcome = "failed"
        try:
            record = await self.senders[job.kind](self.bot, job.payload)
        except Later as exc:
            outcome = "retried"
            self._settle(job, retry=exc.seconds, count_try=False)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            log.info("outbox job %s (%s): asked to wait %.0f s", job.id, job.kind, seconds)
            outcome = "retried"
            self._settle(job, retry=seconds, count_try=False)
        except TimedOut:
            log.warning("outbox job %s (%s) timed out: delivery uncertain", job.id, job.kind)
            outcome = "uncertain"
            self._settle(job, record=lambda db: self.on_uncertain(db, job.kind, job.payload))
        except (Forbidden, BadRequest) as exc:
            log.error("outbox job %s (%s) refused, dropped: %s", job.id, job.kind, exc.message)
            outcome = "refused"
            self._settle(job)
        except NetworkError as exc:
            log.warning(
                "outbox job %s (%s) failed, try %d: %s",
                job.id,
                job.kind,
                job.attempts,
                exc.message,
            )
            self._settle(job, retry=self._backoff(job))
        except Exception:
            log.exception("outbox job %s (%s) failed, try %d", job.id, job.kind, job.attempts)
            self._settle(job, retry=self._backoff(job))
        else:
            outcome = "sent"
            self._settle(job, record=record)
        finally:
            sending_rank.reset(token)
            self.metrics.jobs.labels(job.kind, outcome).inc()

    def _backoff(self, job: Job) -> float:
        return min(MAX_BACKOFF, self.retry_base * 2.0 ** min(job.attempts - 1, 20))

    def _settle(
        self,
        job: Job,
        *,
        record: Record | None = None,
        retry: float | None = None,
        count_try: bool = True,
    ) -> None:
        """Finish the job (or put it back for later) and take its lane's next job."""
        self._sending.pop(job.id, None)
        try:
            with owing() as owed, unit_of_work(self.engine) as db:
                if retry is None:
                    store.finish(db, job, owner=self.name)
                    if record is not None:
                        record(db)
                    # The lane's next job, when this process wrote one behind this job.
                    lanes = {job.lane} & self._waiting
                else:
                    store.retry_later(db, job, owner=self.name, seconds=retry, count_try=count_try)
                    lanes = set()
                jobs = self.claim_owed(db, owed, lanes)
        except Exception:
            log.exception("outbox job %s (%s) could not be settled", job.id, job.kind)
            return
        self.dispatch(jobs, owed.calls)
        if retry is not None:
            asyncio.get_running_loop().call_later(retry, self._wake.set)
        elif self._more_due and len(self._sending) <= PRIVATE_IN_FLIGHT // 2:
            self._more_due = False
            self._wake.set()
