"""Every screen the bot can show, made by the dialogs themselves from fixed sample data.

A scene is one moment of a conversation: what a parent (or the staff group) sees after one
event. Each scene is a function of a dialog context, so the preview can render it in every
language and note which catalog texts it used. Texts that are no screen at all (the keyword
lists the bot matches typed messages with) are listed in `not_screens`.
"""

from __future__ import annotations

from babel.messages.catalog import Catalog

from bot.dialogs import menu_pages
from bot.dialogs.advice_texts import (
    EXHAUSTED,
    TOPICS,
    URGENT_SIGNS,
)
from bot.preview.family_scenes import advice_scenes, customer_scenes, menu_scenes, typed_scenes
from bot.preview.scene_kit import Scene
from bot.preview.staff_scenes import staff_scenes
from bot.preview.visit_scenes import notice_scenes, visit_scenes


def all_scenes(template: Catalog) -> list[Scene]:
    return [
        *menu_scenes(),
        *advice_scenes(),
        *typed_scenes(),
        *customer_scenes(),
        *visit_scenes(),
        *notice_scenes(),
        *staff_scenes(template),
    ]


def not_screens() -> dict[str, str]:
    """Catalog texts that are no screen, with why: the keyword lists typed messages are read
    with."""
    lists = {sign.keywords: f"keywords: urgent sign {sign.key}" for sign in URGENT_SIGNS}
    lists[EXHAUSTED.keywords] = "keywords: a parent at the end of their strength"
    for topic in TOPICS:
        lists[topic.keywords] = f"keywords: topic {topic.key}"
        for question in topic.questions:
            lists[question.keywords] = f"keywords: {topic.key}, {question.key}"
    for state, text in menu_pages.TYPED_PAGES.items():
        lists[text] = f"keywords: page {state.value}"
    for kind, text in menu_pages.SMALL_TALK.items():
        lists[text] = f"keywords: {kind}"
    return lists
