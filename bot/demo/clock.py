"""The demo's clock: it runs like a wall clock from a chosen start, and the page can move it
(the bot, its reminders and the stand-in's message dates all read it)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

#: When a demo starts, in the service's time zone: a Monday morning in office hours, so
#: the bot answers as on a working day and no reminder waits for quiet hours to end.
START_TIME = (9, 30)


def next_monday_morning(today: date, zone: ZoneInfo) -> datetime:
    """The coming Monday (today when it is one) at 9.30 local time, in UTC."""
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    hour, minute = START_TIME
    local = datetime(monday.year, monday.month, monday.day, hour, minute, tzinfo=zone)
    return local.astimezone(UTC)


class DemoClock:
    """`clock()` is the time now: the start plus the real time since, plus every move."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._since = time.monotonic()
        #: Counts the moves, so the page knows to redraw.
        self.moves = 0

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._since)

    def timestamp(self) -> float:
        """Seconds since the epoch, for the stand-in's message dates."""
        return self().timestamp()

    def set(self, moment: datetime) -> None:
        """Jump to `moment` (an aware time); only forwards, as the bot's schedule expects."""
        if moment.tzinfo is None:
            raise ValueError("the time needs a time zone")
        if moment > self():
            self._start, self._since = moment.astimezone(UTC), time.monotonic()
            self.moves += 1

    def advance(self, delta: timedelta) -> None:
        self.set(self() + delta)
