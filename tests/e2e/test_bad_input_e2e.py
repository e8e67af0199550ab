"""Stickers, photos, huge texts, forged buttons, strangers' groups: a clear answer, no crash."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from conftest import RunningBot

from bot.config import Settings
from bot.dialogs.advice_texts import NOTHING_FOUND
from bot.dialogs.menu_pages import NOTICES
from bot.i18n import Translator
from bot.standin import BotApiStandIn

pytestmark = pytest.mark.usefixtures("running_bot")


def plain(html: str) -> str:
    """A text as Telegram shows it: without its HTML tags."""
    return (
        re.sub(r"<[^>]+>", "", html)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


@pytest.mark.parametrize(
    ("send", "notice"),
    [
        (lambda p: p.send_sticker(), "unsupported"),
        (lambda p: p.send_photo(caption="katso"), "unsupported"),
        (lambda p: p.send_voice(), "unsupported"),
        (lambda p: p.send_location(), "unsupported"),
        (lambda p: p.send_document(), "unsupported"),
        (lambda p: p.send_video(), "unsupported"),
        (lambda p: p.send_text("a" * 4096), "nothing found"),
        (lambda p: p.send_text("👶🏽‍🍼 ⁦‮ ̸̢̧͇̈ z̷͉̔ä\u200b\ufeff <b> &amp"), "nothing found"),
        (lambda p: p.send_text("/"), "nothing found"),
    ],
)
async def test_a_parent_gets_a_friendly_answer_in_their_language(
    standin: BotApiStandIn,
    send: Callable[[Any], object],
    notice: str,
    translators: dict[str, Translator],
) -> None:
    parent = standin.user(3001, language_code="fi")
    send(parent)
    await standin.wait_idle()
    answer = parent.last_bot_message()
    expected = NOTHING_FOUND if notice == "nothing found" else NOTICES[notice]
    assert plain(translators["fi"](expected)) == answer.text
    assert answer.buttons(), "the answer offers the menu"


async def test_an_unknown_command_is_named_and_the_known_ones_listed(
    standin: BotApiStandIn,
) -> None:
    parent = standin.user(3009, language_code="en")
    parent.send_text("/doesnotexist <now>")
    await standin.wait_idle()
    text = parent.last_bot_message().text
    assert "I do not know the command /doesnotexist." in text
    assert "/privacy" in text


async def test_an_edited_message_is_answered(
    standin: BotApiStandIn, translators: dict[str, Translator]
) -> None:
    parent = standin.user(3002, language_code="sv")
    sent = parent.send_text("hej")
    await standin.wait_idle()
    parent.edit_text(sent["message_id"], "hej igen")
    await standin.wait_idle()
    assert plain(translators["sv"](NOTICES["edited"])) == parent.last_bot_message().text


@pytest.mark.parametrize(
    "data", ["", "nonsense", "main:erase", "language:choose:xx", "forget:erase:now", "a" * 64]
)
async def test_forged_button_data_is_answered_and_changes_nothing(
    standin: BotApiStandIn, data: str, translators: dict[str, Translator]
) -> None:
    parent = standin.user(3003, language_code="en")
    parent.send_text("/start")
    await standin.wait_idle()
    screen = parent.last_bot_message()
    parent.press(screen.message_id, data, check=False)  # a forged press
    await standin.wait_idle()
    answer = standin.calls_to("answerCallbackQuery")[-1]
    assert (
        answer.params.get("text") == "That button is no longer in use. Here is where you are now."
    )
    assert parent.last_bot_message().text == screen.text
    parent.send_text("/start")
    await standin.wait_idle()
    assert "City of Helsinki" in parent.last_bot_message().text


async def test_a_button_pressed_twice_is_answered_both_times(standin: BotApiStandIn) -> None:
    parent = standin.user(3004, language_code="en")
    parent.send_text("/start")
    await standin.wait_idle()
    screen = parent.last_bot_message().message_id
    about = parent.button("About occupational")
    parent.press(screen, about)
    parent.press(screen, about)
    await standin.wait_idle()
    assert len(standin.calls_to("answerCallbackQuery")) == 2
    assert len(parent.bot_messages()) == 1
    assert len(standin.calls_to("editMessageText")) == 1, "the second would change nothing"


async def test_a_parent_who_blocked_the_bot_does_not_stop_it(standin: BotApiStandIn) -> None:
    gone = standin.user(3005, language_code="en")
    gone.block_bot()
    gone.send_text("/start")
    other = standin.user(3006, language_code="en")
    other.send_text("/start")
    await standin.wait_idle()
    assert "City of Helsinki" in other.last_bot_message().text


async def test_the_bot_leaves_a_strangers_group_and_tells_its_id_when_unconfigured(
    standin: BotApiStandIn,
) -> None:
    stranger = standin.user(3007, language_code="en")
    group = standin.group(-100777, "Family chat")
    group.add_bot(stranger.user)
    await standin.wait_idle()
    told = [c for c in standin.calls_to("sendMessage") if c.params["chat_id"] == -100777]
    assert "OTBOT_STAFF_CHAT_ID=-100777" in told[0].params["text"]
    assert "ryhmän" in told[0].params["text"], "in OTBOT_STAFF_LANGUAGE, not the adder's"
    assert standin.calls_to("leaveChat")[0].params["chat_id"] == -100777


async def test_a_configured_bot_leaves_other_groups_without_a_word(
    standin: BotApiStandIn, running_bot: RunningBot, make_settings: Callable[..., Settings]
) -> None:
    await running_bot.stop()
    running_bot.settings = make_settings(staff_chat_id=-100555)
    await running_bot.start(standin)
    stranger = standin.user(3008, language_code="en")
    standin.group(-100555, "Staff", forum=True)
    group = standin.group(-100888, "Another group")
    group.add_bot(stranger.user)
    group.send_text(stranger, "hello bot")
    await standin.wait_idle()
    assert all(c.params["chat_id"] != -100888 for c in standin.calls_to("sendMessage"))
    assert {c.params["chat_id"] for c in standin.calls_to("leaveChat")} == {-100888}
