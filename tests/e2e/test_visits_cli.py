"""Staff book, list, cancel and import visits from the command line; the running bot tells
the families."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from support.command import otbot

from bot.outbox import OutboxJob
from bot.store.database import make_engine, unit_of_work
from bot.store.models import Reminder, Visit

#: Next year: the visits are ahead whenever the tests run.
YEAR = date.today().year + 1


def new_case(label: str = "Eetu") -> str:
    code, out, _ = otbot("case", "new", "--label", label, "--json")
    assert code == 0
    return str(json.loads(out)["reference"])


def count(table: type) -> int:
    engine = make_engine("sqlite:///otbot.sqlite3")
    with unit_of_work(engine) as db:
        value = db.execute(select(func.count()).select_from(table)).scalar_one()
    engine.dispose()
    return int(value)


def test_add_list_and_cancel_a_visit() -> None:
    reference = new_case()
    code, out, err = otbot(
        "visit",
        "add",
        reference.lower(),
        "--at",
        f"{YEAR}-12-03T09:30",
        "--place",
        "koti",
        "--note",
        "Ovikoodi 12",
    )
    assert (code, err) == (0, "")
    assert out.startswith(f"booked visit 1: {YEAR}-12-03 09:30\thome\tscheduled\tOvikoodi 12")
    assert count(Reminder) == 2  # 48 h and 2 h before

    code, out, _ = otbot("visit", "list", reference, "--json")
    listed = json.loads(out)
    assert listed == [
        {
            "id": 1,
            "reference": reference,
            "starts_at": f"{YEAR}-12-03T09:30:00+02:00",
            "place": "home",
            "status": "scheduled",
            "note": "Ovikoodi 12",
        }
    ]
    assert otbot("visit", "list")[1].startswith(f"1\t{reference}\t{YEAR}-12-03 09:30")
    assert otbot("visit", "cancel", "1") == (0, "cancelled visit 1\n", "")
    assert count(Reminder) == 0
    assert otbot("visit", "list")[1] == ""  # nothing ahead
    code, _, err = otbot("visit", "cancel", "1")
    assert code == 1
    assert "no longer active" in err


def test_bookings_that_cannot_be_made_say_why() -> None:
    reference = new_case()
    for args, reason in [
        (("OT-1999-0001", "--at", f"{YEAR}-12-03T09:30", "--place", "home"), "no case"),
        ((reference, "--at", f"{YEAR}-12-03T25:30", "--place", "home"), "time"),
        ((reference, "--at", f"{YEAR}-12-03T09:30", "--place", "sauna"), "or daycare"),
        ((reference, "--at", "2020-12-03T09:30", "--place", "home"), "already passed"),
    ]:
        code, _, err = otbot("visit", "add", *args)
        assert code == 1, args
        assert reason in err


def test_an_import_books_good_rows_reports_bad_ones_and_books_nothing_twice(
    tmp_path: Path,
) -> None:
    first, second = new_case("Eetu"), new_case("Aino")
    export = tmp_path / "bookings.csv"
    export.write_bytes(
        (
            "\ufeffreference;date;time;place;note\n"
            f"{first};3.12.{YEAR};9.30;vastaanotto;\n"
            f"{second};{YEAR}-12-03;13:00;hem;portti 2; piha\n"
            f"{first};31.12.{YEAR};kello;koti;\n"
            f"OT-1999-0042;3.12.{YEAR};10.00;koti;\n"
            f"{second};4.12.{YEAR};10.00;päiväkoti;Auringonkukat\n"
        ).encode()
    )
    code, out, err = otbot("visit", "import", str(export))
    assert code == 1
    assert out == "booked 3, already booked 0, bad rows 2\n"
    assert err.splitlines() == [
        "bookings.csv, line 4: write the time like 9.30 or 09:30",
        "bookings.csv, line 5: no case 'OT-1999-0042'",
    ]
    assert count(Visit) == 3
    jobs = count(OutboxJob)
    code, out, _ = otbot("visit", "import", str(export))
    assert out == "booked 0, already booked 3, bad rows 2\n"
    assert count(Visit) == 3
    assert count(OutboxJob) == jobs, "a second import tells no one anything"
    notes = {v["note"] for v in json.loads(otbot("visit", "list", second, "--json")[1])}
    assert notes == {"portti 2; piha", "Auringonkukat"}


def test_a_comma_separated_export_and_an_unreadable_file(tmp_path: Path) -> None:
    reference = new_case()
    export = tmp_path / "day.csv"
    export.write_text(f'{reference},3.12.{YEAR},9.30,clinic,"Room 4, 2nd floor"\n')
    assert otbot("visit", "import", str(export))[1] == "booked 1, already booked 0, bad rows 0\n"
    export.write_bytes(b"\xff\xfe\x00b\x00a\x00d")
    code, _, err = otbot("visit", "import", str(export))
    assert code == 2
    assert "not UTF-8" in err
    code, _, err = otbot("visit", "import", str(tmp_path / "missing.csv"))
    assert code == 2
    assert "cannot read" in err


def last_sunday(month: int) -> date:
    """The night the clocks change in Finland: the last Sunday of March or October."""
    day = date(YEAR, month, 31)
    return day.fromordinal(day.toordinal() - (day.weekday() + 1) % 7)


def test_an_hour_the_clocks_skip_is_refused_and_one_that_comes_twice_is_the_earlier() -> None:
    reference = new_case()
    spring, autumn = last_sunday(3), last_sunday(10)
    code, out, err = otbot("visit", "add", reference, "--at", f"{spring}T03:30", "--place", "home")
    assert (code, out) == (1, "")
    assert "the clocks go forward an hour that night" in err
    assert count(Visit) == 0

    code, out, err = otbot("visit", "add", reference, "--at", f"{autumn} 03:30", "--place", "home")
    assert (code, err) == (0, "")
    booked, note = out.splitlines()
    assert booked.startswith(f"booked visit 1: {autumn} 03:30\thome")
    assert note == (
        f"note: {autumn} 03:30 comes twice, as the clocks go back an hour that night; "
        f"the visit is at the earlier, {autumn}T03:30+03:00"
    )
    listed = json.loads(otbot("visit", "list", reference, "--json")[1])
    assert listed[0]["starts_at"] == f"{autumn}T03:30:00+03:00"


def test_a_note_cannot_drive_the_terminal() -> None:
    reference = new_case()
    note = "Ovi\x1b[8m 12\u202e"
    code, out, _ = otbot(
        "visit", "add", reference, "--at", f"{YEAR}-12-03T09:30", "--place", "home", "--note", note
    )
    assert code == 0
    assert out.rstrip("\n").endswith("\tOvi\\x1b[8m 12\\u202e")
    assert "\x1b" not in otbot("visit", "list")[1]
    assert json.loads(otbot("visit", "list", "--json")[1])[0]["note"] == note
