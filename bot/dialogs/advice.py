"""Baby advice: four topics by buttons, typed questions matched by word stems, and urgent
signs met first.

States are strings: "advice" (the topics), "advice.<topic>" (its questions) and
"advice.<topic>.<question>" (an answer). The content is data in `advice_texts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from transitions import Machine

from bot.dialogs import base
from bot.dialogs.advice_texts import (
    ADVICE_INTRO,
    EXHAUSTED,
    NEXT_STEP,
    NOTHING_FOUND,
    SAFETY_NET,
    TOPICS,
    UNSURE,
    URGENT_ANSWER,
    URGENT_SIGNS,
    Question,
    Topic,
)
from bot.dialogs.base import BACK, MAIN_MENU, Button, DialogContext, Press, Reply, Screen
from bot.i18n import LANGUAGES
from bot.matching import Keywords, StemIndex, stems

HOME = "advice"
#: The main menu's state; the menu dialog shows it.
MAIN = "main"

TOPIC = {topic.key: topic for topic in TOPICS}


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
    destination = base.destination(MACHINE, source, trigger)
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


# Reading a typed message --------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What a typed message is about."""

    urgent: bool
    exhausted: bool
    #: Topics that match, best first, with their scores.
    topics: tuple[tuple[Topic, int], ...]
    #: The question of the best topic that matches best, if any does.
    question: Question | None

    @property
    def clear_topic(self) -> Topic | None:
        """The best topic when it is clearly ahead of the next one."""
        if not self.topics:
            return None
        if len(self.topics) > 1 and self.topics[1][1] * 4 >= self.topics[0][1] * 3:
            return None
        return self.topics[0][0]


@dataclass(frozen=True)
class _Vocabulary:
    """The keywords of every language, compiled once per dialog context."""

    urgent: Keywords
    exhausted: Keywords
    topics: tuple[tuple[Topic, Keywords], ...]
    questions: dict[str, Keywords]
    index: StemIndex


def read(text: str, context: DialogContext) -> Reading:
    """Screen a message for urgent signs and find the topics and question it is about."""
    vocabulary = _vocabulary(context)
    message = vocabulary.index.found(stems(text, LANGUAGES))
    scores = [(topic, keywords.score(message)) for topic, keywords in vocabulary.topics]
    ranked = tuple(sorted(((t, s) for t, s in scores if s > 0), key=lambda ts: -ts[1]))
    question = None
    if ranked:
        by_question = [
            (vocabulary.questions[q.key].score(message), q) for q in ranked[0][0].questions
        ]
        score, best = max(by_question, key=lambda sq: sq[0])
        question = best if score > 0 else None
    return Reading(
        urgent=vocabulary.urgent.score(message) > 0,
        exhausted=vocabulary.exhausted.score(message) > 0,
        topics=ranked,
        question=question,
    )


def _vocabulary(context: DialogContext) -> _Vocabulary:
    cached: _Vocabulary | None = context.memo.get(_Vocabulary)
    if cached is not None:
        return cached

    def compiled(message: str) -> Keywords:
        keywords = Keywords(())
        for language in LANGUAGES:
            keywords |= Keywords.parse(context.translators[language](message), language)
        return keywords

    urgent = Keywords(())
    for sign in URGENT_SIGNS:
        urgent |= compiled(sign.keywords)
    questions = {q.key: compiled(q.keywords) for t in TOPICS for q in t.questions}
    topics = []
    for topic in TOPICS:
        keywords = compiled(topic.keywords)
        for question in topic.questions:
            keywords |= questions[question.key]
        topics.append((topic, keywords))
    exhausted = compiled(EXHAUSTED.keywords)
    index = StemIndex([urgent, exhausted, *(keywords for _topic, keywords in topics)])
    vocabulary = _Vocabulary(urgent, exhausted, tuple(topics), questions, index)
    context.memo[_Vocabulary] = vocabulary
    return vocabulary


def on_text(text: str, context: DialogContext) -> Reply:
    """The answer to a typed message: urgent signs first, then the advice that matches."""
    _ = context.translate
    reading = read(text, context)
    screens: list[Screen] = []
    if reading.urgent:
        screens.append(Screen(_(URGENT_ANSWER)))
    if reading.exhausted:
        screens.append(render(COPING, context))
        return Reply(COPING, tuple(screens))
    topic = reading.clear_topic
    if topic is not None:
        state = answer_state(topic, reading.question) if reading.question else topic_state(topic)
        screens.append(render(state, context))
        return Reply(state, tuple(screens))
    if reading.urgent:
        return Reply(HOME, (Screen(_(URGENT_ANSWER), render(HOME, context).rows),))
    if reading.topics:
        likeliest = [(Button(_(t.label), f"{HOME}:{t.key}"),) for t, _score in reading.topics[:3]]
        rows = (*likeliest, (Button(_(MAIN_MENU), f"{HOME}:main"),))
        return Reply(HOME, (Screen(_(UNSURE), rows),))
    return Reply(HOME, (Screen(_(NOTHING_FOUND), render(HOME, context).rows),))
