"""Baby advice: every topic by buttons, typed questions matched, urgent signs never missed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support import understanding

from bot import dialogs
from bot.catalogs import extract
from bot.dialogs import advice_reading
from bot.dialogs.advice_texts import SAFETY_NET, TOPICS, URGENT_ANSWER
from bot.dialogs.base import DialogContext, Press, Reply, Text
from bot.i18n import LANGUAGES

Context = Callable[[str], DialogContext]
PHRASINGS = json.loads(
    (Path(__file__).parent.parent / "data" / "phrasings.json").read_text(encoding="utf-8")
)
#: The share of the parents' phrasings that must find their topic, in every language.
REQUIRED_ACCURACY = 0.9


def press(reply: Reply, label: str, context: DialogContext) -> Reply:
    for row in reply.screens[-1].rows:
        for button in row:
            if button.label == label and button.data:
                return dialogs.step(reply.state, Press(button.data), context)
    raise AssertionError(f"no button {label!r} on {reply.state}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_topic_and_question_is_reachable_by_buttons(
    language: str, dialog_context: Context
) -> None:
    context = dialog_context(language)
    _ = context.translate
    start = dialogs.step("main", Press("main:advice"), context)
    assert start.state == "advice"
    for topic in TOPICS:
        topic_page = press(start, _(topic.label), context)
        assert topic_page.state == f"advice.{topic.key}"
        for question in topic.questions:
            answer = press(topic_page, _(question.label), context)
            assert answer.state == f"advice.{topic.key}.{question.key}"
            text = answer.screens[0].text
            assert text.startswith(_(question.answer))
            assert text.endswith(_(SAFETY_NET)), "every answer ends with the safety net"
            assert "112" in text
            assert "116 117" in text
            labels = [b.label for row in answer.screens[0].rows for b in row]
            assert _("Main menu") in labels
        back = press(topic_page, _("« Back"), context)
        assert back.state == "advice"
    assert press(start, _("Main menu"), context).state == "main"


def topic_of(text: str, context: DialogContext) -> str | None:
    topic = advice_reading.read(text, context).clear_topic
    return topic.key if topic else None


@pytest.mark.parametrize("language", LANGUAGES)
def test_parents_phrasings_find_their_topic(language: str, dialog_context: Context) -> None:
    """The phrasings the keywords are tuned on (the held-out ones: test_understanding)."""
    context = dialog_context(language)
    result = understanding.score(PHRASINGS, context)
    print(result.line())
    assert result.total >= 40
    assert result.accuracy >= REQUIRED_ACCURACY, result.misses
    assert result.urgent_misses == []
    assert result.coping_misses == []
    assert result.false_alarms == []
    assert result.offtopic >= 0.8 * result.offtopic_total, result.offtopic_misses


@pytest.mark.parametrize("language", LANGUAGES)
def test_urgent_signs_are_answered_first_with_112(language: str, dialog_context: Context) -> None:
    context = dialog_context(language)
    for text in PHRASINGS["urgent"][language]:
        reply = dialogs.step("main", Text(text), context)
        first = reply.screens[0].text
        assert first == context.translate(URGENT_ANSWER), text
        assert "112" in first
        assert "116 117" in first


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_exhausted_parent_gets_coping_advice_and_numbers(
    language: str, dialog_context: Context
) -> None:
    context = dialog_context(language)
    for text in PHRASINGS["coping"][language]:
        reply = dialogs.step("main", Text(text), context)
        assert advice_reading.read(text, context).exhausted, text
        assert reply.state == "advice.crying.exhausted", text
        assert any("112" in screen.text for screen in reply.screens)


@pytest.mark.parametrize("language", LANGUAGES)
def test_ordinary_worries_are_not_treated_as_urgent(
    language: str, dialog_context: Context
) -> None:
    context = dialog_context(language)
    for text in PHRASINGS["ordinary"][language]:
        reading = advice_reading.read(text, context)
        assert not reading.urgent, text
        assert not reading.exhausted, text


def test_unknown_text_says_so_and_shows_the_topics(dialog_context: Context) -> None:
    reply = dialogs.step("main", Text("qwerty zxcvb"), dialog_context("en"))
    assert reply.state == "advice"
    labels = [b.label for row in reply.screens[0].rows for b in row]
    assert len(labels) == len(TOPICS) + 1


def test_an_unsure_match_offers_the_likeliest_topics(dialog_context: Context) -> None:
    reply = dialogs.step("main", Text("baby cries and won't sleep"), dialog_context("en"))
    labels = [b.label for row in reply.screens[0].rows for b in row]
    assert reply.state == "advice"
    assert 2 <= len(labels) <= 4


def test_every_answer_names_its_source_for_reviewers() -> None:
    answers = {q.answer for t in TOPICS for q in t.questions}
    for message in extract():
        if message.id in answers:
            assert any(c.startswith("source:") for c in message.auto_comments), message.id[:60]


@pytest.mark.parametrize(
    "text",
    [
        "vauvalla on liian kuuma yöllä",  # kuuma (hot) is not kuume (fever)
        "vauva kuulee huonosti",
        "det är en kamp varje kväll",  # kamp is not kramp
        "my baby screams every evening",  # every is not fever
        "she never sleeps in the day",
    ],
)
def test_words_near_an_urgent_sign_raise_no_alarm(text: str, dialog_context: Context) -> None:
    assert not advice_reading.read(text, dialog_context("en")).urgent
