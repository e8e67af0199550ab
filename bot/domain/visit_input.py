"""Reading the dates, times and places staff write for visits, in the topic, on the command
line and in the booking system's CSV export.

Dates are Finnish (`3.12.2026`, `3.12.`, `3.12`) or ISO (`2026-12-03`); a date without a
year is the next such date. Times are `9.30`, `09:30` or `9`. Places are words in any of the
three languages (`bot.domain.visits.PLACE_WORDS`). Times are local (`OTBOT_TIMEZONE`); what comes
out is UTC. Errors are `BookingError`s whose message is a catalog text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.identity_codes import holds_identity_code
from bot.domain.visit_words import PLACE_WORDS
from bot.domain.visits import BookingError
from bot.i18n import N_

NOTE_LENGTH = 200
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?(\d{4})?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?$")


@dataclass(frozen=True)
class Booking:
    """A visit as staff wrote it: its start (UTC), place and note."""

    starts_at: datetime
    place: str
    note: str = ""


def parse_date(text: str, *, today: date) -> date:
    text = text.strip()
    try:
        if match := _ISO_DATE.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _FINNISH_DATE.match(text):
            day, month = int(match[1]), int(match[2])
            if match[3]:
                return date(int(match[3]), month, day)
            for year in (today.year, today.year + 1, today.year + 2):
                try:
                    candidate = date(year, month, day)
                except ValueError:
                    continue  # 29.2. in a year without it
                if candidate >= today:
                    return candidate
            raise ValueError(text)
    except ValueError:
        pass
    raise BookingError(N_("write the date like 3.12.2026 or 2026-12-03"))


def parse_time(text: str) -> time:
    match = _TIME.match(text.strip())
    if match:
        try:
            return time(int(match[1]), int(match[2] or 0))
        except ValueError:
            pass
    raise BookingError(N_("write the time like 9.30 or 09:30"))


def parse_place(text: str) -> str:
    place = PLACE_WORDS.get(text.strip().lower())
    if place is None:
        raise BookingError(N_("say where: clinic, home or daycare"))
    return place


def check_note(text: str) -> str:
    """A note staff wrote for the family: short, on one line, without identity codes."""
    note = " ".join(text.split())
    if len(note) > NOTE_LENGTH:
        raise BookingError(N_("the note is longer than 200 characters"))
    if holds_identity_code(note):
        raise BookingError(N_("the note looks like it holds a personal identity code"))
    return note


def local_start(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A local wall time as UTC. A time skipped as the clocks go forward is refused; one
    that comes twice as they go back is the earlier of the two (`comes_twice` tells)."""
    wall = datetime.combine(day, at, zone)  # fold=0: the earlier of a time that comes twice
    start = wall.astimezone(UTC)
    if start.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise BookingError(
            N_("that time does not exist on that day: the clocks go forward an hour that night")
        )
    return start


def comes_twice(start: datetime, zone: ZoneInfo) -> bool:
    """Whether the local wall time of `start` comes twice (the night the clocks go back)."""
    local = start.astimezone(zone)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def parse_when(date_text: str, time_text: str, *, now: datetime, zone: ZoneInfo) -> datetime:
    today = now.astimezone(zone).date()
    return local_start(parse_date(date_text, today=today), parse_time(time_text), zone)


def parse_booking(text: str, *, now: datetime, zone: ZoneInfo) -> Booking:
    """`3.12.2026 9.30 home the note` → a Booking."""
    words = text.split(maxsplit=3)
    if len(words) < 3:
        raise BookingError(N_("write the date, the time and the place"))
    starts_at = parse_when(words[0], words[1], now=now, zone=zone)
    note = check_note(words[3] if len(words) > 3 else "")
    return Booking(starts_at, parse_place(words[2]), note)


@dataclass(frozen=True)
class CsvRow:
    """One booking from a CSV file, or why its line could not be read."""

    line: int
    reference: str = ""
    booking: Booking | None = None
    problem: str = ""


CSV_COLUMNS = ("reference", "date", "time", "place", "note")
HEADER_WORDS = ("reference", "viite", "referens")
_DATE_LIKE = re.compile(r"^\s*(\d{1,2}\.\d{1,2}\.?(\d{4})?|\d{4}-\d{1,2}-\d{1,2})\s*$")


class CsvError(Exception):
    """A file that cannot be read as CSV at all."""


def read_csv(data: bytes, *, now: datetime, zone: ZoneInfo) -> Iterator[CsvRow]:
    """The rows of a booking export: `reference, date, time, place, note`, separated by `;`
    or `,`, UTF-8 with or without a BOM, with or without a header line, any line endings.
    Each row is read on its own: a bad one is reported by its line."""
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    first = next((line for line in text.split("\n") if line.strip()), "")
    line = 1
    try:
        delimiter = _separator(first)
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        for raw in reader:
            line = reader.line_num
            row = _csv_row(line, raw, delimiter, now=now, zone=zone)
            if row is not None:
                yield row
    except csv.Error as exc:
        raise CsvError(f"line {line}: {exc}") from None


def _separator(first: str) -> str:
    """`;` or `,`: the one that splits the first line into a reference and a date (or a
    header); when neither does, the more frequent."""
    for delimiter in (";", ","):
        cells = next(csv.reader([first], delimiter=delimiter), [])
        if len(cells) >= 4 and (
            cells[0].strip().lower() in HEADER_WORDS or _DATE_LIKE.match(cells[1])
        ):
            return delimiter
    return ";" if first.count(";") >= first.count(",") and ";" in first else ","


def _csv_row(
    line: int, raw: list[str], delimiter: str, *, now: datetime, zone: ZoneInfo
) -> CsvRow | None:
    cells = [cell.strip() for cell in raw]
    if not any(cells) or (line == 1 and cells[0].lower() in HEADER_WORDS):
        return None
    if len(cells) < 4:
        return CsvRow(line, problem="expected reference, date, time, place and note")
    reference, date_text, time_text, place = cells[:4]
    extra = raw[4:]
    while extra and not extra[-1].strip():
        extra.pop()  # empty trailing columns
    note = delimiter.join(extra)  # a note holding the separator, unquoted
    try:
        booking = Booking(
            parse_when(date_text, time_text, now=now, zone=zone),
            parse_place(place),
            check_note(note),
        )
    except BookingError as exc:
        return CsvRow(line, reference, problem=str(exc))
    return CsvRow(line, reference.upper(), booking)
