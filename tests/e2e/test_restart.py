"""A restart after a crash: what the dead run owed goes out at once, before the slower
preparations of a start are done."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from conftest import TOKEN
from sqlalchemy import update
from telegram import Bot

from bot.config import Settings
from bot.dialogs.base import Screen
from bot.runtime import runner
from bot.runtime.sending import Outbox
from bot.standin import BotApiStandIn
from bot.store.database import make_engine, migrate, unit_of_work
from bot.store.models import OutboxJob, utcnow
from bot.telegram.screens import SCREEN, owe_screens

PARENT = 7301


def owed_by_a_dead_run(settings: Settings, text: str) -> None:
    """A screen the dead run had claimed and not sent: its lease still runs."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    with unit_of_work(engine) as db:
        owe_screens(db, PARENT, (Screen(text),))
        db.execute(
            update(OutboxJob.__table__).values(  # type: ignore[attr-defined]
                claimed_by="gone:4242:deadbeef", not_before=utcnow() + timedelta(seconds=6)
            )
        )
    engine.dispose()


async def test_what_a_dead_run_owed_goes_out_while_the_dialogs_are_prepared(
    standin: BotApiStandIn,
    make_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = make_settings()
    parent = standin.user(PARENT)
    owed_by_a_dead_run(settings, "Vastaus, jota edellinen ajo ei ehtinyt lähettää")
    prepared = threading.Event()

    def slow_preparation(services: object) -> None:
        prepared.wait(timeout=10)

    monkeypatch.setattr(runner, "_prepare_dialogs", slow_preparation)
    stop = asyncio.Event()
    serving = asyncio.create_task(runner.serve(settings, stop=stop, retry_base=0.01))
    try:
        await standin.wait_for(lambda: bool(parent.bot_messages()), timeout=5)
        assert not prepared.is_set(), "sent only once the dialogs were ready"
        assert parent.last_bot_message().text == "Vastaus, jota edellinen ajo ei ehtinyt lähettää"
        assert not standin.polling
    finally:
        prepared.set()
        stop.set()
        await asyncio.wait_for(serving, timeout=10)


async def test_jobs_another_living_process_holds_do_not_hold_up_a_start(
    make_settings: Callable[..., Settings],
) -> None:
    """With PostgreSQL several processes send; what another one holds is its own to send."""
    settings = make_settings()
    owed_by_a_dead_run(settings, "Toisen prosessin lähetettävä")
    engine = make_engine(settings.database_url)
    sent: list[dict[str, object]] = []

    async def screen(bot: object, job: dict[str, object]) -> None:
        sent.append(job)

    outbox = Outbox(
        Bot(TOKEN), engine, {SCREEN: screen}, on_uncertain=lambda *_: None, only_process=False
    )
    stop = asyncio.Event()
    worker = asyncio.create_task(outbox.run(stop))
    try:
        async with asyncio.timeout(1.0):
            assert await outbox.caught_up(within=5.0)
        assert sent == [], "the other process's claim is respected"
    finally:
        stop.set()
        await worker
        engine.dispose()
