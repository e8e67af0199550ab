"""Reading a typed message: urgent signs, a parent at the end of their strength, and the
advice topics, questions and menu pages it is about, with the keywords of all three
languages compiled once per dialog context."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.dialogs import menu_pages
from bot.dialogs.advice_texts import (
    EXHAUSTED,
    TOPICS,
    URGENT_SIGNS,
    Question,
    Topic,
)
from bot.dialogs.base import DialogContext
from bot.domain.base_forms import BaseForms
from bot.domain.matching import Keywords, StemIndex, Weigher, parse
from bot.domain.words import words
from bot.i18n import LANGUAGES

#: The advice topics by key.
TOPIC = {topic.key: topic for topic in TOPICS}

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
