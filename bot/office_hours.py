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
