"""The store and the logs keep ids and timestamps, never what a family wrote."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import TOKEN, RunningBot
from sqlmodel import Session, select

from bot.cli import quiet_libraries
from bot.standin import BotApiStandIn
from bot.store.models import Conversation

SECRET_WORDS = "Vauvamme Eetu-Kalervo itkee 041-555-1234 ja 131052-308T"


def store_bytes(database_url: str) -> bytes:
    path = Path(database_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def test_neither_store_nor_logs_keep_a_parents_words(
    standin: BotApiStandIn, running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    quiet_libraries()  # as `otbot run` sets up its logging, even at OTBOT_LOG_LEVEL=DEBUG
    parent = standin.user(6001, first_name="Eetu-Kalervo", language_code="fi")
    with caplog.at_level(logging.DEBUG):
        parent.send_text("/start")
        parent.send_text(SECRET_WORDS)
        parent.send_photo(caption=SECRET_WORDS)
        await standin.wait_idle()
    await running_bot.stop()
    stored = store_bytes(running_bot.settings.database_url)
    for word in SECRET_WORDS.split():
        assert word.encode() not in stored, f"{word!r} was stored"
    logged = caplog.text
    assert TOKEN not in logged
    for word in ("Eetu-Kalervo", "041-555-1234", "131052-308T"):
        assert word not in logged, f"{word!r} was logged"


@pytest.mark.both_databases
async def test_forget_erases_the_chat_from_the_store(
    standin: BotApiStandIn, running_bot: RunningBot
) -> None:
    parent = standin.user(6002, language_code="en")
    parent.send_text("/forget")
    await standin.wait_idle()
    parent.press(parent.last_bot_message().message_id, parent.button("Yes, erase"))
    await standin.wait_idle()
    assert "erased" in parent.last_bot_message().text
    with Session(running_bot.engine()) as session:
        assert session.exec(select(Conversation).where(Conversation.chat_id == 6002)).all() == []
