"""Baby advice: four topics by buttons, typed questions matched by word stems, and urgent
signs met first.

States are strings: "advice" (the topics), "advice.<topic>" (its questions) and
"advice.<topic>.<question>" (an answer). The content is data in `advice_texts`.
"""

from __future__ import annotations

from transitions import Machine

from bot import machines
from bot.dialogs import menu
from bot.dialogs.advice_reading import TOPIC, read
from bot.dialogs.advice_texts import (
    ADVICE_INTRO,
    NEXT_STEP,
    NOTHING_FOUND,
    SAFETY_NET,
    TOPICS,
    UNSURE,
    URGENT_ANSWER,
    Question,
    Topic,
)
from bot.dialogs.base import BACK, MAIN_MENU, Button, DialogContext, Press, Reply, Screen

HOME = "advice"
#: The main menu's state; the menu dialog shows it.
MAIN = "main"


def topic_state(topic: Topic) -> str:
    return f"{HOME}.{topic.key}"


def answer_state(topic: Topic, question: Question) -> str:
    return f"{HOME}.{topic.key}.{question.key}"


STATES = [HOME, MAIN] + [
    state
    for topic in TOPICS
    for state in (topic_state(topic), *(answer_state(topic, q) for q in topic.questions))
]


#: The answer for a parent at the end of their strength, shown whatever else they wrote.
COPING = f"{HOME}.crying.exhausted"
assert COPING in STATES, "advice_texts must keep the crying topic's 'exhausted' question"


def _transitions() -> list[dict[str, object]]:
    """From anywhere to a topic or the main menu; down to a question; back up one level."""
    transitions: list[dict[str, object]] = [
        {"trigger": "main", "source": "*", "dest": MAIN},
        {"trigger": "back", "source": HOME, "dest": MAIN},
    ]
    for topic in TOPICS:
        topic_page = topic_state(topic)
        transitions.append({"trigger": topic.key, "source": "*", "dest": topic_page})
        transitions.append({"trigger": "back", "source": topic_page, "dest": HOME})
        for question in topic.questions:
            answer = answer_state(topic, question)
            transitions.append({"trigger": question.key, "source": topic_page, "dest": answer})
            transitions.append({"trigger": "back", "source": answer, "dest": topic_page})
    return transitions


TRANSITIONS = _transitions()

MACHINE = Machine(
    model=None, states=STATES, transitions=TRANSITIONS, initial=HOME, auto_transitions=False
)


def owns(state: str) -> bool:
    return state == HOME or state.startswith(HOME + ".")


def step(stored_state: str, press: Press, context: DialogContext) -> Reply | None:
    del stored_state  # a button carries the state of the screen it is on
    """The answer to a press of an advice button; None when the button is not valid."""
    source, _, trigger = press.data.partition(":")
    if source not in STATES or source == MAIN or not trigger.isidentifier():
        return None
    destination = machines.destination(MACHINE, source, trigger)
    if destination is None:
        return None
    if destination == MAIN:
        return Reply(MAIN, ())
    return Reply(destination, (render(destination, context),))


def render(state: str, context: DialogContext) -> Screen:
    return context.page(state, lambda: _render(state, context))


def _render(state: str, context: DialogContext) -> Screen:
    _ = context.translate
    parts = state.split(".")
    if len(parts) == 1:
        topics = [(Button(_(t.label), f"{HOME}:{t.key}"),) for t in TOPICS]
        return Screen(_(ADVICE_INTRO), (*topics, (Button(_(MAIN_MENU), f"{HOME}:main"),)))
    topic = TOPIC[parts[1]]
    if len(parts) == 2:
        questions = [(Button(_(q.label), f"{state}:{q.key}"),) for q in topic.questions]
        text = f"<b>{_(topic.label)}</b>\n\n{_(topic.intro)}"
        return Screen(text, (*questions, (Button(_(BACK), f"{state}:back"),)))
    question = next(q for q in topic.questions if q.key == parts[2])
    text = "\n\n".join((_(question.answer), _(NEXT_STEP), _(SAFETY_NET)))
    others = [
        (Button(_(q.label), f"{topic_state(topic)}:{q.key}"),)
        for q in topic.questions
        if q is not question
    ]
    rows = (
        *others,
        (Button(_(BACK), f"{state}:back"),),
        (Button(_(MAIN_MENU), f"{state}:main"),),
    )
    return Screen(text, rows)


def on_text(text: str, context: DialogContext) -> Reply:
    """The answer to a typed message: urgent signs first, then a parent at the end of their
    strength, then the advice or page that matches."""
    _ = context.translate
    reading = read(text, context)
    screens: list[Screen] = []
    if reading.urgent:
        screens.append(Screen(_(URGENT_ANSWER)))
    if reading.exhausted:
        screens.append(render(COPING, context))
        return Reply(COPING, tuple(screens))
    best = reading.best
    topic = TOPIC.get(best) if best else None
    if topic is not None:
        state = answer_state(topic, reading.question) if reading.question else topic_state(topic)
        screens.append(render(state, context))
        return Reply(state, tuple(screens))
    if reading.urgent:
        return Reply(HOME, (Screen(_(URGENT_ANSWER), render(HOME, context).rows),))
    if reading.small_talk is not None:
        return menu.small_talk(reading.small_talk, context)
    if reading.page is not None:
        return menu.typed_page(reading.page, context)
    if reading.topics:
        likeliest = [(Button(_(t.label), f"{HOME}:{t.key}"),) for t, _score in reading.topics[:3]]
        rows = (*likeliest, (Button(_(MAIN_MENU), f"{HOME}:main"),))
        return Reply(HOME, (Screen(_(UNSURE), rows),))
    return Reply(HOME, (Screen(_(NOTHING_FOUND), render(HOME, context).rows),))


def urgent_screen(text: str, context: DialogContext) -> Screen | None:
    """The urgent screen (112, 116 117) in the context's language when a message holds an
    urgent sign in any of the three languages; None when it holds none.

    For a message the bot does not otherwise answer, such as a linked family's message
    relayed to their therapist: show this screen to the family at once, and tell the case's
    topic with `advice_texts.STAFF_URGENT_NOTICE`.
    """
    if not read(text, context).urgent:
        return None
    return Screen(context.translate(URGENT_ANSWER))
