"""The visit commands therapists use in a case's topic.

`/visit 3.12.2026 9.30 home [note]` books, `/visits` lists the case's visits numbered, and
`/visit move N <date> <time>`, `/visit cancel N`, `/visit done N`, `/visit noshow N` act on
visit N of that list. Each returns the notice to answer with; `bot.telegram.staff` says it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.domain import visit_status, visit_words, visits
from bot.domain.cases import CaseError, find_case
from bot.domain.visit_input import Booking, comes_twice, parse_booking, parse_when
from bot.domain.visit_words import VISIT_NOTICES
from bot.domain.visits import Booked, BookingError, VisitRow
from bot.i18n import N_
from bot.outbox import case_lane, enqueue
from bot.services import Services
from bot.store.database import current_unit

Answer = tuple[str, dict[str, Any]]
# Translators: a visit's time, to staff, on the night the clocks go back; {when} is like
# "su 31.10. klo 3.30".
TWICE = N_("{when} (the earlier of the two: the clocks go back an hour that night)")
#: `/visit done N` and `/visit noshow N`: the machine's trigger for each.
MARKS = {"done": "mark_done", "noshow": "mark_no_show"}


def visit_command(services: Services, case: Any, name: str, argument: str) -> Answer:
    """What `/visit ...` or `/visits` does in the topic of `case`."""
    _ = services.staff_translator
    try:
        if name == "visits":
            return _list(services, case)
        action, _space, rest = argument.partition(" ")
        if not argument:
            return "visit_usage", {}
        action = action.lower()
        if case.status != "open" and action not in ("cancel", *MARKS):
            raise BookingError(N_("the case is closed; /reopen it first"))
        if action in ("move", "cancel", *MARKS):
            return _act(services, case, action, rest)
        return _book(services, case, argument)
    except BookingError as exc:
        return "visit_refused", {"reason": _(str(exc)), "usage": _(VISIT_NOTICES["visit_usage"])}


def _book(services: Services, case: Any, argument: str) -> Answer:
    now = services.clock()
    booking = parse_booking(argument, now=now, zone=services.settings.zone)
    booked = visits.book(
        current_unit(),
        case_id=case.id,
        starts_at=booking.starts_at,
        place=booking.place,
        note=booking.note,
        now=now,
        plan=services.reminder_plan,
    )
    values = _describe(services, booked.visit)
    if booked.outcome == "already":
        return "visit_already", values
    return ("visit_booked" if booked.told else "visit_booked_unlinked"), values


def _act(services: Services, case: Any, action: str, rest: str) -> Answer:
    db = current_unit()
    number, _space, when = rest.strip().partition(" ")
    listed = visits.case_visits(db, case_id=case.id)
    if not number.isdigit() or not 1 <= int(number) <= len(listed):
        raise BookingError(N_("give the number of the visit from /visits"))
    visit = listed[int(number) - 1]
    now = services.clock()
    if action == "move":
        date_text, _space, time_text = when.strip().partition(" ")
        if not time_text:
            raise BookingError(N_("write the new date and time after the number"))
        starts_at = parse_when(date_text, time_text.strip(), now=now, zone=services.settings.zone)
        told = visits.move(db, visit, starts_at=starts_at, now=now, plan=services.reminder_plan)
        moved = replace(visit, starts_at=starts_at)
        notice = "visit_moved" if told else "visit_moved_untold"
        return notice, {"number": number, **_describe(services, moved)}
    if action == "cancel":
        told = visits.cancel(db, visit, tell_family=visit.starts_at > now)
        notice = "visit_cancelled_by_staff" if told else "visit_cancelled_untold"
        return notice, {"number": number, **_describe(services, visit)}
    new = visits.answer(db, visit, MARKS[action])
    if new is None:
        raise BookingError(N_("that visit is no longer active"))
    _ = services.staff_translator
    status = _(visit_words.STATUS_NAMES[new])
    return "visit_marked", {"number": number, **_describe(services, visit), "status": status}


def _list(services: Services, case: Any) -> Answer:
    _ = services.staff_translator
    listed = visits.case_visits(current_unit(), case_id=case.id)
    if not listed:
        return "visit_none", {"usage": _(VISIT_NOTICES["visit_usage"])}
    lines = []
    for number, visit in enumerate(listed, 1):
        described = _describe(services, visit)
        status = _(visit_words.STATUS_NAMES[visit_status.Status(visit.status)])
        note = f" · {visit.note}" if visit.note else ""
        lines.append(f"{number}. {described['when']} · {described['place']} · {status}{note}")
    return "visit_list", {"reference": case.reference, "visits": "\n".join(lines)}


def _describe(services: Services, visit: VisitRow) -> dict[str, Any]:
    _ = services.staff_translator
    zone = services.settings.zone
    when = _.moment(visit.starts_at.astimezone(zone))
    if comes_twice(visit.starts_at, zone):
        when = _(TWICE, when=when)
    return {"when": when, "place": _(visit_words.PLACE_NAMES[visit.place])}


def book_outside(services: Services, db: Any, reference: str, booking: Booking) -> Booked:
    """Book a visit from the command line or an import; the family and the topic are told."""
    case = find_case(db, reference=reference)
    if case.status != "open":
        raise CaseError(
            N_("case {reference} is closed; reopen it first"), reference=case.reference
        )
    assert case.id is not None
    booked = visits.book(
        db,
        case_id=case.id,
        starts_at=booking.starts_at,
        place=booking.place,
        note=booking.note,
        now=services.clock(),
        plan=services.reminder_plan,
    )
    if booked.outcome != "already":
        enqueue(
            db,
            "notify_staff",
            lane=case_lane(case.id),
            case_id=case.id,
            notice="visit_booked_outside" if booked.told else "visit_booked_outside_untold",
            values=_describe(services, booked.visit),
        )
    return booked


def cancel_outside(services: Services, db: Any, visit: VisitRow) -> None:
    """Cancel a visit from the command line; the family (if it is still ahead) and the
    case's topic are told."""
    visits.cancel(db, visit, tell_family=visit.starts_at > services.clock())
    enqueue(
        db,
        "notify_staff",
        lane=case_lane(visit.case_id),
        case_id=visit.case_id,
        notice="visit_cancelled_outside",
        values=_describe(services, visit),
    )
