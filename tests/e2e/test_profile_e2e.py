"""The bot's profile in Telegram: command menus and descriptions per language."""

from __future__ import annotations

import pytest
from conftest import RunningBot

from bot.standin import BotApiStandIn


@pytest.mark.usefixtures("running_bot")
async def test_the_command_menu_is_registered_in_each_language(standin: BotApiStandIn) -> None:
    descriptions = {
        language: {c["command"]: c["description"] for c in standin.commands[language]}
        for language in ("fi", "sv", "en", "")
    }
    assert descriptions["fi"]["language"] == "Vaihda kieli"
    assert descriptions["sv"]["language"] == "Byt språk"
    assert descriptions["en"]["language"] == "Change the language"
    assert descriptions[""] == descriptions["en"], "other languages get the English menu"
    assert set(descriptions["fi"]) == {"start", "visits", "language", "privacy", "forget", "help"}
    assert descriptions["fi"]["visits"] == "Omat käynnit"
    assert "Helsingfors" in standin.descriptions["sv"]


async def test_a_failing_profile_call_does_not_stop_the_bot(
    standin: BotApiStandIn, running_bot: RunningBot
) -> None:
    await running_bot.stop()
    standin.fail_next("setMyCommands", 500, "Internal Server Error", times=10)
    standin.fail_next("setMyDescription", 400, "Bad Request: description is too long", times=10)
    await running_bot.start(standin)
    parent = standin.user(7001, language_code="en")
    parent.send_text("/start")
    await standin.wait_idle()
    assert "City of Helsinki" in parent.last_bot_message().text
