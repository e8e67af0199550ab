"""Visits without Telegram: reminder times and quiet hours, what staff write, the CSV export,
the status machine and what a family's card offers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import parse_lead_hours
from bot.dialogs import visits as cards
from bot.dialogs.base import DialogContext
from bot.domain.office_hours import QuietHours
from bot.domain.reminders import ReminderPlan
from bot.domain.visit_input import CsvError, parse_booking, parse_date, parse_time, read_csv
from bot.domain.visit_status import Status, next_status
from bot.domain.visits import BookingError

HELSINKI = ZoneInfo("Europe/Helsinki")
QUIET = QuietHours.parse("21:00-08:00", HELSINKI)
PLAN = ReminderPlan((48, 2), QUIET)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HELSINKI)


def planned(starts: str, booked: str, plan: ReminderPlan = PLAN) -> list[tuple[int, datetime]]:
    return [
        (lead, due.astimezone(HELSINKI))
        for lead, due in plan.due_times(local(starts).astimezone(UTC), local(booked))
    ]


def test_reminders_go_out_at_each_lead_time() -> None:
    assert planned("2026-12-03T13:00", "2026-11-30T10:00") == [
        (48, local("2026-12-01T13:00")),
        (2, local("2026-12-03T11:00")),
    ]


def test_a_reminder_due_in_quiet_hours_goes_out_just_before_they_begin() -> None:
    # 2 h before 9.30 is 7.30, in the quiet hours: it goes the evening before, at 20.55.
    assert planned("2026-12-03T09:30", "2026-11-30T10:00") == [
        (48, local("2026-12-01T09:30")),
        (2, local("2026-12-02T20:55")),
    ]


def test_when_the_evening_has_passed_it_goes_out_as_quiet_hours_end() -> None:
    assert planned("2026-12-03T09:30", "2026-12-02T22:00") == [(2, local("2026-12-03T08:00"))]
    # Booked at 20.57: "just before the quiet hours" (20.55) has passed already.
    assert planned("2026-12-03T09:30", "2026-12-02T20:57") == [(2, local("2026-12-03T08:00"))]


def test_a_reminder_minutes_after_the_booking_is_left_out() -> None:
    assert planned("2026-12-03T13:00", "2026-12-03T10:45") == []
    assert planned("2026-12-03T13:00", "2026-12-03T10:29") == [(2, local("2026-12-03T11:00"))]


def test_booked_inside_the_lead_time_only_the_later_reminders_are_planned() -> None:
    assert planned("2026-12-03T13:00", "2026-12-02T15:00") == [(2, local("2026-12-03T11:00"))]
    assert planned("2026-12-03T13:00", "2026-12-03T12:00") == []


def test_no_reminder_is_planned_for_after_the_visit_has_begun() -> None:
    # 2 h before 7.30 is quiet; booked at 22.00 the reminder would wait until 8.00: too late.
    assert planned("2026-12-03T07:30", "2026-12-02T22:00") == []


def test_without_quiet_hours_reminders_keep_their_lead_time() -> None:
    plan = ReminderPlan((48, 2), None)
    assert planned("2026-12-03T09:30", "2026-11-30T10:00", plan)[1] == (
        2,
        local("2026-12-03T07:30"),
    )


def test_quiet_hours_setting() -> None:
    assert QuietHours.parse("", HELSINKI) is None
    assert QUIET is not None
    assert QUIET.is_quiet(local("2026-12-02T23:00"))
    assert QUIET.is_quiet(local("2026-12-03T07:59"))
    assert not QUIET.is_quiet(local("2026-12-03T08:00"))
    daytime = QuietHours.parse("12:00-13:00", HELSINKI)
    assert daytime is not None
    assert daytime.is_quiet(local("2026-12-03T12:30"))
    for bad in ("21-08", "25:00-08:00", "08:00-08:00"):
        with pytest.raises(ValueError, match=r"21:00-08:00|different times"):
            QuietHours.parse(bad, HELSINKI)


def test_lead_hours_setting() -> None:
    assert parse_lead_hours("48,2") == (48, 2)
    assert parse_lead_hours(" 2, 48 ,24") == (48, 24, 2)
    assert parse_lead_hours("") == ()
    for bad in ("two", "0", "1000"):
        with pytest.raises(ValueError, match="hours"):
            parse_lead_hours(bad)


TODAY = date(2026, 11, 28)
NOON = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.12.2026", date(2026, 12, 3)),
        ("2026-12-03", date(2026, 12, 3)),
        ("3.12.", date(2026, 12, 3)),
        ("3.12", date(2026, 12, 3)),
        ("1.1.", date(2027, 1, 1)),
        ("28.11.", date(2026, 11, 28)),
        ("27.11.", date(2027, 11, 27)),
        ("29.2.", date(2028, 2, 29)),
    ],
)
def test_dates_staff_write(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["32.12.2026", "3/12/2026", "huomenna", "2026-13-01", ""])
def test_dates_that_are_not_dates(text: str) -> None:
    with pytest.raises(BookingError, match=r"3\.12\.2026"):
        parse_date(text, today=TODAY)


def test_times_staff_write() -> None:
    assert parse_time("9.30") == parse_time("09:30") == time(9, 30)
    assert parse_time("14") == time(14, 0)
    for bad in ("9.3", "24.00", "klo"):
        with pytest.raises(BookingError):
            parse_time(bad)


def test_a_booking_line_in_any_language_in_helsinki_time() -> None:
    now = local("2026-11-28T12:00")
    booking = parse_booking("3.12.2026 9.30 home ovikoodi 1234", now=now, zone=HELSINKI)
    assert booking.starts_at == datetime(2026, 12, 3, 7, 30, tzinfo=UTC)
    assert (booking.place, booking.note) == ("home", "ovikoodi 1234")
    assert parse_booking("2026-12-03 09:30 mottagning", now=now, zone=HELSINKI).place == "clinic"
    assert parse_booking("3.12. 9.30 Päiväkoti", now=now, zone=HELSINKI).place == "daycare"
    summer = parse_booking("2027-06-03 9.30 koti", now=now, zone=HELSINKI)
    assert summer.starts_at == datetime(2027, 6, 3, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("3.12.2026 9.30", "the date, the time and the place"),
        ("3.12.2026 9.30 sauna", "clinic, home or daycare"),
        ("3.12.2026 9.30 home 131052-308T", "identity code"),
        ("3.12.2026 9.30 home " + "x" * 201, "200 characters"),
    ],
)
def test_booking_lines_that_cannot_be_booked(line: str, reason: str) -> None:
    with pytest.raises(BookingError, match=reason):
        parse_booking(line, now=local("2026-11-28T12:00"), zone=HELSINKI)


def csv_rows(text: str, *, bom: bool = False) -> list[tuple[int, str, str]]:
    data = ("\ufeff" if bom else "") + text
    rows = read_csv(data.encode(), now=local("2026-11-28T12:00"), zone=HELSINKI)
    return [
        (row.line, row.reference, row.problem or str(row.booking.starts_at.astimezone(HELSINKI)))
        for row in rows
        if row.booking is not None or row.problem
    ]


def test_a_semicolon_export_with_a_bom_and_a_header() -> None:
    rows = csv_rows(
        "reference;date;time;place;note\n"
        "ot-2026-0001;3.12.2026;9.30;koti;ovikoodi 12, B-rappu\n"
        "OT-2026-0002;2026-12-04;13:00;clinic;\n",
        bom=True,
    )
    assert rows == [
        (2, "OT-2026-0001", "2026-12-03 09:30:00+02:00"),
        (3, "OT-2026-0002", "2026-12-04 13:00:00+02:00"),
    ]


def test_a_comma_export_without_a_header_reports_bad_rows_by_line() -> None:
    rows = csv_rows(
        "OT-2026-0001,3.12.2026,9.30,home,\n"
        "OT-2026-0002,31.2.2026,9.30,home,\n"
        "\n"
        "OT-2026-0003,4.12.2026,kello,home,\n"
        "OT-2026-0004,4.12.2026,10.00\n"
        'OT-2026-0005,4.12.2026,10.00,daycare,"portti, piha"\n'
    )
    assert [line for line, _ref, _what in rows] == [1, 2, 4, 5, 6]
    assert "date" in rows[1][2]
    assert "time" in rows[2][2]
    assert "expected" in rows[3][2]
    assert rows[4][2] == "2026-12-04 10:00:00+02:00"


def test_awkward_exports_are_read_all_the_same() -> None:
    rows = csv_rows(
        "OT-2026-0001;3.12.2026;9.30;koti;;\r"  # empty trailing columns, old Mac line ends
        "OT-2026-0002;3.12.2026;9.30;koti;portti 2;\r\n"
        "OT-2026-0003;3.12.2026;9.30;koti;;;\n"
    )
    assert [(line, ref) for line, ref, _when in rows] == [
        (1, "OT-2026-0001"),
        (2, "OT-2026-0002"),
        (3, "OT-2026-0003"),
    ]
    notes = [
        row.booking.note
        for row in read_csv(
            b"OT-1;3.12.2026;9.30;koti;portti 2;\n",
            now=local("2026-11-28T12:00"),
            zone=HELSINKI,
        )
        if row.booking
    ]
    assert notes == ["portti 2"]
    # A note with more commas than the line has semicolons: the date decides.
    assert csv_rows("OT-2026-0001;3.12.2026;9.30;koti;a, b, c, d, e\n")[0][1] == "OT-2026-0001"
    with pytest.raises(CsvError):
        list(read_csv(b'OT-1;3.12.;9.30;koti;"' + b"x" * 200_000, now=NOON, zone=HELSINKI))


def test_the_status_machine() -> None:
    assert next_status("scheduled", "remind") is Status.REMINDED
    assert next_status("reminded", "confirm") is Status.CONFIRMED
    assert next_status("confirmed", "confirm") is None
    assert next_status("confirmed", "ask_another_time") is Status.RESCHEDULE
    assert next_status("reschedule_requested", "ask_another_time") is None
    assert next_status("cancelled", "confirm") is None
    assert next_status("cancelled", "cancel") is None
    assert next_status("cancelled", "book_again") is Status.SCHEDULED
    assert next_status("confirmed", "move") is Status.SCHEDULED
    assert next_status("done", "cancel") is None
    assert next_status("no such status", "confirm") is None


def view(status: str, *, first: bool = True) -> cards.VisitView:
    return cards.VisitView(
        7, local("2026-12-03T09:30"), "home", "Ovikoodi 12 <b>", status, "Eetu", first
    )


def test_a_new_visit_card_asks_for_an_answer(
    dialog_context: Callable[[str], DialogContext],
) -> None:
    screen = cards.card(view("scheduled"), dialog_context("en"), reason="booked")
    assert "<b>Thu 3 Dec at 9.30</b>" in screen.text
    assert "At your home" in screen.text
    assert "Ovikoodi 12 &lt;b&gt;" in screen.text
    assert "takes about an hour" in screen.text
    actions = [cards.parse(b.data or "") for row in screen.rows for b in row]
    assert [a.action for a in actions if a] == ["confirm", "other", "cancel"]
    assert all(len((b.data or "").encode()) <= 64 for row in screen.rows for b in row)


def test_a_confirmed_visit_gets_a_nudge_without_buttons(
    dialog_context: Callable[[str], DialogContext],
) -> None:
    screen = cards.card(view("confirmed"), dialog_context("en"), reason="reminder")
    assert screen.rows == ()
    assert screen.text.startswith("⏰ See you soon!")
    confirmed = cards.card(view("confirmed"), dialog_context("en"))
    assert "✅ The visit is confirmed." in confirmed.text
    assert [b.label for row in confirmed.rows for b in row] == [
        "🔁 I need another time",
        "✖️ Cancel",
    ]
    later = cards.card(view("reminded", first=False), dialog_context("en"), reason="reminder")
    assert "takes about an hour" not in later.text
    assert len(later.rows) == 3


def test_forged_visit_buttons_are_not_read() -> None:
    for data in (
        "visit:confirm:7",
        "visit:eat:7:ab",
        "visit:confirm:x:ab",
        "visit:confirm:7:a;b",
        "visit:confirm:²:ab",
        "visit:confirm:7:ä",
        "visit:confirm:1234567890123:ab",
    ):
        assert cards.parse(data) is None
    assert cards.parse("visit:sure:7:ab") == cards.Pressed("sure", 7, "ab")


def test_a_press_after_the_visit_or_twice_is_refused() -> None:
    before = local("2026-12-02T12:00")
    assert cards.refusal(view("reminded"), "confirm", before) is None
    assert cards.refusal(view("confirmed"), "confirm", before) == "already_confirmed"
    assert cards.refusal(view("reschedule_requested"), "other", before) == "already_asked"
    assert cards.refusal(view("cancelled"), "sure", before) == "not_active"
    assert cards.refusal(view("cancelled"), "keep", before) == "not_active"
    after = before + timedelta(days=2)
    assert cards.refusal(view("reminded"), "confirm", after) == "passed"
