"""The outbox's sender: pays what committed units of work owe, many jobs at once, each
lane in order, within Telegram's limits (`bot.runtime.limits`).

Jobs a unit of work wrote are claimed in that same unit of work when they head their lane,
and sent as soon as it commits (`dispatch`); when a job is done, the next job of its lane is
claimed in the same short transaction and sent at once (`bot.runtime.dispatching`: one job,
its errors and its settling). The worker (`run`) sends what is left: jobs that waited their
turn, retries, jobs written by `otbot visit` and the reminder scheduler, and jobs a process
that died had claimed (a claim is a lease the living process renews every few seconds; with
SQLite, one process only, every claim is released at start).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from bot.runtime.dispatching import GROUP_IN_FLIGHT, LEASE, PRIVATE_IN_FLIGHT, Dispatcher
from bot.store import outbox as store
from bot.store.database import unit_of_work
from bot.store.outbox import GROUP_LANES

log = logging.getLogger(__name__)

RENEW_EVERY = 2.0
#: How often the worker looks for due jobs besides being woken.
TICK_SECONDS = 1.0
#: At a stop, jobs in flight get this long to finish.
DRAIN_SECONDS = 5.0


class Outbox(Dispatcher):
    """The outbox's sender: what units of work owe (`claim_owed`, `dispatch`), and the
    worker that sends what is due (`run`) until it is closed (`close`)."""

    # -- the worker --------------------------------------------------------------------

    def wake(self) -> None:
        """Something was written outside a unit of work that sends (the scheduler's
        reminders): look for due jobs now."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send what is due until `stop` is set; then let jobs in flight finish."""
        if self.only_process:
            with unit_of_work(self.engine) as db:
                released = store.release_claims(db)
            if released:
                log.info("took over %d jobs an earlier run had claimed", released)
        self._renewing = asyncio.ensure_future(self._renew(stop))
        while not stop.is_set():
            self._wake.clear()
            try:
                self._claim_due()
            except Exception:
                log.exception("claiming due outbox jobs failed; trying again")
            self._first_pass.set()
            waker = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait(
                {waker, stopper}, timeout=TICK_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
            waker.cancel()
            stopper.cancel()

    def _claim_due(self) -> None:
        in_group = sum(1 for job in self._sending.values() if job.lane.startswith(GROUP_LANES))
        in_private = len(self._sending) - in_group
        private_room = PRIVATE_IN_FLIGHT - in_private
        group_room = GROUP_IN_FLIGHT - in_group
        with unit_of_work(self.engine) as db:
            private = store.claim_heads(
                db, owner=self.name, lease=LEASE, group=False, limit=private_room
            )
            group = store.claim_heads(
                db, owner=self.name, lease=LEASE, group=True, limit=group_room
            )
        # A full claim may have left more due (a bulk of reminders): claim again as soon as
        # half of the room is free rather than at the next tick.
        self._more_due = len(private) >= private_room or len(group) >= group_room
        jobs = private + group
        self._waiting.update(job.lane for job in jobs)
        self.dispatch(jobs, [])

    async def _renew(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=RENEW_EVERY)
            try:
                with unit_of_work(self.engine) as db:
                    store.renew_claims(db, owner=self.name, ids=list(self._sending), lease=LEASE)
            except Exception:
                log.exception("renewing the outbox claims failed")

    async def close(self) -> None:
        """At a stop, once no update is being handled: let the jobs in flight finish; what
        cannot is released for the next start."""
        if self._renewing is not None:
            self._renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewing
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=DRAIN_SECONDS)
        for task in set(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=1.0)
        try:
            with unit_of_work(self.engine) as db:
                store.release_claims(db, owner=self.name)
        except Exception:
            log.exception("releasing the outbox claims failed")

    async def caught_up(self, *, within: float) -> bool:
        """Wait until this process sends nothing and could send nothing more now (what a run
        that died left is sent; jobs other processes hold are theirs), for at most `within`
        seconds; whether it did."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first_pass.wait(), timeout=within)
        while self._tasks or self._due_heads():
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    def _due_heads(self) -> int:
        with unit_of_work(self.engine) as db:
            return store.due_heads(db)

    # -- for tests and health ----------------------------------------------------------

    def settled(self, *, within: float = 3.0) -> bool:
        """Nothing in flight, and nothing due now or within `within` seconds."""
        if self._tasks:
            return False
        with unit_of_work(self.engine) as db:
            return store.due_soon(db, within=timedelta(seconds=within)) == 0
