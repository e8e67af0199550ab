"""Webhook mode: Telegram posts updates through the reverse proxy to the bot's listener.

The stand-in plays Telegram: it posts each update to the registered URL with the secret
header and posts it again until it hears a 2xx. Requests that are not Telegram's (no or a
wrong secret, not JSON, too large) are posted straight to the listener, as anyone on the
network could.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from conftest import WEBHOOK_ORIGIN, WEBHOOK_PATH, WEBHOOK_SECRET, RunningBot
from sqlalchemy import func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from bot import dialogs
from bot.config import Settings, SettingsError, load_settings
from bot.dialogs.base import DialogContext, Event, Reply
from bot.runtime import intake
from bot.runtime.runner import serve
from bot.standin import BotApiStandIn
from bot.store.database import make_engine
from bot.store.models import ProcessedUpdate
from bot.telegram.app import ALLOWED_UPDATES

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def answers_to(standin: BotApiStandIn, chat_id: int) -> int:
    return sum(
        1
        for call in standin.calls_to("sendMessage")
        if call.params["chat_id"] == chat_id and call.status == 200
    )


def processed_updates(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(ProcessedUpdate)).one()
    finally:
        engine.dispose()


def listener(bot: RunningBot) -> str:
    return f"http://{bot.settings.listen}"


async def post(
    bot: RunningBot, body: bytes | Any, *, secret: str | None = WEBHOOK_SECRET
) -> tuple[int, str]:
    """POST to the bot's webhook path directly (not as Telegram would: as anyone could)."""
    headers = {} if secret is None else {SECRET_HEADER: secret}
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with (
        aiohttp.ClientSession() as session,
        session.post(listener(bot) + WEBHOOK_PATH, data=data, headers=headers) as response,
    ):
        return response.status, await response.text()


def start_update(standin: BotApiStandIn, user_id: int, update_id: int) -> dict[str, Any]:
    """A /start update as Telegram would post it (not queued in the stand-in)."""
    standin.user(user_id, language_code="fi")
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1764576000,
            "chat": {"id": user_id, "type": "private", "first_name": "Anna"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Anna", "language_code": "fi"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_a_finnish_start_through_the_webhook_gets_its_answer(
    standin: BotApiStandIn, webhook_bot: RunningBot
) -> None:
    (registered,) = standin.calls_to("setWebhook")
    assert registered.params["url"] == WEBHOOK_ORIGIN + WEBHOOK_PATH
    assert registered.params["secret_token"] == WEBHOOK_SECRET
    assert registered.params["allowed_updates"] == ALLOWED_UPDATES
    assert registered.params["max_connections"] == 40
    parent = standin.user(6001, language_code="fi")
    parent.send_text("/start")
    await standin.wait_idle()
    assert "Helsingin kaupungin" in parent.last_bot_message().text
    assert [status for _, status in standin.webhook_answers] == [200]
    assert standin.calls_to("getUpdates") == []
    await webhook_bot.stop()
    assert standin.calls_to("deleteWebhook") == [], "a stop leaves the webhook set"
    assert standin.webhook is not None


async def test_an_update_sent_while_the_bot_restarts_is_answered_once(
    standin: BotApiStandIn, webhook_bot: RunningBot
) -> None:
    await webhook_bot.stop()
    parent = standin.user(6002, language_code="fi")
    parent.send_text("/start")
    await standin.wait_for(lambda: len(standin.webhook_answers) >= 2)
    assert {status for _, status in standin.webhook_answers} == {None}, "nobody listens"
    await webhook_bot.start(standin)
    await standin.wait_idle()
    assert answers_to(standin, 6002) == 1


async def test_without_the_right_secret_nothing_is_processed(
    standin: BotApiStandIn, webhook_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    update = start_update(standin, 6003, update_id=901)
    with caplog.at_level(logging.WARNING):
        assert (await post(webhook_bot, update, secret=None))[0] == 403
        assert (await post(webhook_bot, update, secret="a-guess"))[0] == 403
        assert (await post(webhook_bot, update, secret=WEBHOOK_SECRET + "x"))[0] == 403
        assert (await post(webhook_bot, update, secret="ä"))[0] == 403
    await standin.wait_idle()
    assert answers_to(standin, 6003) == 0
    assert processed_updates(webhook_bot.settings) == 0
    assert "without the right secret" in caplog.text
    # The same update from Telegram itself is handled: the refused ones left no trace.
    assert (await post(webhook_bot, update))[0] == 200
    await standin.wait_idle()
    assert answers_to(standin, 6003) == 1


async def test_a_body_that_is_not_an_update_gets_400_and_is_not_logged(
    standin: BotApiStandIn, webhook_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        assert (await post(webhook_bot, b'{"update_id": 5, "message": Eetu-Kalervo'))[0] == 400
        assert (await post(webhook_bot, {"note": "Eetu-Kalervo itkee"}))[0] == 400
        assert (await post(webhook_bot, b"\xff\xfe Eetu-Kalervo"))[0] == 400
        assert (await post(webhook_bot, [1, 2, 3]))[0] == 400
    assert "Eetu-Kalervo" not in caplog.text
    assert caplog.text.count("(400)") + caplog.text.count("; 400)") == 4
    parent = standin.user(6004, language_code="fi")
    parent.send_text("/start")
    await standin.wait_idle()
    assert answers_to(standin, 6004) == 1


async def test_a_body_over_one_mebibyte_gets_413(
    standin: BotApiStandIn, webhook_bot: RunningBot
) -> None:
    update = start_update(standin, 6005, update_id=902)
    update["message"]["text"] = "/start " + "x" * (1024 * 1024)
    assert (await post(webhook_bot, update))[0] == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
        for _ in range(20):
            yield b" " * 65536

    async with (
        aiohttp.ClientSession() as session,
        session.post(
            listener(webhook_bot) + WEBHOOK_PATH,
            data=chunks(),
            headers={SECRET_HEADER: WEBHOOK_SECRET},
        ) as response,
    ):
        assert response.status == 413
    await standin.wait_idle()
    assert answers_to(standin, 6005) == 0


async def test_an_update_whose_answer_telegram_missed_is_answered_once(
    standin: BotApiStandIn, webhook_bot: RunningBot
) -> None:
    standin.lose_webhook_answers(1)
    parent = standin.user(6006, language_code="fi")
    parent.send_text("/start")
    await standin.wait_idle()
    assert [status for _, status in standin.webhook_answers] == [None, 200]
    assert answers_to(standin, 6006) == 1


async def test_an_update_not_committed_gets_500_and_is_answered_once_delivered_again(
    standin: BotApiStandIn, webhook_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit_of_work = intake.unit_of_work
    failures = [5]  # every try of the update, and marking it skipped: the store is away

    def store_away_for_a_moment(engine: Any) -> Any:
        if failures[0] > 0:
            failures[0] -= 1
            raise OperationalError("BEGIN", {}, Exception("the store is away"))
        return unit_of_work(engine)

    monkeypatch.setattr(intake, "unit_of_work", store_away_for_a_moment)
    parent = standin.user(6007, language_code="fi")
    parent.send_text("/start")
    await standin.wait_idle()
    assert [status for _, status in standin.webhook_answers] == [500, 200]
    assert answers_to(standin, 6007) == 1
    assert processed_updates(webhook_bot.settings) == 1


async def test_a_webhook_without_a_secret_or_on_another_port_is_refused(
    make_settings: Callable[..., Settings],
) -> None:
    with pytest.raises(SettingsError, match="OTBOT_WEBHOOK_SECRET is not set"):
        make_settings(webhook_url=WEBHOOK_ORIGIN + WEBHOOK_PATH).require_webhook_secret()
    for name, value in [
        ("webhook_secret", "with spaces"),
        ("webhook_secret", "x" * 257),
        ("webhook_url", "http://otbot.example.fi/hook"),
        ("webhook_url", "https://otbot.example.fi:8080/hook"),
        ("listen", "8080"),
    ]:
        with pytest.raises(SettingsError, match=f"OTBOT_{name.upper()} is not valid"):
            load_settings(**{name: value})


async def test_a_stop_finishes_the_update_in_hand_and_telegram_hears_200(
    standin: BotApiStandIn,
    webhook_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    step = dialogs.step
    tries: list[str] = []

    def slow_first_try(state: str, event: Event, context: DialogContext) -> Reply:
        tries.append(state)
        if len(tries) == 1:
            raise RuntimeError("a passing fault")
        return step(state, event, context)

    monkeypatch.setattr(dialogs, "step", slow_first_try)
    settings = webhook_settings()
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(settings, stop=stop, retry_base=0.5))
    await standin.wait_for(lambda: standin.webhook is not None, timeout=30)
    parent = standin.user(6008, language_code="fi")
    parent.send_text("/start")
    await standin.wait_for(lambda: bool(tries))
    stop.set()  # while the update waits for its second try
    await asyncio.wait_for(serving, timeout=10)
    assert standin.webhook_answers == [(1, 200)]
    assert answers_to(standin, 6008) == 1
    assert standin.webhook is not None
