"""The main menu: welcome, about occupational therapy, privacy, language, and the entries to
baby advice and customer services.

Read top to bottom: the states, the transitions between them, the pages each state shows,
and `step`, the pure function the bot calls with an event and the stored state.
"""

from __future__ import annotations

import html

from transitions import EventData, Machine

from bot import machines
from bot.dialogs.base import (
    BACK,
    MAIN_MENU,
    Button,
    Command,
    DialogContext,
    Event,
    Press,
    Reply,
    Screen,
    Text,
    Unsupported,
)
from bot.dialogs.menu_pages import (
    ABOUT_PAGES,
    NOTICES,
    PAGES,
    SMALL_TALK_ANSWERS,
    TOP_PAGES,
    State,
)
from bot.i18n import LANGUAGES


def _offers_language(event: EventData) -> bool:
    return event.kwargs.get("argument") in LANGUAGES


TRANSITIONS: list[dict[str, object]] = [
    # Entries reachable from anywhere: the menu buttons and the commands share them.
    {"trigger": "main", "source": "*", "dest": State.MAIN},
    {"trigger": "advice", "source": "*", "dest": State.ADVICE},
    {"trigger": "about", "source": "*", "dest": State.ABOUT},
    {"trigger": "customer", "source": "*", "dest": State.CUSTOMER},
    {"trigger": "language", "source": "*", "dest": State.LANGUAGE},
    {"trigger": "privacy", "source": "*", "dest": State.PRIVACY},
    {"trigger": "help", "source": "*", "dest": State.HELP},
    {"trigger": "forget", "source": "*", "dest": State.FORGET},
    {"trigger": "my_visits", "source": "*", "dest": State.MY_VISITS},
    # Within "about occupational therapy".
    {"trigger": "referral", "source": State.ABOUT, "dest": State.ABOUT_REFERRAL},
    {"trigger": "visits", "source": State.ABOUT, "dest": State.ABOUT_VISITS},
    {"trigger": "after", "source": State.ABOUT, "dest": State.ABOUT_AFTER},
    {"trigger": "maisa", "source": State.ABOUT, "dest": State.ABOUT_MAISA},
    # Choices.
    {
        "trigger": "choose",
        "source": State.LANGUAGE,
        "dest": State.MAIN,
        "conditions": [_offers_language],
    },
    {"trigger": "erase", "source": State.FORGET, "dest": State.ERASED},
    {"trigger": "code", "source": State.CUSTOMER, "dest": State.CUSTOMER_CODE},
    {"trigger": "back", "source": State.CUSTOMER_CODE, "dest": State.CUSTOMER},
    # The way back from every page.
    {"trigger": "back", "source": TOP_PAGES, "dest": State.MAIN},
    {"trigger": "back", "source": ABOUT_PAGES, "dest": State.ABOUT},
    {"trigger": "back", "source": State.FORGET, "dest": State.PRIVACY},
]

#: Triggers whose button carries an argument (the language chosen).
TAKES_ARGUMENT = {"choose"}

COMMANDS = {
    "start": "main",
    "menu": "main",
    "help": "help",
    "language": "language",
    "privacy": "privacy",
    "forget": "forget",
    "visits": "my_visits",
}

MACHINE = Machine(
    model=None,
    states=State,
    transitions=TRANSITIONS,
    initial=State.MAIN,
    auto_transitions=False,
    send_event=True,
)


def typed_page(name: str, context: DialogContext) -> Reply:
    """The page a typed question belongs on: an About page, or for their own visits the
    customer entry (My visits, once the chat is linked to a case)."""
    state = known_state(name)
    if state is State.CUSTOMER and context.linked:
        return Reply(State.MY_VISITS.value, ())
    return _page_reply(state, context)


def small_talk(kind: str, context: DialogContext) -> Reply:
    """A short friendly answer to a greeting or thanks, with the main menu."""
    _ = context.translate
    menu = render(State.MAIN, context)
    return Reply(State.MAIN.value, (Screen(_(SMALL_TALK_ANSWERS[kind]), menu.rows),))


def step(stored_state: str, event: Event, context: DialogContext) -> Reply:
    """The menu's answer to one event in the stored state."""
    current = _state(stored_state) or State.MAIN
    match event:
        case Command(name=name) if name in COMMANDS:
            return _fire(current, COMMANDS[name], "", context) or _page_reply(current, context)
        case Command(name=name):
            help_page = render(State.HELP, context)
            notice = context.translate(
                NOTICES["command"], command="/" + html.escape(name[:32], quote=False)
            )
            screen = Screen(f"{notice}\n\n{help_page.text}", help_page.rows)
            return Reply(State.HELP.value, (screen,))
        case Press(data=data):
            return press(data, context) or outdated(current.value, context)
        case Text():
            raise ValueError("typed text is read by the advice dialog")
        case Unsupported(kind="edited"):
            return _notice_with_menu(NOTICES["edited"], context)
        case Unsupported():
            return _notice_with_menu(NOTICES["unsupported"], context)


def press(data: str, context: DialogContext) -> Reply | None:
    """The answer to a press of a menu button; None when the button is not valid."""
    pressed = _parse(data)
    return _fire(*pressed, context) if pressed else None


def outdated(stored_state: str, context: DialogContext) -> Reply:
    """The page the user is on, with a notice that the pressed button no longer works."""
    page = _page_reply(_state(stored_state) or State.MAIN, context)
    return Reply(page.state, page.screens, notice=context.translate(NOTICES["outdated"]))


def render(state: State, context: DialogContext) -> Screen:
    """The page of a state in the context's language, with its way back."""
    return context.page(state, lambda: _render(state, context))


def _render(state: State, context: DialogContext) -> Screen:
    _ = context.translate
    page = PAGES[state]
    links = [row for row in page.rows if context.linked or row[0].trigger != "my_visits"]
    rows = [
        tuple(
            Button(
                link.label if link.verbatim else _(link.label),
                _callback(state, link.trigger, link.argument),
            )
            for link in row
        )
        for row in links
    ]
    if page.url is not None:
        label, value_name = page.url
        rows.append((Button(_(label), url=context.values[value_name]),))
    back = machines.destination(MACHINE, state, "back", argument="")
    if back is not None:
        rows.append((Button(_(BACK), _callback(state, "back")),))
    if back not in (None, State.MAIN):
        rows.append((Button(_(MAIN_MENU), _callback(state, "main")),))
    if state is State.ERASED:
        rows.append((Button(_(MAIN_MENU), _callback(state, "main")),))
    return Screen(_(page.text, **context.values), tuple(rows))


def _fire(source: State, trigger: str, argument: str, context: DialogContext) -> Reply | None:
    destination = machines.destination(MACHINE, source, trigger, argument=argument)
    if destination is None:
        return None
    if trigger == "choose":
        chosen = context.in_language(argument)
        notice = chosen.translate(NOTICES["language"])
        page = _page_reply(destination, chosen)
        return Reply(page.state, page.screens, notice=notice, language=argument)
    page = _page_reply(destination, context)
    if destination is State.ERASED:
        return Reply(page.state, page.screens, erase=True)
    return page


def _page_reply(state: State, context: DialogContext) -> Reply:
    """A state's page; for a state another dialog shows (baby advice), no screen yet."""
    if state not in PAGES:
        return Reply(state.value, ())
    return Reply(state.value, (render(state, context),))


def _notice_with_menu(notice: str, context: DialogContext) -> Reply:
    _ = context.translate
    menu = render(State.MAIN, context)
    return Reply(State.MAIN.value, (Screen(_(notice), menu.rows),))


def _callback(state: State, trigger: str, argument: str = "") -> str:
    return f"{state.value}:{trigger}:{argument}" if argument else f"{state.value}:{trigger}"


def _parse(data: str) -> tuple[State, str, str] | None:
    """The page, trigger and argument a button carries; None for anything forged."""
    parts = data.split(":")
    if not 2 <= len(parts) <= 3:
        return None
    state = _state(parts[0])
    trigger = parts[1]
    argument = parts[2] if len(parts) == 3 else ""
    if state is None or not trigger.isidentifier() or trigger.startswith("_"):
        return None
    if bool(argument) != (trigger in TAKES_ARGUMENT):
        return None
    return state, trigger, argument


def known_state(value: str) -> State:
    """A stored state of the menu; an unknown one (from an older version) is the main menu."""
    return _state(value) or State.MAIN


def _state(value: str) -> State | None:
    try:
        return State(value)
    except ValueError:
        return None
