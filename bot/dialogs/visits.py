"""What a family sees of a visit: the card (in an announcement, a reminder or "My visits")
with its Confirm / Another time / Cancel buttons, and the answers to those buttons.

Pure: the caller reads the visit into a `VisitView` (its time already in the local zone) and
shows the screens. A button carries the visit's id and a stamp of its start time, so a press
on a message about an earlier time of a moved visit is recognised as out of date.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from bot.dialogs.base import MAIN_MENU, Button, DialogContext, Screen
from bot.domain.visit_status import Status, next_status
from bot.i18n import N_

PREFIX = "visit"
#: Button actions and the visit machine's trigger each one fires (None: only shows).
ACTIONS = {
    "confirm": "confirm",
    "other": "ask_another_time",
    "cancel": None,
    "sure": "cancel",
    "keep": None,
}

BUTTONS = {
    # Translators: button under a visit.
    "confirm": N_("✅ Confirm"),
    # Translators: button under a visit.
    "other": N_("🔁 I need another time"),
    # Translators: button under a visit.
    "cancel": N_("✖️ Cancel"),
    # Translators: button after "Cancel the visit?".
    "sure": N_("Yes, cancel the visit"),
    # Translators: button after "Cancel the visit?".
    "keep": N_("No, keep it"),
}

HEADINGS = {
    # Translators: first line of the message that tells a family of a new visit.
    "booked": N_("📅 <b>A visit has been booked for you</b>"),
    # Translators: first line of the message that tells a family a visit has a new time.
    "moved": N_("📅 <b>Your visit has a new time</b>"),
    # Translators: first line of a visit reminder.
    "reminder": N_("⏰ <b>Reminder of your occupational therapy visit</b>"),
}

PLACES = {
    # Translators: where a visit is, after 📍.
    "clinic": N_("At the occupational therapy clinic"),
    # Translators: where a visit is, after 📍.
    "home": N_("At your home"),
    # Translators: where a visit is, after 📍.
    "daycare": N_("At the daycare centre"),
}

TEXTS = {
    # Translators: on a moved visit's card; {when} is the earlier time.
    "previous": N_("Earlier time: <s>{when}</s>"),
    # Translators: on the card of a case's first visit (CONTENT.md, the service description).
    "first": N_(
        "The first visit takes about an hour. A parent or another adult who is important to "
        "the child comes along."
    ),
    # Translators: on a visit's card, above the buttons.
    "question": N_("Does the time suit you? Please answer with a button below."),
    # Translators: on a confirmed visit's card (any guardian of the child may have confirmed).
    "confirmed": N_("✅ The visit is confirmed. Welcome!"),
    # Translators: on the card of a visit the family asked to move.
    "reschedule": N_("🔁 Another time has been asked for. Your therapist will contact you."),
    # Translators: a later reminder of a visit the family has confirmed; {when} is bold.
    "nudge": N_("⏰ See you soon! Your visit is on <b>{when}</b>."),
    # Translators: a visit staff cancelled; {when} is struck through.
    "cancelled_by_staff": N_(
        "✖️ <b>Your visit has been cancelled</b>\n<s>{when}</s>\n\n"
        "If you need a new time, write to your therapist here."
    ),
    # Translators: after the family cancelled a visit.
    "cancelled_by_family": N_(
        "✖️ You cancelled the visit on {when}. Your therapist has been told. If you need a "
        "new time, write to your therapist here."
    ),
    # Translators: asks before cancelling a visit.
    "ask_cancel": N_("<b>Cancel this visit?</b>"),
    # Translators: after "I need another time"; the parent's next message goes to the topic.
    "ask_times": N_(
        "Which days and times would suit you? Write them here in one message, and it goes to "
        "your therapist."
    ),
    # Translators: "My visits" when there are visits; {count} cards are above.
    "list_footer": N_("Your upcoming visits are above. Answer with the buttons under a visit."),
    # Translators: "My visits" when there are none.
    "list_empty": N_(
        "You have no upcoming visits. When your therapist books one, you will get a message here."
    ),
    # Translators: "My visits" (or /visits) in a chat not linked to a case.
    "list_unlinked": N_(
        "Your visits are shown here once this chat is linked to your child's case. Your "
        "therapist gives you a code for that."
    ),
}

NOTICES = {
    # Translators: pop-up after confirming a visit.
    "confirm": N_("Thank you! The visit is confirmed."),
    # Translators: pop-up after asking for another time.
    "other": N_("Your therapist has been told."),
    # Translators: pop-up after cancelling a visit.
    "sure": N_("The visit is cancelled."),
    # Translators: pop-up when a visit was confirmed already.
    "already_confirmed": N_("You have already confirmed this visit."),
    # Translators: pop-up when the family already asked for another time.
    "already_asked": N_("You have already asked for another time."),
    # Translators: pop-up for a visit that is cancelled (or marked done).
    "not_active": N_("This visit is no longer booked."),
    # Translators: pop-up for a visit whose time has passed.
    "passed": N_("This visit's time has already passed."),
    # Translators: pop-up on a message about an earlier time of a moved visit.
    "moved": N_("The visit has a new time; the message now shows it."),
    # Translators: pop-up when the visit is not this chat's (or no longer exists).
    "not_yours": N_("This button does not work in this chat."),
}


@dataclass(frozen=True)
class VisitView:
    """A visit as a family sees it; `starts_at` is in the local zone."""

    id: int
    starts_at: datetime
    place: str
    note: str
    status: str
    #: The case's label (the child), which staff chose.
    label: str
    first: bool = False

    @property
    def stamp(self) -> str:
        """The start time, short: a button pressed on a message about another time is old."""
        return _base36(int(self.starts_at.timestamp()) // 60)


@dataclass(frozen=True)
class Pressed:
    action: str
    visit_id: int
    stamp: str


def parse(data: str) -> Pressed | None:
    """The action, visit and stamp a visit button carries; None for anything forged."""
    parts = data.split(":")
    if len(parts) != 4 or parts[0] != PREFIX or parts[1] not in ACTIONS:
        return None
    number, stamp = parts[2], parts[3]
    if not (number.isascii() and number.isdigit() and len(number) <= 12):
        return None
    if not (stamp.isascii() and stamp.isalnum()):
        return None
    return Pressed(parts[1], int(number), stamp)


def callback(action: str, view: VisitView) -> str:
    return f"{PREFIX}:{action}:{view.id}:{view.stamp}"


def card(
    view: VisitView, context: DialogContext, *, reason: str = "", previous: datetime | None = None
) -> Screen:
    """A visit with what the family can do about it now."""
    _ = context.translate
    if reason == "reminder" and view.status == Status.CONFIRMED.value:
        return Screen(
            "\n".join(
                [_(TEXTS["nudge"], when=_.moment(view.starts_at)), *_details(view, context)[2:]]
            )
        )
    lines = [_(HEADINGS[reason])] if reason in HEADINGS else []
    lines += _details(view, context)
    if previous is not None:
        lines.append(_(TEXTS["previous"], when=_.moment(previous)))
    tail = []
    if view.first and view.status != Status.CONFIRMED.value:
        tail.append(_(TEXTS["first"]))
    if view.status == Status.CONFIRMED.value:
        tail.append(_(TEXTS["confirmed"]))
    elif view.status == Status.RESCHEDULE.value:
        tail.append(_(TEXTS["reschedule"]))
    else:
        tail.append(_(TEXTS["question"]))
    rows = tuple(
        (Button(_(BUTTONS[action]), callback(action, view)),)
        for action, trigger in (("confirm", "confirm"), ("other", "ask_another_time"))
        if next_status(view.status, trigger) is not None
    )
    rows += ((Button(_(BUTTONS["cancel"]), callback("cancel", view)),),)
    return Screen("\n".join(lines) + "\n\n" + "\n".join(tail), rows)


def _details(view: VisitView, context: DialogContext) -> list[str]:
    _ = context.translate
    lines = [
        f"👶 {html.escape(view.label)}",
        f"🗓 <b>{_.moment(view.starts_at)}</b>",
        f"📍 {_(PLACES[view.place])}",
    ]
    if view.note:
        lines.append(f"📝 {html.escape(view.note)}")
    return lines


def ask_cancel(view: VisitView, context: DialogContext) -> Screen:
    _ = context.translate
    rows = (
        (Button(_(BUTTONS["sure"]), callback("sure", view)),),
        (Button(_(BUTTONS["keep"]), callback("keep", view)),),
    )
    return Screen("\n".join([_(TEXTS["ask_cancel"]), *_details(view, context)]), rows)


def cancelled(view: VisitView, context: DialogContext, *, by_family: bool) -> Screen:
    _ = context.translate
    key = "cancelled_by_family" if by_family else "cancelled_by_staff"
    return Screen(_(TEXTS[key], when=_.moment(view.starts_at)))


def ask_times(context: DialogContext) -> Screen:
    return Screen(context.translate(TEXTS["ask_times"]))


def my_visits(views: list[VisitView], context: DialogContext, *, linked: bool) -> list[Screen]:
    """ "My visits": a card for each upcoming visit, then the way back to the menu."""
    _ = context.translate
    back = ((Button(_(MAIN_MENU), "main:main"),),)
    if not linked:
        customer = Button(_(N_("💬 I'm already a customer")), "main:customer")
        return [Screen(_(TEXTS["list_unlinked"]), ((customer,), *back))]
    if not views:
        return [Screen(_(TEXTS["list_empty"]), back)]
    cards = [card(view, context) for view in views]
    return [*cards, Screen(_(TEXTS["list_footer"]), back)]


def refusal(view: VisitView, action: str, now: datetime) -> str | None:
    """Why a press changes nothing (a NOTICES key), or None when it may go ahead."""
    if view.starts_at <= now:
        return "passed"
    trigger = ACTIONS[action]
    if action in ("cancel", "keep"):
        trigger = "cancel"
    if trigger is None or next_status(view.status, trigger) is not None:
        return None
    if view.status == Status.CONFIRMED.value and action == "confirm":
        return "already_confirmed"
    if view.status == Status.RESCHEDULE.value and action == "other":
        return "already_asked"
    return "not_active"


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
    return text or "0"
