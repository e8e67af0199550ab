"""Mermaid diagrams of the dialogs, generated from their machines (`otbot diagram`)."""

from __future__ import annotations

from pathlib import Path

from transitions.extensions import GraphMachine

from bot import visits
from bot.dialogs import advice, menu

DOCS = Path(__file__).resolve().parent.parent / "docs"


def menu_diagram() -> str:
    """The menu's states and transitions; entries open from every page are drawn once,
    from the main menu."""
    transitions = [
        {**t, "source": menu.State.MAIN} if t["source"] == "*" else t for t in menu.TRANSITIONS
    ]
    machine = GraphMachine(
        states=menu.State,
        transitions=transitions,
        initial=menu.State.MAIN,
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
        title="Main menu",
    )
    chart = str(machine.get_graph().draw(None))
    # Drop the styling of the "current" state: a diagram of the dialog has none.
    chart = chart.replace("Class MAIN s_active", "Class MAIN s_default")
    return (
        "# The main menu dialog\n\n"
        "Generated from `bot/dialogs/menu.py` by `otbot diagram`; do not edit by hand.\n"
        "The commands and the main menu's entries (main, advice, about, customer, language,\n"
        "privacy, help, forget) open their page from every page, not only from MAIN.\n\n"
        f"```mermaid\n{chart.strip()}\n```\n"
    )


def advice_diagram() -> str:
    """The baby advice's states; "go to a topic", "topics" and "main" work from every page
    and are drawn from the advice home only."""
    transitions = [
        {**t, "source": advice.HOME} if t["source"] == "*" else t for t in advice.TRANSITIONS
    ]
    machine = GraphMachine(
        states=advice.STATES,
        transitions=transitions,
        initial=advice.HOME,
        auto_transitions=False,
        graph_engine="mermaid",
        title="Baby advice",
    )
    chart = str(machine.get_graph().draw(None)).replace("s_active", "s_default")
    return (
        "# The baby advice dialog\n\n"
        "Generated from `bot/dialogs/advice.py` and `advice_texts.py` by `otbot diagram`;\n"
        'do not edit by hand. "main" is the main menu, shown by the menu dialog.\n\n'
        f"```mermaid\n{chart.strip()}\n```\n"
    )


def visit_diagram() -> str:
    """A visit's statuses: what the scheduler, the family and staff can do to it."""
    machine = GraphMachine(
        states=visits.Status,
        transitions=visits.TRANSITIONS,
        initial=visits.Status.SCHEDULED,
        auto_transitions=False,
        graph_engine="mermaid",
        title="A visit's status",
    )
    chart = str(machine.get_graph().draw(None))
    chart = chart.replace("Class SCHEDULED s_active", "Class SCHEDULED s_default")
    return (
        "# A visit's status\n\n"
        "Generated from `bot/visits.py` by `otbot diagram`; do not edit by hand.\n"
        "`remind` is the scheduler sending the first reminder; `confirm`, `ask_another_time`\n"
        "and `cancel` are the family's buttons (staff cancel too); `move`, `book_again`,\n"
        "`mark_done` and `mark_no_show` are staff's `/visit` commands.\n\n"
        f"```mermaid\n{chart.strip()}\n```\n"
    )


DIAGRAMS = {"menu.md": menu_diagram, "advice.md": advice_diagram, "visits.md": visit_diagram}


def write_diagrams(docs: Path = DOCS) -> list[Path]:
    docs.mkdir(exist_ok=True)
    written = []
    for name, draw in DIAGRAMS.items():
        path = docs / name
        path.write_text(draw(), encoding="utf-8")
        written.append(path)
    return written
