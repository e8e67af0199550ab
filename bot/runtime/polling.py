"""The bot's own long-polling loop over `getUpdates`.

Each update is handed to its lane (`bot.runtime.lanes`) and handled by the intake
(`bot.runtime.intake`) in its own unit of work. The offset that confirms updates to
Telegram moves only past updates that are all committed: the lowest unfinished one holds
it, so an update a crash interrupted is delivered again.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from datetime import timedelta

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.runtime.intake import PRUNE_EVERY_SECONDS, Intake
from bot.runtime.lanes import Lanes, lane_of

log = logging.getLogger(__name__)

#: While an update is unfinished, the poller asks again at most this often (Telegram answers
#: at once with the updates it has not been told are done).
SETTLE_SECONDS = 0.5


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
