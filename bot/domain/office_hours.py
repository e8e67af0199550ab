"""When therapists answer: weekdays during office hours (`OTBOT_OFFICE_HOURS`, in
`OTBOT_TIMEZONE`), never on Finnish public holidays (the `holidays` library)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_FORMAT = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})\s*$"
)


@dataclass(frozen=True)
class OfficeHours:
    days: frozenset[int]
    opens: time
    closes: time
    zone: ZoneInfo
    _holidays: holidays.HolidayBase = field(
        default_factory=lambda: holidays.country_holidays("FI"), compare=False, repr=False
    )

    @classmethod
    def parse(cls, text: str, zone: ZoneInfo) -> OfficeHours:
        """`mon-fri 08:00-16:00`, or one day: `sat 10:00-12:00`."""
        match = _FORMAT.match(text.lower())
        if match is None or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            raise ValueError("write it like mon-fri 08:00-16:00")
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"]) if match["last"] else first
        opens, closes = (time.fromisoformat(match[k].zfill(5)) for k in ("start", "end"))
        if not opens < closes or last < first:
            raise ValueError("the hours and days must run forwards")
        return cls(frozenset(range(first, last + 1)), opens, closes, zone)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self._holidays

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, moment: datetime) -> datetime:
        """When the office next opens (now, if it is open)."""
        local = moment.astimezone(self.zone)
        day = local.date()
        for _ in range(60):
            opening = datetime.combine(day, self.opens, self.zone)
            closing = datetime.combine(day, self.closes, self.zone)
            if self.is_working_day(day) and local < closing:
                return max(opening, local)
            day += timedelta(days=1)
        raise ValueError("no working day within 60 days")

    def off_period(self, moment: datetime) -> datetime:
        """The off period a moment falls in, named by when it ends (the next opening)."""
        return self.next_opening(moment)


_QUIET = re.compile(r"^\s*(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$")
#: A reminder due in quiet hours goes out this long before they begin.
QUIET_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class QuietHours:
    """When no reminder is sent (`OTBOT_QUIET_HOURS`, in `OTBOT_TIMEZONE`); may pass midnight."""

    begins: time
    ends: time
    zone: ZoneInfo

    @classmethod
    def parse(cls, text: str, zone: ZoneInfo) -> QuietHours | None:
        """`21:00-08:00`; empty means no quiet hours."""
        if not text.strip():
            return None
        match = _QUIET.match(text)
        if match is None:
            raise ValueError("write it like 21:00-08:00, or leave it empty")
        try:
            begins, ends = (time.fromisoformat(match[k].zfill(5)) for k in ("start", "end"))
        except ValueError:
            raise ValueError("write it like 21:00-08:00, or leave it empty") from None
        if begins == ends:
            raise ValueError("quiet hours must begin and end at different times")
        return cls(begins, ends, zone)

    def is_quiet(self, moment: datetime) -> bool:
        now = moment.astimezone(self.zone).time()
        if self.begins < self.ends:
            return self.begins <= now < self.ends
        return now >= self.begins or now < self.ends

    def period(self, moment: datetime) -> tuple[datetime, datetime]:
        """The quiet period a quiet moment falls in: when it began and when it ends."""
        local = moment.astimezone(self.zone)
        day = local.date()
        if self.begins > self.ends and local.time() < self.ends:
            day -= timedelta(days=1)
        begins = datetime.combine(day, self.begins, self.zone)
        end_day = day + timedelta(days=1) if self.begins > self.ends else day
        return begins, datetime.combine(end_day, self.ends, self.zone)

    def deliver_at(self, due: datetime, now: datetime) -> datetime:
        """When to send something due at `due`, decided at `now`: as due, unless that falls
        in quiet hours; then just before they begin, or when that has passed, as they end."""
        if not self.is_quiet(due):
            return due
        begins, ends = self.period(due)
        if now <= begins - QUIET_MARGIN:
            return begins - QUIET_MARGIN
        return ends
