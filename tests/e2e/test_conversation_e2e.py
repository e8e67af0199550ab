"""A parent talks to the real bot over HTTP, against the Bot API stand-in."""

from __future__ import annotations

import pytest
from conftest import RunningBot

from bot.dialogs import advice, menu_pages
from bot.standin import BotApiStandIn

pytestmark = pytest.mark.usefixtures("running_bot")

WELCOME = {
    "fi": "Helsingin kaupungin",
    "sv": "Helsingfors stads",
    "en": "City of Helsinki",
}


async def ask(standin: BotApiStandIn, action: object) -> None:
    """Let the bot handle what was just sent or pressed."""
    del action
    await standin.wait_idle()


@pytest.mark.parametrize(
    ("client_language", "expected"),
    [
        ("fi", "fi"),
        ("sv", "sv"),
        ("en", "en"),
        ("en-GB", "en"),
        ("sv-FI", "sv"),
        ("de", "en"),
        (None, "en"),
    ],
)
async def test_start_greets_in_the_language_of_the_telegram_client(
    standin: BotApiStandIn, client_language: str | None, expected: str
) -> None:
    parent = standin.user(1001, language_code=client_language)
    await ask(standin, parent.send_text("/start"))
    welcome = parent.last_bot_message()
    assert WELCOME[expected] in welcome.text
    assert len(welcome.buttons()) == 5


async def test_menu_buttons_edit_the_screen_in_place_and_are_answered(
    standin: BotApiStandIn,
) -> None:
    parent = standin.user(1002, language_code="en")
    await ask(standin, parent.send_text("/start"))
    screen = parent.last_bot_message()
    await ask(standin, parent.press(screen.message_id, parent.button("About occupational")))
    await ask(standin, parent.press(screen.message_id, parent.button("How the visits go")))
    await ask(standin, parent.press(screen.message_id, parent.button("Back")))
    await ask(standin, parent.press(screen.message_id, parent.button("Back")))
    assert len(parent.bot_messages()) == 1, "presses must not pile up messages"
    assert "City of Helsinki" in parent.last_bot_message().text
    presses = len(standin.calls_to("answerCallbackQuery"))
    assert presses == 4, "every press is answered"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_every_screen_is_reachable_by_buttons(standin: BotApiStandIn, language: str) -> None:
    parent = standin.user(2000, language_code=language)
    await ask(standin, parent.send_text("/start"))
    screen = parent.last_bot_message().message_id
    texts = {parent.last_bot_message().text}
    pressed: set[str] = set()
    waiting = [data for _, data in parent.last_bot_message().buttons() if data]
    while waiting:
        data = waiting.pop()
        if data in pressed or data.endswith((":erase", ":choose:fi", ":choose:sv", ":choose:en")):
            continue
        pressed.add(data)
        # A button of an earlier screen of this message: the bot accepts those too.
        await ask(standin, parent.press(screen, data, check=False))
        texts.add(parent.last_bot_message().text)
        waiting += [data for _, data in parent.last_bot_message().buttons() if data]
    # Every menu page but the one after erasing, which the walk does not press, and the help,
    # which /help opens; and every advice page.
    advice_pages = [state for state in advice.STATES if advice.owns(state)]
    assert len(texts) == len(menu_pages.PAGES) - 2 + len(advice_pages)
    assert len(parent.bot_messages()) == 1


@pytest.mark.both_databases
async def test_the_language_choice_is_remembered_across_a_restart(
    standin: BotApiStandIn, running_bot: RunningBot
) -> None:
    parent = standin.user(1003, language_code="fi")
    await ask(standin, parent.send_text("/language"))
    await ask(
        standin, parent.press(parent.last_bot_message().message_id, parent.button("svenska"))
    )
    assert WELCOME["sv"] in parent.last_bot_message().text
    await running_bot.stop()
    await running_bot.start(standin)
    await ask(standin, parent.send_text("/start"))
    assert WELCOME["sv"] in parent.last_bot_message().text


@pytest.mark.both_databases
async def test_a_restart_continues_where_the_conversation_was(
    standin: BotApiStandIn, running_bot: RunningBot
) -> None:
    parent = standin.user(1004, language_code="en")
    await ask(standin, parent.send_text("/start"))
    screen = parent.last_bot_message().message_id
    await ask(standin, parent.press(screen, parent.button("About occupational")))
    await ask(standin, parent.press(screen, parent.button("After the assessment")))
    await running_bot.stop()
    await running_bot.start(standin)
    await ask(standin, parent.press(screen, parent.button("Back")))
    assert "Occupational therapy for children" in parent.last_bot_message().text
