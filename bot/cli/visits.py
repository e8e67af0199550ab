"""`otbot visit`: book, list and cancel visits; import a day's bookings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import (
    JsonOption,
    fail,
    unit_with_services,
)
from bot.terminal import shown, shown_json

if TYPE_CHECKING:
    from bot.domain.visits import VisitRow
    from bot.services import Services


visit_app = typer.Typer(
    help="Book, list and cancel visits; import a day's bookings.", no_args_is_help=True
)


@visit_app.command("add")
def visit_add(
    reference: str,
    at: Annotated[str, typer.Option(help="Local start time, like 2026-12-03T09:30.")],
    place: Annotated[str, typer.Option(help="clinic, home or daycare (or koti, hem, ...).")],
    note: Annotated[str, typer.Option(help="A short note the family sees.")] = "",
) -> None:
    """Book a visit for a case; the family is told at once (by the running bot)."""
    from bot.domain.staff_visits import book_outside
    from bot.domain.visit_input import Booking, check_note, comes_twice, parse_place, parse_when

    with unit_with_services() as (db, services):
        day, _t, clock = at.strip().replace(" ", "T").partition("T")
        now = services.clock()
        zone = services.settings.zone
        when = parse_when(day, clock, now=now, zone=zone)
        booking = Booking(when, parse_place(place), check_note(note))
        booked = book_outside(services, db, reference, booking)
    typer.echo(f"{booked.outcome} visit {booked.visit.id}: {_visit_line(booked.visit, services)}")
    if comes_twice(when, zone):
        typer.echo(
            f"note: {at.strip()} comes twice, as the clocks go back an hour that night; the "
            f"visit is at the earlier, {when.astimezone(zone).isoformat(timespec='minutes')}"
        )


@visit_app.command("list")
def visit_list(
    reference: Annotated[
        str | None, typer.Argument(help="A case; without it, every case.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List visits: id, case, local start, place, status, note. Without a case, the visits
    still ahead of every case."""
    from bot.domain.cases import find_case
    from bot.domain.visits import case_visits, upcoming_visits

    with unit_with_services() as (db, services):
        if reference:
            case = find_case(db, reference=reference)
            assert case.id is not None
            listed = [(case.reference, v) for v in case_visits(db, case_id=case.id)]
        else:
            listed = upcoming_visits(db, now=services.clock())
    if as_json:
        rows = [
            {
                "id": v.id,
                "reference": ref,
                "starts_at": v.starts_at.astimezone(services.settings.zone).isoformat(),
                "place": v.place,
                "status": v.status,
                "note": v.note,
            }
            for ref, v in listed
        ]
        typer.echo(shown_json(rows))
        return
    for ref, visit in listed:
        typer.echo(f"{visit.id}\t{ref}\t{_visit_line(visit, services)}")


@visit_app.command("cancel")
def visit_cancel(visit_id: int) -> None:
    """Cancel a visit; the family is told if it is still ahead, and the case's topic."""
    from bot.domain.cases import CaseError
    from bot.domain.staff_visits import cancel_outside
    from bot.domain.visits import visit_by_id

    with unit_with_services() as (db, services):
        visit = visit_by_id(db, visit_id)
        if visit is None:
            raise CaseError(f"no visit {visit_id}")
        cancel_outside(services, db, visit)
    typer.echo(f"cancelled visit {visit_id}")


@visit_app.command("import")
def visit_import(
    file: Annotated[Path, typer.Argument(help="CSV: reference, date, time, place, note.")],
) -> None:
    """Import a day's bookings from the booking system's CSV export. Good rows are booked
    (a visit already booked is left as it is); each bad row is reported by its line, and
    the exit status is then 1."""
    from bot.domain.cases import CaseError
    from bot.domain.staff_visits import book_outside
    from bot.domain.visit_input import CsvError, read_csv
    from bot.domain.visits import BookingError

    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
    counts = {"booked": 0, "again": 0, "already": 0}
    bad = 0
    with unit_with_services() as (db, services):
        try:
            rows = list(read_csv(data, now=services.clock(), zone=services.settings.zone))
        except UnicodeDecodeError:
            fail(f"{file} is not UTF-8 text")
        except CsvError as exc:
            fail(f"{file} is not readable as CSV ({exc})")
        for row in rows:
            problem = row.problem
            if row.booking is not None:
                try:  # a refused row is refused before anything of it is written
                    counts[book_outside(services, db, row.reference, row.booking).outcome] += 1
                except (CaseError, BookingError) as exc:
                    problem = str(exc)
            if problem:
                bad += 1
                print(shown(f"{file.name}, line {row.line}: {problem}"), file=sys.stderr)
    typer.echo(
        f"booked {counts['booked'] + counts['again']}, already booked {counts['already']}, "
        f"bad rows {bad}"
    )
    if bad:
        raise typer.Exit(1)


def _visit_line(visit: VisitRow, services: Services) -> str:
    local = visit.starts_at.astimezone(services.settings.zone)
    note = f"\t{shown(visit.note)}" if visit.note else ""
    return f"{local:%Y-%m-%d %H:%M}\t{visit.place}\t{visit.status}{note}"
