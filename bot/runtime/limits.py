"""Telegram's sending limits, kept by the bot: at most `OTBOT_SEND_RATE` messages a second
overall and `OTBOT_GROUP_RATE` a minute into one group.

Every message the bot sends passes here (python-telegram-bot calls the rate limiter for
each request); other calls — edits, reactions, button answers, topics, getUpdates — do not
count. When more is owed than the limits allow, waiting messages go by rank: answers and
relays before reminders, and within each, first come, first served (the rank is set by the
outbox for the job it sends). A message into a group waiting for its minute never holds up
a private chat's.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import BaseRateLimiter

#: The methods that send a message (and so count against the limits).
MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendVideoNote",
        "sendAnimation",
        "sendSticker",
        "sendMediaGroup",
        "sendLocation",
        "sendContact",
    }
)

#: Telegram counts a message when it arrives, the bot when it leaves: a later message may
#: travel faster than an earlier one, so the windows are kept longer than Telegram's second
#: and minute: by 40 ms and 1.2 s. The second's messages also leave evenly spaced (35 ms
#: apart at 30/s): thirty let go at once leave the bot one after another over tens of
#: milliseconds, and the last of them would arrive in the same second as the next thirty.
#: (The rate this allows is 96 % of the limit.)
SECOND_SLACK = 1.04
SLACK = 1.02
#: How early an evenly spaced message may leave, at least (see `Window`).
EARLY = 0.015

#: The rank of what is being sent now: (priority, order); lower goes first.
sending_rank: contextvars.ContextVar[tuple[int, int]] = contextvars.ContextVar(
    "otbot_sending_rank", default=(0, 0)
)


class Window:
    """At most `limit` events in any `period` seconds (a sliding log of the last ones);
    `even`, also spread evenly, `period / limit` apart on average."""

    def __init__(self, limit: int, period: float, *, even: bool = False) -> None:
        self.limit = limit
        self.period = period
        self._gap = period / limit if even else 0.0
        #: When the next event is due by the spacing. An event may come this much early, so
        #: that a timer that wakes late does not slow the rate down: half a gap (17 ms at
        #: 30/s), or at a high rate 15 ms, a small burst (the event loop's timers are not
        #: finer than a millisecond or so).
        self._early = max(self._gap / 2, EARLY) if even else 0.0
        self._due = float("-inf")
        #: When the last events happened, oldest first (each in a list of one, which
        #: `Limits` moves later when the message leaves later than it was let go).
        self._times: deque[list[float]] = deque()

    def free_at(self, now: float) -> float:
        """When the next event may happen (`now` or later)."""
        while self._times and self._times[0][0] <= now - self.period:
            self._times.popleft()
        spaced = self._due - self._early
        if len(self._times) < self.limit:
            return max(now, spaced)
        return max(self._times[0][0] + self.period, spaced)

    def take(self, now: float) -> list[float]:
        stamp = [now]
        self._times.append(stamp)
        self._due = max(self._due, now) + self._gap
        return stamp


class Limits(BaseRateLimiter[None]):
    """The rate limiter python-telegram-bot calls for every Bot API request."""

    def __init__(
        self,
        *,
        per_second: float,
        group_per_minute: int,
        clock: Callable[[], float] | None = None,
    ) -> None:
        # A rate like 30/s is kept as whole messages per second; a fractional one (0.5/s)
        # as one message per 1/rate seconds.
        if per_second >= 1:
            self.overall = Window(round(per_second), SECOND_SLACK, even=True)
        else:
            self.overall = Window(1, SECOND_SLACK / per_second)
        self.group_per_minute = group_per_minute
        self._groups: dict[object, Window] = {}
        self._clock = clock
        self._waiting: list[
            tuple[tuple[int, int], int, object | None, asyncio.Future[list[list[float]]]]
        ] = []
        self._arrival = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        #: Told each call's method and outcome (ok, retry_after, refused, error) once it is
        #: answered: the bot's metrics.
        self.observe: Callable[[str, str], None] = lambda method, outcome: None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        token = None
        if endpoint in MESSAGE_METHODS:
            stamps = await self.acquire(group=_group_of(data.get("chat_id")))
            token = _leaving.set(lambda: self._left(stamps))
        outcome = "error"
        try:
            answer = await callback(*args, **kwargs)
            outcome = "ok"
            return answer
        except RetryAfter:
            outcome = "retry_after"
            raise
        except (BadRequest, Forbidden):
            outcome = "refused"
            raise
        finally:
            if token is not None:
                _leaving.reset(token)
            self.observe(endpoint, outcome)

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    def _free_at(self, group: object | None, now: float) -> float:
        free = self.overall.free_at(now)
        if group is not None:
            window = self._groups.get(group)
            if window is not None:
                free = max(free, window.free_at(now))
        return free

    def _take(self, group: object | None, now: float) -> list[list[float]]:
        stamps = [self.overall.take(now)]
        if group is not None:
            window = self._groups.setdefault(group, Window(self.group_per_minute, 60.0 * SLACK))
            stamps.append(window.take(now))
        return stamps

    async def acquire(self, *, group: object | None) -> list[list[float]]:
        """Wait for this message's turn (into `group`, when it goes to one); returns its
        places in the windows, to be moved to when it leaves."""
        now = self._now()
        if not self._waiting and self._free_at(group, now) <= now:
            return self._take(group, now)
        future: asyncio.Future[list[list[float]]] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (sending_rank.get(), next(self._arrival), group, future))
        self._grant()
        return await future

    def _left(self, stamps: list[list[float]]) -> None:
        """The message has left (later than it was let go, on a busy event loop or a new
        connection): it counts from now."""
        now = self._now()
        for stamp in stamps:
            stamp[0] = max(stamp[0], now)

    def _grant(self) -> None:
        """Let every waiting message whose turn has come go, best rank first. Every message
        needs the overall window, so the look stops at the first that it holds back; one
        held back only by its group's minute is passed over (and stays waiting)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        now = self._now()
        passed_over = []
        earliest: float | None = None
        while self._waiting:
            overall = self.overall.free_at(now)
            if overall > now:
                earliest = overall
                break
            item = heapq.heappop(self._waiting)
            _rank, _arrival, group, future = item
            if future.done():
                continue
            free = self._free_at(group, now)
            if free <= now:
                future.set_result(self._take(group, now))
            else:
                passed_over.append(item)
                earliest = free if earliest is None else min(earliest, free)
        for item in passed_over:
            heapq.heappush(self._waiting, item)
        if earliest is not None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(max(earliest - now, 0.001), self._grant)


#: What to call when the message of this request leaves (see `message_leaves`).
_leaving: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar(
    "otbot_leaving", default=None
)


def message_leaves() -> None:
    """Called by the HTTP client once a request's headers, and again once each part of its
    body, are written: if it carries a message, the message counts against the limits from
    this moment."""
    left = _leaving.get()
    if left is not None:
        left()


def _group_of(chat_id: object) -> object | None:
    """Group chats have negative ids (or an @username); private chats positive ids."""
    if isinstance(chat_id, str):
        return chat_id if not chat_id.lstrip("-").isdigit() else _group_of(int(chat_id))
    if isinstance(chat_id, int) and chat_id < 0:
        return chat_id
    return None
