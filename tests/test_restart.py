"""A restart after a crash: what the dead run owed goes out at once, before the slower
preparations of a start are done."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from botapi_standin import BotApiStandIn
from sqlalchemy import update

from bot import runner
from bot.config import Settings
from bot.dialogs.base import Screen
from bot.screens import owe_screens
from bot.store.database import make_engine, migrate, unit_of_work
from bot.store.models import OutboxJob, utcnow

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
