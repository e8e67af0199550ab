"""The words of visits: the places staff may write, and what the bot says about visits to
staff (catalog texts, in `OTBOT_STAFF_LANGUAGE`)."""

from __future__ import annotations

from bot.domain.visit_status import Status
from bot.i18n import N_

PLACES = ("clinic", "home", "daycare")
#: The words staff may write for a place, in Finnish, Swedish and English.
PLACE_WORDS = {
    "vastaanotto": "clinic",
    "mottagning": "clinic",
    "clinic": "clinic",
    "koti": "home",
    "hem": "home",
    "home": "home",
    "päiväkoti": "daycare",
    "daghem": "daycare",
    "daycare": "daycare",
}

#: Names of the statuses in staff notices.
STATUS_NAMES = {
    # Translators: a visit's status, in the staff group.
    Status.SCHEDULED: N_("booked"),
    # Translators: a visit's status, in the staff group.
    Status.REMINDED: N_("reminded"),
    # Translators: a visit's status, in the staff group.
    Status.CONFIRMED: N_("confirmed"),
    # Translators: a visit's status, in the staff group.
    Status.RESCHEDULE: N_("family asks for another time"),
    # Translators: a visit's status, in the staff group.
    Status.CANCELLED: N_("cancelled"),
    # Translators: a visit's status, in the staff group.
    Status.DONE: N_("done"),
    # Translators: a visit's status, in the staff group.
    Status.NO_SHOW: N_("no-show"),
}
#: Names of the places in staff notices.
PLACE_NAMES = {
    # Translators: a visit's place, in the staff group.
    "clinic": N_("clinic"),
    # Translators: a visit's place, in the staff group.
    "home": N_("home"),
    # Translators: a visit's place, in the staff group.
    "daycare": N_("daycare"),
}

#: What the bot says about visits in a case's topic (in `OTBOT_STAFF_LANGUAGE`).
VISIT_NOTICES = {
    # Translators: to staff, after /visit; {when} like "to 3.12. klo 9.30", {place} a place.
    "visit_booked": N_("📅 Visit booked: {when} · {place}. The family was told."),
    # Translators: to staff, after /visit for a case no guardian has linked yet.
    "visit_booked_unlinked": N_(
        "📅 Visit booked: {when} · {place}. No guardian has linked yet: once one does, they "
        'find the visit under "My visits" and get its reminders.'
    ),
    # Translators: to staff, when /visit names a time the case has a visit at already.
    "visit_already": N_("The case already has a visit at {when}; nothing was booked."),
    # Translators: to staff, about a visit booked on the command line or by import.
    "visit_booked_outside": N_("📅 Visit booked in the booking system: {when} · {place}."),
    # Translators: to staff, about a visit booked on the command line or by import, for a
    # case no guardian has linked yet.
    "visit_booked_outside_untold": N_(
        "📅 Visit booked in the booking system: {when} · {place}. No guardian has linked yet, "
        "so the family was not told."
    ),
    # Translators: to staff, about a visit cancelled on the command line.
    "visit_cancelled_outside": N_("✖️ Visit cancelled in the booking system: {when}."),
    # Translators: to staff, after /visit move.
    "visit_moved": N_("📅 Visit {number} moved to {when}. The family was told."),
    # Translators: to staff, after /visit move, when no guardian is linked.
    "visit_moved_untold": N_(
        "📅 Visit {number} moved to {when}. No guardian is linked, so no one was told."
    ),
    # Translators: to staff, after /visit cancel.
    "visit_cancelled_by_staff": N_("✖️ Visit {number} ({when}) cancelled. The family was told."),
    # Translators: to staff, after /visit cancel of a visit already past or of a case no
    # guardian is linked to.
    "visit_cancelled_untold": N_(
        "✖️ Visit {number} ({when}) cancelled. No one was told: the visit has passed or no "
        "guardian is linked."
    ),
    # Translators: to staff, when /close is refused; {count} visits are still ahead.
    "visit_close_refused": N_(
        "The case still has visits ahead ({count}). Cancel them first (/visits, then /visit "
        "cancel N), and then /close."
    ),
    # Translators: to staff, after /visit done or /visit noshow; {status} is the new status.
    "visit_marked": N_("Visit {number} ({when}): {status}."),
    # Translators: to staff, when a /visit command could not be done; {reason} says why.
    "visit_refused": N_("Nothing was changed: {reason}.\n\n{usage}"),
    # Translators: to staff, the usage of /visit; keep the commands and their words.
    "visit_usage": N_(
        "Book a visit: /visit 3.12.2026 9.30 home [note]\n"
        "The date also as 2026-12-03 or 3.12.; the place clinic, home or daycare (in any of "
        "the three languages). The note is shown to the family.\n"
        "/visits – the case's visits, numbered\n"
        "/visit move N 4.12. 10.00 · /visit cancel N (the family is told)\n"
        "/visit done N · /visit noshow N – after the visit"
    ),
    # Translators: to staff, the heading of /visits.
    "visit_list": N_("Visits of {reference}:\n{visits}"),
    # Translators: to staff, /visits when the case has none.
    "visit_none": N_("The case has no visits yet.\n\n{usage}"),
    # Translators: to staff, in the case's topic.
    "visit_confirmed": N_("✅ The family confirmed the visit on {when}."),
    # Translators: to staff, in the case's topic; the family's next message follows.
    "visit_other_time": N_(
        "🔁 The family needs another time for the visit on {when}. Their message with times "
        "that suit them comes here."
    ),
    # Translators: to staff, in the case's topic.
    "visit_cancelled": N_("✖️ The family cancelled the visit on {when}."),
}
