"""The scenes of a parent's chat: the menu, baby advice, typed messages and customer services."""

from __future__ import annotations

from collections.abc import Callable

from bot.dialogs import advice, customer, menu, menu_pages
from bot.dialogs.advice_texts import (
    NOTHING_FOUND,
    TOPICS,
    UNSURE,
    URGENT_ANSWER,
)
from bot.dialogs.base import (
    MAIN_MENU,
    Button,
    DialogContext,
    Press,
    Screen,
)
from bot.preview.scene_kit import (
    Scene,
    Shown,
    link_outcome_scene,
    messages,
    page_scene,
    reply_scene,
)


def menu_scenes() -> list[Scene]:
    section = "Main menu"
    scenes = [
        Scene("main", section, "The welcome and main menu (/start)", page_scene("main")),
        Scene(
            "main.linked",
            section,
            "The main menu of a family linked to a case",
            page_scene("main", is_linked=True),
        ),
        Scene("language", section, "The choice of language (/language)", page_scene("language")),
        Scene(
            "language.chosen",
            section,
            "After choosing a language: the pop-up and the main menu",
            reply_scene("language", lambda context: Press(f"language:choose:{context.language}")),
        ),
        Scene("help", section, "The commands (/help)", page_scene("help")),
        Scene("privacy", section, "Privacy (/privacy)", page_scene("privacy")),
        Scene("forget", section, "Erase your data? (/forget)", page_scene("forget")),
        Scene(
            "erased",
            section,
            "After erasing",
            reply_scene("forget", Press("forget:erase")),
        ),
    ]
    about = "About occupational therapy"
    scenes.append(Scene("about", about, "About occupational therapy", page_scene("about")))
    for state in menu_pages.ABOUT_PAGES:
        title = f"About: {state.value.split('.')[1]}"
        scenes.append(Scene(state.value, about, title, page_scene(state.value)))
    return scenes


def advice_scenes() -> list[Scene]:
    section = "Baby advice"
    scenes = [Scene("advice", section, "The advice topics", page_scene(advice.HOME))]
    for topic in TOPICS:
        state = advice.topic_state(topic)
        scenes.append(Scene(state, section, f"Topic: {topic.key}", page_scene(state)))
        for question in topic.questions:
            answer = advice.answer_state(topic, question)
            title = f"Answer: {topic.key}, {question.key}"
            scenes.append(Scene(answer, section, title, page_scene(answer)))
    return scenes


def typed_scenes() -> list[Scene]:
    """The answers to typed messages, composed as `advice.on_text` composes them."""
    section = "Typed messages"

    def urgent(context: DialogContext) -> list[Shown]:
        home = advice.render(advice.HOME, context)
        return messages(Screen(context.translate(URGENT_ANSWER), home.rows))

    def urgent_and_topic(context: DialogContext) -> list[Shown]:
        return [
            Shown(context.translate(URGENT_ANSWER)),
            *messages(advice.render(advice.topic_state(TOPICS[0]), context)),
        ]

    def coping(context: DialogContext) -> list[Shown]:
        return messages(advice.render(advice.COPING, context))

    def not_understood(context: DialogContext) -> list[Shown]:
        home = advice.render(advice.HOME, context)
        return messages(Screen(context.translate(NOTHING_FOUND), home.rows))

    def unsure(context: DialogContext) -> list[Shown]:
        _ = context.translate
        likeliest = [(Button(_(t.label), f"{advice.HOME}:{t.key}"),) for t in TOPICS[:3]]
        rows = (*likeliest, (Button(_(MAIN_MENU), f"{advice.HOME}:main"),))
        return messages(Screen(_(UNSURE), tuple(rows)))

    def small_talk(kind: str) -> Callable[[DialogContext], list[Shown]]:
        return lambda context: messages(*menu.small_talk(kind, context).screens)

    return [
        Scene("typed.urgent", section, "A message with an urgent sign", urgent),
        Scene(
            "typed.urgent_topic",
            section,
            "An urgent sign in a question on a topic: the urgent screen, then the topic",
            urgent_and_topic,
        ),
        Scene("typed.coping", section, "A parent at the end of their strength", coping),
        Scene(
            "typed.not_understood", section, "A message the bot did not understand", not_understood
        ),
        Scene("typed.unsure", section, "A message that could mean several topics", unsure),
        Scene("typed.greeting", section, "A greeting alone", small_talk("greeting")),
        Scene("typed.thanks", section, "Thanks alone", small_talk("thanks")),
    ]


def customer_scenes() -> list[Scene]:
    section = "Customers and linking"
    scenes = [
        Scene("customer", section, "I'm already a customer", page_scene("customer")),
        Scene("customer.code", section, "The code prompt", page_scene("customer.code")),
    ]
    for outcome in customer.OUTCOMES:
        scenes.append(
            Scene(
                f"link.{outcome.replace(' ', '_')}",
                section,
                f"After a code: {outcome}",
                link_outcome_scene(outcome),
            )
        )
    return scenes
