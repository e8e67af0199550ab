"""Scoring the bot's reading of typed messages against a set of parents' phrasings.

`tests/data/heldout.json` is the held-out set: written before the keywords were tuned and
never used to tune them. `tests/data/phrasings.json` is the set the keywords are tuned on.
Both have the same parts: topics (text, topic), urgent (texts), coping (texts) and
offtopic (text, where it belongs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from bot import dialogs
from bot.dialogs import advice, menu_pages
from bot.dialogs.advice_texts import URGENT_ANSWER
from bot.dialogs.base import DialogContext, Reply, Text

DATA = Path(__file__).parent.parent / "data"


def load(name: str) -> dict[str, dict[str, list]]:
    data: dict[str, dict[str, list]] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def urgent_first(reply: Reply, context: DialogContext) -> bool:
    return bool(reply.screens) and reply.screens[0].text == context.translate(URGENT_ANSWER)


def lands_on(reply: Reply, where: str) -> bool:
    """Whether a reply shows the page a phrasing belongs on."""
    if where in ("crying", "eating", "sleeping", "senses"):
        return reply.state == f"advice.{where}" or reply.state.startswith(f"advice.{where}.")
    if where == "about":
        return reply.state == "about" or reply.state.startswith("about.")
    if where == "customer":
        return reply.state in ("customer", "visits")
    return reply.state == where


@dataclass
class Score:
    language: str
    right: int = 0
    offered: int = 0
    total: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    urgent: int = 0
    urgent_total: int = 0
    urgent_misses: list[str] = field(default_factory=list)
    coping: int = 0
    coping_total: int = 0
    coping_misses: list[str] = field(default_factory=list)
    offtopic: int = 0
    offtopic_total: int = 0
    offtopic_misses: list[tuple[str, str, str]] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    not_urgent_total: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0

    def line(self) -> str:
        return (
            f"{self.language}: topics {self.right}/{self.total} right ({self.accuracy:.1%}), "
            f"{self.offered} more offered among 2-3; urgent {self.urgent}/{self.urgent_total}; "
            f"coping {self.coping}/{self.coping_total}; off-topic "
            f"{self.offtopic}/{self.offtopic_total}; false alarms "
            f"{len(self.false_alarms)}/{self.not_urgent_total}"
        )


def small_talk_openings(context: DialogContext) -> dict[str, str]:
    """How the short answers to greetings and thanks begin, by kind."""
    return {kind: context.translate(text) for kind, text in menu_pages.SMALL_TALK_ANSWERS.items()}


def score(data: dict[str, dict[str, list]], context: DialogContext) -> Score:
    """How the bot answers every phrasing of a set in one language."""
    language = context.language
    result = Score(language)
    small_talk = small_talk_openings(context)

    def step(text: str) -> Reply:
        return dialogs.step("main", Text(text), context)

    def on_page(reply: Reply, where: str) -> bool:
        if where in small_talk:
            return reply.state == "main" and reply.screens[0].text.startswith(small_talk[where])
        return lands_on(reply, where)

    def step_not_urgent(text: str) -> Reply:
        """The reply to a phrasing with no urgent sign, counting a false alarm."""
        reply = step(text)
        result.not_urgent_total += 1
        if urgent_first(reply, context):
            result.false_alarms.append(text)
        return reply

    for text, topic in data["topics"][language]:
        reply = step_not_urgent(text)
        result.total += 1
        if on_page(reply, topic):
            result.right += 1
        else:
            offered = {b.data for s in reply.screens for row in s.rows for b in row if b.data}
            if reply.state == "advice" and f"advice:{topic}" in offered and len(offered) <= 4:
                result.offered += 1
            result.misses.append((text, topic, reply.state))
    for text in data["urgent"][language]:
        result.urgent_total += 1
        if urgent_first(step(text), context):
            result.urgent += 1
        else:
            result.urgent_misses.append(text)
    for text in data["coping"][language]:
        reply = step_not_urgent(text)
        result.coping_total += 1
        if reply.state == advice.COPING:
            result.coping += 1
        else:
            result.coping_misses.append(text)
    for text, where in data["offtopic"][language]:
        reply = step_not_urgent(text)
        result.offtopic_total += 1
        if on_page(reply, where):
            result.offtopic += 1
        else:
            result.offtopic_misses.append((text, where, reply.state))
    return result
