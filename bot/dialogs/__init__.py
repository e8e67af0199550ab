"""The dialogs and the one function the handlers call: `step`.

The main menu (`menu`) and the baby advice (`advice`) are each a state machine. A press goes
to the dialog that owns the pressed screen's state, typed text to the advice (urgent signs
first), everything else to the menu. When a dialog moves to a state the other one shows
(the menu's "Baby advice" button, the advice's "Main menu"), that dialog renders the page.
"My visits" shows what the store holds, so the handler renders it (`bot.telegram.family_visits`).
"""

from __future__ import annotations

from dataclasses import replace

from bot.dialogs import advice, menu, menu_pages
from bot.dialogs.base import DialogContext, Event, Press, Reply, Screen, Text


def step(stored_state: str, event: Event, context: DialogContext) -> Reply:
    """Any dialog's answer to one event in the stored state."""
    match event:
        case Text(text=text):
            reply = advice.on_text(text, context)
        case Press(data=data) if advice.owns(data.partition(":")[0]):
            reply = advice.step(stored_state, event, context) or _outdated(stored_state, context)
        case Press(data=data):
            reply = menu.press(data, context) or _outdated(stored_state, context)
        case _:
            reply = menu.step(stored_state, event, context)
    if not reply.screens and reply.state != menu_pages.State.MY_VISITS.value:
        reply = replace(reply, screens=(render(reply.state, context),))
    return reply


def render(state: str, context: DialogContext) -> Screen:
    """The page of any dialog's state."""
    if advice.owns(state) and state in advice.STATES:
        return advice.render(state, context)
    shown = menu.known_state(state)
    return menu.render(
        menu_pages.State.MAIN if shown is menu_pages.State.MY_VISITS else shown, context
    )


def _outdated(stored_state: str, context: DialogContext) -> Reply:
    if advice.owns(stored_state) and stored_state in advice.STATES:
        notice = context.translate(menu_pages.NOTICES["outdated"])
        return Reply(stored_state, (advice.render(stored_state, context),), notice=notice)
    return menu.outdated(stored_state, context)
