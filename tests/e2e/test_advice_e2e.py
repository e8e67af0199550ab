"""A parent asks for baby advice through the real bot."""

from __future__ import annotations

import pytest

from bot.dialogs.advice_texts import SAFETY_NET, TOPICS, URGENT_ANSWER
from bot.i18n import Translator
from bot.standin import BotApiStandIn

pytestmark = pytest.mark.usefixtures("running_bot")


def plain(html: str) -> str:
    return html.replace("<b>", "").replace("</b>", "")


async def test_a_typed_question_gets_the_answer_in_swedish(
    standin: BotApiStandIn, translators: dict[str, Translator]
) -> None:
    parent = standin.user(8001, language_code="sv")
    parent.send_text("bebisen vill inte äta, vad gör jag")
    await standin.wait_idle()
    answer = parent.last_bot_message().text
    eating = next(t for t in TOPICS if t.key == "eating")
    sv = translators["sv"]
    shown = [plain(sv(q.answer)) for q in eating.questions] + [plain(sv(eating.label))]
    assert any(part in answer for part in shown), answer


async def test_an_urgent_sign_is_the_first_thing_the_bot_says(
    standin: BotApiStandIn, translators: dict[str, Translator]
) -> None:
    parent = standin.user(8002, language_code="fi")
    parent.send_text("2kk vauvalla kuumetta 38,4 ja itkee")
    await standin.wait_idle()
    first = parent.bot_messages()[0].text
    assert first == plain(translators["fi"](URGENT_ANSWER))
    assert "112" in first


async def test_advice_by_buttons_edits_one_message(
    standin: BotApiStandIn, translators: dict[str, Translator]
) -> None:
    parent = standin.user(8003, language_code="en")
    parent.send_text("/start")
    await standin.wait_idle()
    parent.tap("Baby advice")
    await standin.wait_idle()
    crying = next(t for t in TOPICS if t.key == "crying")
    parent.tap(crying.label)
    await standin.wait_idle()
    parent.tap(crying.questions[1].label)
    await standin.wait_idle()
    answer = parent.last_bot_message().text
    assert answer.endswith(plain(SAFETY_NET))
    assert len(parent.bot_messages()) == 1
