"""Mermaid diagrams of the dialogs, generated from their machines (`otbot diagram`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from transitions.extensions import GraphMachine

from bot.dialogs import advice, family, menu, menu_pages
from bot.domain import visit_status

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _chart(states: Any, transitions: Any, initial: Any, title: str, **options: Any) -> str:
    """A machine drawn as a Mermaid state diagram, without the styling of a "current" state
    (a diagram of the machine has none)."""
    machine = GraphMachine(
        states=states,
        transitions=transitions,
        initial=initial,
        auto_transitions=False,
        graph_engine="mermaid",
        title=title,
        **options,
    )
    chart = re.sub(r"Class (\w+) s_active", r"Class \1 s_default", machine.get_graph().draw(None))
    return f"```mermaid\n{chart.strip()}\n```\n"


def _from(anywhere: Any, transitions: list[dict[str, object]]) -> list[dict[str, object]]:
    """Transitions open from every state ("*"), drawn once, from `anywhere`."""
    return [{**t, "source": anywhere} if t["source"] == "*" else t for t in transitions]


def menu_diagram() -> str:
    """The menu's states and transitions; entries open from every page are drawn once,
    from the main menu."""
    transitions = _from(menu_pages.State.MAIN, menu.TRANSITIONS)
    chart = _chart(
        menu_pages.State, transitions, menu_pages.State.MAIN, "Main menu", show_conditions=True
    )
    return (
        "# The main menu dialog\n\n"
        "Generated from `bot/dialogs/menu.py` by `otbot diagram`; do not edit by hand.\n"
        "The commands and the main menu's entries (main, advice, about, customer, language,\n"
        "privacy, help, forget, my_visits) open their page from every page, not only from\n"
        "MAIN.\n\n" + chart
    )


def advice_diagram() -> str:
    """The baby advice's states; "go to a topic", "topics" and "main" work from every page
    and are drawn from the advice home only."""
    transitions = _from(advice.HOME, advice.TRANSITIONS)
    return (
        "# The baby advice dialog\n\n"
        "Generated from `bot/dialogs/advice.py` and `advice_texts.py` by `otbot diagram`;\n"
        'do not edit by hand. "main" is the main menu, shown by the menu dialog.\n\n'
        + _chart(advice.STATES, transitions, advice.HOME, "Baby advice")
    )


def visit_diagram() -> str:
    """A visit's statuses: what the scheduler, the family and staff can do to it."""
    chart = _chart(
        visit_status.Status,
        visit_status.TRANSITIONS,
        visit_status.Status.SCHEDULED,
        "A visit's status",
    )
    return (
        "# A visit's status\n\n"
        "Generated from `bot/domain/visit_status.py` by `otbot diagram`; do not edit by hand.\n"
        "`remind` is the scheduler sending the first reminder; `confirm`, `ask_another_time`\n"
        "and `cancel` are the family's buttons (staff cancel too); `move`, `book_again`,\n"
        "`mark_done` and `mark_no_show` are staff's `/visit` commands.\n\n" + chart
    )


def family_diagram() -> str:
    """The linked family's flow: a held message, the choice of child, the typed code."""
    transitions = _from(family.State.UNLINKED, family.TRANSITIONS)
    chart = _chart(
        family.State,
        transitions,
        family.State.UNLINKED,
        "A family's messages",
        show_conditions=True,
    )
    return (
        "# A linked family's messages\n\n"
        "Generated from `bot/dialogs/family.py` by `otbot diagram`; do not edit by hand.\n"
        "The state is read from the chat (its cases, the child chosen, the message held, the\n"
        "menu's page); `link` (a /start link with a code) works from every state and is drawn\n"
        "from UNLINKED only. Whatever has no transition here is the menu's dialogs'.\n\n" + chart
    )


DIAGRAMS = {
    "menu.md": menu_diagram,
    "advice.md": advice_diagram,
    "visits.md": visit_diagram,
    "family.md": family_diagram,
}


def write_diagrams(docs: Path = DOCS) -> list[Path]:
    docs.mkdir(exist_ok=True)
    written = []
    for name, draw in DIAGRAMS.items():
        path = docs / name
        path.write_text(draw(), encoding="utf-8")
        written.append(path)
    return written
