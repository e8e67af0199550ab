"""A linked family's flow: their messages go to the case's topic, a guardian of several
children chooses which child they are about (the message that asked waits for the choice),
a message that holds an identity code is held back, and a parent linking their chat types
the code their therapist gave.

Read top to bottom: the states, the events, the transitions between the states, and `step`,
the pure function the bot calls with what the chat holds (`Family`) and an event. Its answer
is the new state and the effects, in order, that the Telegram side carries out: screens to
show, what to remember, messages to relay or hold back, a code to link with, or the event
handed on to the menu's dialogs.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from enum import StrEnum

from transitions import EventData, Machine

from bot import machines
from bot.dialogs.base import Button, Command, DialogContext, Screen
from bot.dialogs.menu_pages import NOTICES
from bot.dialogs.menu_pages import State as MenuState
from bot.domain.inbox import FAMILY_NOTICES, LinkedCase

#: Callback data of a guardian's "which child" buttons: this prefix and the case's id.
CHILD_BUTTON = "child:"


class State(StrEnum):
    #: Not linked to a case: the menu's dialogs answer.
    UNLINKED = "unlinked"
    #: Not linked, on the page that asks for the code: typed text is the code.
    TYPING_CODE = "typing_code"
    #: Linked, with the case messages go to known (the only one, or the one chosen).
    WRITING = "writing"
    #: Linked to several children's cases, none chosen.
    CHOOSING = "choosing"
    #: As CHOOSING, with a message held until the child is chosen.
    HOLDING = "holding"


LINKED = [State.WRITING, State.CHOOSING, State.HOLDING]


@dataclass(frozen=True)
class Family:
    """What the dialog reads of a chat: the cases it is linked to, the case chosen and the
    message waiting for the choice, the menu's state, and whether staff are reachable."""

    cases: tuple[LinkedCase, ...] = ()
    chosen: int | None = None
    pending: int | None = None
    menu_state: str = MenuState.MAIN.value
    staff_online: bool = True

    @property
    def case(self) -> LinkedCase | None:
        """The case messages go to: the only one, or the one chosen."""
        if len(self.cases) == 1:
            return self.cases[0]
        return next((case for case in self.cases if case.id == self.chosen), None)

    @property
    def state(self) -> State:
        if not self.cases:
            if self.menu_state == MenuState.CUSTOMER_CODE.value:
                return State.TYPING_CODE
            return State.UNLINKED
        if self.case is not None:
            return State.WRITING
        return State.CHOOSING if self.pending is None else State.HOLDING


# Events: a family's message (anything but a command), a command, a child chosen.


@dataclass(frozen=True)
class Message:
    """A message or an edit; `text` when it was typed text (not edited, not a command)."""

    message_id: int
    text: str | None = None
    edited: bool = False
    identity_code: bool = False


@dataclass(frozen=True)
class ChildChosen:
    """A press of a "which child" button (`data` as the client sent it) on message
    `pressed`."""

    data: str
    pressed: int | None = None


FamilyEvent = Message | Command | ChildChosen


# Effects, carried out by the Telegram side in the order given.


@dataclass(frozen=True)
class Show:
    """Show screens; the first replaces message `replace` when given."""

    screens: tuple[Screen, ...]
    replace: int | None = None


@dataclass(frozen=True)
class Answer:
    """Answer the button press, with a pop-up notice or none."""

    notice: str | None = None


@dataclass(frozen=True)
class Remember:
    """Store the case chosen and the message waiting for the choice."""

    chosen: int | None
    pending: int | None


@dataclass(frozen=True)
class HoldBack:
    """Tell the case's topic a message was held back for an identity code."""

    case_id: int


@dataclass(frozen=True)
class Relay:
    """Relay a message to the case's topic (saying so when it was an edit)."""

    case: LinkedCase
    message_id: int
    edited: bool = False


@dataclass(frozen=True)
class NoteOffHours:
    """Outside office hours, say when an answer can be expected (once per off period)."""


@dataclass(frozen=True)
class Link:
    """Link the chat to a case with a code; the outcome decides what the parent sees."""

    code: str
    typed: bool


@dataclass(frozen=True)
class Converse:
    """Not the family flow's: the menu's dialogs answer the event."""


Effect = Show | Answer | Remember | HoldBack | Relay | NoteOffHours | Link | Converse


@dataclass(frozen=True)
class Outcome:
    state: State
    effects: tuple[Effect, ...]


def _held(event: EventData) -> bool:
    return bool(event.kwargs.get("held"))


def _edits_held(event: EventData) -> bool:
    return bool(event.kwargs.get("edits_held"))


def _several(event: EventData) -> bool:
    return bool(event.kwargs.get("several"))


def _theirs(event: EventData) -> bool:
    return bool(event.kwargs.get("theirs"))


TRANSITIONS: list[dict[str, object]] = [
    # A message that holds an identity code is never relayed; when it is the held message,
    # edited, it no longer waits for the choice.
    {
        "trigger": "message",
        "source": State.HOLDING,
        "dest": State.CHOOSING,
        "conditions": [_held, _edits_held],
    },
    {"trigger": "message", "source": LINKED, "dest": "=", "conditions": [_held]},
    # Without a child chosen, a message waits for the choice (the latest one).
    {"trigger": "message", "source": [State.CHOOSING, State.HOLDING], "dest": State.HOLDING},
    {"trigger": "message", "source": State.WRITING, "dest": State.WRITING},
    # /child asks again which child, forgetting the choice and any held message.
    {"trigger": "child", "source": LINKED, "dest": State.CHOOSING, "conditions": [_several]},
    {"trigger": "choose", "source": LINKED, "dest": State.WRITING, "conditions": [_theirs]},
    # Linking: the outcome (`bot.dialogs.customer.link_reply`) moves the menu.
    {"trigger": "code", "source": State.TYPING_CODE, "dest": "="},
    {"trigger": "link", "source": "*", "dest": "="},
]

MACHINE = Machine(
    model=None,
    states=State,
    transitions=TRANSITIONS,
    initial=State.UNLINKED,
    auto_transitions=False,
    send_event=True,
)


def step(family: Family, event: FamilyEvent, context: DialogContext) -> Outcome:
    """The family flow's answer to one event."""
    source = family.state
    match event:
        case Command(name="start", argument=code) if code:
            return _fire(family, "link", Link(code, typed=False))
        case Command(name="child"):
            destination = machines.destination(
                MACHINE, source, "child", several=len(family.cases) > 1
            )
            if destination is None:
                return Outcome(source, (Converse(),))
            return Outcome(destination, (which_child(family, context), Remember(None, None)))
        case Command():
            return Outcome(source, (Converse(),))
        case ChildChosen():
            return _choose(family, event, context)
        case Message():
            return _message(family, event, context)


def _fire(family: Family, trigger: str, effect: Effect) -> Outcome:
    destination = machines.destination(MACHINE, family.state, trigger)
    assert destination is not None
    return Outcome(destination, (effect,))


def _message(family: Family, message: Message, context: DialogContext) -> Outcome:
    source = family.state
    if source is State.TYPING_CODE and message.text is not None:
        return _fire(family, "code", Link(message.text, typed=True))
    held = family.staff_online and message.identity_code
    destination = machines.destination(
        MACHINE,
        source,
        "message",
        held=held,
        edits_held=family.pending == message.message_id,
    )
    if destination is None:
        return Outcome(source, (Converse(),))
    if held:
        case = family.case
        cases = (case,) if case is not None else family.cases
        effects: list[Effect] = [HoldBack(c.id) for c in cases]
        if family.pending == message.message_id:
            effects.append(Remember(family.chosen, None))
        effects.append(notice(FAMILY_NOTICES["held_back"], context))
        return Outcome(destination, tuple(effects))
    if destination is State.HOLDING:
        return Outcome(
            destination, (which_child(family, context), Remember(None, message.message_id))
        )
    case = family.case
    assert case is not None
    if not family.staff_online:
        return Outcome(destination, (notice(FAMILY_NOTICES["offline"], context),))
    return Outcome(destination, (Relay(case, message.message_id, message.edited), NoteOffHours()))


def _choose(family: Family, event: ChildChosen, context: DialogContext) -> Outcome:
    wanted = event.data.removeprefix(CHILD_BUTTON)
    case = next((c for c in family.cases if str(c.id) == wanted), None)
    destination = machines.destination(MACHINE, family.state, "choose", theirs=case is not None)
    if destination is None or case is None:
        return Outcome(family.state, (Answer(context.translate(NOTICES["outdated"])),))
    _ = context.translate
    effects: list[Effect] = [Answer()]
    if event.pressed is not None:
        text = _(FAMILY_NOTICES["child_chosen"], label=html.escape(case.label))
        effects.append(Show((Screen(text),), replace=event.pressed))
    effects.append(Remember(case.id, None))
    if family.pending is not None and family.staff_online:
        effects.append(Relay(case, family.pending))
    return Outcome(destination, tuple(effects))


def which_child(family: Family, context: DialogContext) -> Show:
    """The question which child a message is about, one button per child's case."""
    rows = tuple((Button(case.label, f"{CHILD_BUTTON}{case.id}"),) for case in family.cases)
    return Show((Screen(context.translate(FAMILY_NOTICES["which_child"]), rows),))


def notice(text: str, context: DialogContext) -> Show:
    return Show((Screen(context.translate(text)),))
