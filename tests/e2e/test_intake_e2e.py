"""Durable intake: no parent's message is lost to an error, a restart or a busy Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import pytest
from conftest import RunningBot
from sqlalchemy import func
from sqlmodel import Session, select
from telegram import Update

from bot import dialogs
from bot.config import Settings, SettingsError
from bot.dialogs.base import Command, DialogContext, Event, Reply
from bot.i18n import load_translators
from bot.runtime.intake import Intake
from bot.runtime.runner import serve
from bot.runtime.sending import Outbox
from bot.services import Services
from bot.standin import BotApiStandIn
from bot.store.database import make_engine, migrate
from bot.store.models import ProcessedUpdate
from bot.telegram.app import build_application
from bot.telegram.screens import SCREEN, send_screen


def welcomes(standin: BotApiStandIn, chat_id: int) -> int:
    return sum(
        1
        for call in standin.calls_to("sendMessage")
        if call.params["chat_id"] == chat_id and call.status == 200
    )


@pytest.mark.parametrize(
    ("status", "retry_after", "times"),
    [(429, 1, 1), (502, None, 2)],
    ids=["too-many-requests", "bad-gateway"],
)
async def test_a_reply_that_meets_a_passing_api_error_is_sent_once(
    standin: BotApiStandIn,
    running_bot: RunningBot,
    status: int,
    retry_after: int | None,
    times: int,
) -> None:
    standin.fail_next("sendMessage", status, retry_after=retry_after, times=times)
    parent = standin.user(4001, language_code="en")
    parent.send_text("/start")
    await standin.wait_idle()
    assert welcomes(standin, 4001) == 1
    assert "City of Helsinki" in parent.last_bot_message().text


async def test_an_update_that_keeps_failing_is_skipped_and_the_queue_goes_on(
    standin: BotApiStandIn,
    running_bot: RunningBot,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    step = dialogs.step

    def failing_step(state: str, event: Event, context: DialogContext) -> Reply:
        if isinstance(event, Command) and event.name == "boom":
            raise RuntimeError("a fault in a dialog")
        return step(state, event, context)

    monkeypatch.setattr(dialogs, "step", failing_step)
    first = standin.user(4003, language_code="en")
    second = standin.user(4004, language_code="en")
    first.send_text("/boom")
    second.send_text("/start")
    with caplog.at_level(logging.WARNING):
        await standin.wait_idle()
    assert welcomes(standin, 4004) == 1
    assert welcomes(standin, 4003) == 0
    assert "skipped after 4 tries" in caplog.text


async def test_a_reply_telegram_refuses_is_dropped_and_the_next_goes(
    standin: BotApiStandIn, running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    standin.fail_next("sendMessage", 400, "Bad Request: something odd")
    parent = standin.user(4009, language_code="en")
    with caplog.at_level(logging.WARNING):
        parent.send_text("/start")
        await standin.wait_idle()
        parent.send_text("/start")
        await standin.wait_idle()
    assert welcomes(standin, 4009) == 1
    assert "refused, dropped" in caplog.text


async def test_an_update_sent_while_the_bot_was_down_is_answered_after_the_start(
    standin: BotApiStandIn, running_bot: RunningBot
) -> None:
    await running_bot.stop()
    parent = standin.user(4005, language_code="en")
    parent.send_text("/start")
    await running_bot.start(standin)
    await standin.wait_idle()
    assert welcomes(standin, 4005) == 1


@pytest.mark.both_databases
async def test_a_crash_in_the_middle_of_an_update_loses_nothing(
    standin: BotApiStandIn, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    standin.delay("sendMessage", 5)
    crashing = asyncio.create_task(serve(settings, stop=asyncio.Event(), retry_base=0.01))
    parent = standin.user(4006, language_code="en")
    parent.send_text("/start")
    await standin.wait_for(lambda: bool(standin.calls_to("sendMessage")) or crashing.done())
    crashing.cancel()  # the process dies while the reply is on its way
    with contextlib.suppress(asyncio.CancelledError):
        await crashing
    standin.delay("sendMessage", 0)
    bot = RunningBot(settings)
    await bot.start(standin)
    await standin.wait_idle()
    await bot.stop()
    assert welcomes(standin, 4006) >= 1
    with Session(make_engine(settings.database_url)) as session:
        assert session.exec(select(func.count()).select_from(ProcessedUpdate)).one() == 1


@pytest.mark.both_databases
async def test_an_update_delivered_twice_is_handled_once(
    standin: BotApiStandIn, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    engine = make_engine(settings.database_url)
    migrate(engine)
    application = build_application(Services(settings, engine, load_translators()))
    parent = standin.user(4007, language_code="en")
    message = parent.send_text("/start")
    update = Update.de_json({"update_id": 77, "message": message}, application.bot)
    async with application:
        outbox = Outbox(application.bot, engine, {SCREEN: send_screen}, on_uncertain=print)
        intake = Intake(application, engine, outbox, retry_base=0.01)
        await intake.process(update)
        await intake.process(update)
        await outbox.close()
    assert welcomes(standin, 4007) == 1


async def test_an_unreachable_bot_api_is_retried_not_fatal(
    make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(api_url="http://127.0.0.1:9")
    stop = asyncio.Event()
    with caplog.at_level(logging.WARNING):
        task = asyncio.create_task(serve(settings, stop=stop, retry_base=0.05))
        await asyncio.sleep(0.5)
        assert not task.done()
        stop.set()
        await asyncio.wait_for(task, timeout=5)
    assert caplog.text.count("cannot be reached") >= 2


async def test_a_refused_token_is_one_clear_error(
    standin: BotApiStandIn, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(token="999:WRONG")
    with pytest.raises(SettingsError, match="refused OTBOT_TOKEN"):
        await serve(settings, stop=asyncio.Event())


async def test_a_second_poller_conflict_is_waited_out(
    standin: BotApiStandIn, running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    standin.fail_next(
        "getUpdates",
        409,
        "Conflict: terminated by other getUpdates request; make sure that "
        "only one bot instance is running",
    )
    with caplog.at_level(logging.WARNING):
        parent = standin.user(4008, language_code="en")
        parent.send_text("/start")
        await standin.wait_idle(timeout=10)
    assert welcomes(standin, 4008) == 1
