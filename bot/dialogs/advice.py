"""Baby advice: four topics by buttons, typed questions matched by word stems, and urgent
signs met first.

States are strings: "advice" (the topics), "advice.<topic>" (its questions) and
"advice.<topic>.<question>" (an answer). The content is data in `advice_texts`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from transitions import Machine

from bot import machines
from bot.dialogs import menu, menu_pages
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
from bot.domain.matching import BaseForms, Keywords, StemIndex, Weigher, parse, words
from bot.i18n import LANGUAGES

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


# Reading a typed message --------------------------------------------------------------------

#: The best topic or page is clear when it scores this much more than the next one.
CLEAR_LEAD = 4 / 3


@dataclass(frozen=True)
class Reading:
    """What a typed message is about."""

    urgent: bool
    exhausted: bool
    #: Topics and pages (`menu_pages.TYPED_PAGES`) that match, best first, with their scores.
    ranked: tuple[tuple[str, float], ...]
    #: The question of the best topic that matches best, if any does.
    question: Question | None
    #: "greeting" or "thanks" when the message is only that.
    small_talk: str | None = None

    @property
    def topics(self) -> tuple[tuple[Topic, float], ...]:
        """The advice topics that match, best first."""
        return tuple((TOPIC[name], s) for name, s in self.ranked if name in TOPIC)

    @property
    def best(self) -> str | None:
        """The best topic or page when it is clearly ahead of the next one."""
        if not self.ranked:
            return None
        if len(self.ranked) > 1 and self.ranked[1][1] * CLEAR_LEAD > self.ranked[0][1]:
            return None
        return self.ranked[0][0]

    @property
    def page(self) -> str | None:
        """The menu page that is clearly ahead of every topic; between pages, the more
        specific one (an About page before the general one)."""
        best = self.best
        if best is not None:
            return None if best in TOPIC else best
        if not self.ranked or self.ranked[0][0] in TOPIC:
            return None
        top = self.ranked[0][1]
        if any(score * CLEAR_LEAD > top for name, score in self.ranked if name in TOPIC):
            return None
        close = [name for name, score in self.ranked if score * CLEAR_LEAD > top]
        return max(close, key=lambda name: name.count("."))

    @property
    def clear_topic(self) -> Topic | None:
        """The best topic when it is clearly ahead of every other topic and page."""
        best = self.best
        return TOPIC.get(best) if best else None


@dataclass(frozen=True)
class _Vocabulary:
    """The keywords of every language, compiled once per dialog context."""

    urgent: Keywords
    exhausted: Keywords
    #: Topics and the menu pages parents ask about, by name.
    weigher: Weigher
    questions: dict[str, Keywords]
    small_talk: dict[str, Keywords]
    index: StemIndex


def read(text: str, context: DialogContext) -> Reading:
    """Screen a message for urgent signs and find the topics and question it is about."""
    vocabulary = _vocabulary(context)
    message = vocabulary.index.read(text, LANGUAGES)
    ranked = tuple(vocabulary.weigher.scores(message))
    question = None
    if ranked and ranked[0][0] in TOPIC:
        by_question = [
            (len(vocabulary.questions[q.key].matched(message)), q)
            for q in TOPIC[ranked[0][0]].questions
        ]
        count, best = max(by_question, key=lambda cq: cq[0])
        question = best if count > 0 else None
    small_talk = None
    weak = not ranked or ranked[0][1] < SMALL_TALK_BELOW
    if weak and len(message.by_word) <= SMALL_TALK_WORDS:
        small_talk = next(
            (kind for kind, kw in vocabulary.small_talk.items() if kw.matches(message)), None
        )
    return Reading(
        urgent=vocabulary.urgent.matches(message),
        exhausted=vocabulary.exhausted.matches(message),
        ranked=ranked,
        question=question,
        small_talk=small_talk,
    )


#: A greeting or thanks is answered as such only in a message this short.
SMALL_TALK_WORDS = 6
#: ... and when no topic or page scores this much.
SMALL_TALK_BELOW = 1.0


def prepare(context: DialogContext) -> None:
    """Compile the keywords now (a few seconds, once per process for the base forms), so
    that the first parent who types does not wait for it."""
    _vocabulary(context)


def _vocabulary(context: DialogContext) -> _Vocabulary:
    cached: _Vocabulary | None = context.memo.get(_Vocabulary)
    if cached is not None:
        return cached
    texts = [sign.keywords for sign in URGENT_SIGNS] + [EXHAUSTED.keywords]
    texts += [t.keywords for t in TOPICS] + [q.keywords for t in TOPICS for q in t.questions]
    texts += list(menu_pages.TYPED_PAGES.values()) + list(menu_pages.SMALL_TALK.values())
    keyword_words: dict[str, set[str]] = defaultdict(set)
    for language in LANGUAGES:
        for message in texts:
            keyword_words[language].update(words(context.translators[language](message)))
    forms = BaseForms(keyword_words)

    def compiled(message: str) -> Keywords:
        keywords = Keywords(())
        for language in LANGUAGES:
            translated = context.translators[language](message)
            keywords |= Keywords(parse(translated, language, forms))
        return keywords

    urgent = Keywords(())
    for sign in URGENT_SIGNS:
        urgent |= compiled(sign.keywords)
    questions = {q.key: compiled(q.keywords) for t in TOPICS for q in t.questions}
    lists: dict[str, tuple[Keywords, Keywords]] = {}
    for topic in TOPICS:
        own = keywords = compiled(topic.keywords)
        for question in topic.questions:
            keywords |= questions[question.key]
        lists[topic.key] = (own, keywords)
    for state, keyword_text in menu_pages.TYPED_PAGES.items():
        page = compiled(keyword_text)
        lists[state.value] = (page, page)
    small_talk = {
        kind: compiled(keyword_text) for kind, keyword_text in menu_pages.SMALL_TALK.items()
    }
    exhausted = compiled(EXHAUSTED.keywords)
    every = [keywords for _own, keywords in lists.values()]
    index = StemIndex([urgent, exhausted, *every, *small_talk.values()], forms)
    vocabulary = _Vocabulary(urgent, exhausted, Weigher(lists), questions, small_talk, index)
    context.memo[_Vocabulary] = vocabulary
    return vocabulary


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
