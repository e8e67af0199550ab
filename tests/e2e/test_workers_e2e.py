"""Two `otbot run` processes in webhook mode on one PostgreSQL, behind one URL, share the work:
families' updates sprayed across both (Telegram posting several at once, a chat's next only
after its previous got its 200, some answers lost and delivered again to the other worker)
are each answered once and in order."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path

from conftest import TOKEN, WEBHOOK_ORIGIN, WEBHOOK_PATH, WEBHOOK_SECRET, free_port, fresh_postgres
from sqlalchemy import func
from sqlmodel import Session, select
from support.process import finished, otbot

from bot.config import load_settings
from bot.runtime.limits import Limits
from bot.services import Services
from bot.standin import BotApiStandIn
from bot.store.database import make_engine
from bot.store.models import ProcessedUpdate
from bot.telegram.app import build_application

#: What each family writes, one message after the other.
SCRIPT = ("/start", "vauva ei syö kunnolla", "vauva ei nuku yöllä", "vauva itkee paljon")
FAMILIES = 24


async def quiet(standin: BotApiStandIn, seconds: float = 1.0, timeout: float = 60) -> None:  # noqa: ASYNC109
    """Wait until every update was taken and the Bot API heard nothing for `seconds`."""
    await standin.wait_idle(timeout=timeout)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        calls = len(standin.calls)
        await asyncio.sleep(seconds)
        if len(standin.calls) == calls and not standin.pending_updates():
            return
    raise TimeoutError("the bot kept calling")


async def test_two_webhook_workers_answer_every_family_once_and_in_order(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    url = fresh_postgres()
    ports = [free_port(), free_port()]
    standin.route_webhook(WEBHOOK_ORIGIN, *(f"http://127.0.0.1:{port}" for port in ports))
    standin.webhook_connections = 8
    workers = []
    for n, port in enumerate(ports):
        env = {
            "OTBOT_TOKEN": TOKEN,
            "OTBOT_API_URL": standin.url,
            "OTBOT_DATABASE_URL": url,
            "OTBOT_SECRET": "a-secret-shared-by-both-workers-of-the-test",
            "OTBOT_WEBHOOK_URL": WEBHOOK_ORIGIN + WEBHOOK_PATH,
            "OTBOT_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "OTBOT_LISTEN": f"127.0.0.1:{port}",
            "OTBOT_WORKERS": "2",
        }
        folder = tmp_path / f"worker{n}"
        folder.mkdir()
        workers.append(await otbot("run", env=env, cwd=folder))
    try:
        await standin.wait_for(lambda: len(standin.calls_to("setWebhook")) == 2, timeout=60)
        # What one family sees when it writes alone: the answers to compare with.
        alone = standin.user(6300, language_code="fi")
        for text in SCRIPT:
            alone.send_text(text)
            await quiet(standin, seconds=0.3)
        expected = [message.text for message in alone.bot_messages()]
        assert len(expected) >= len(SCRIPT)

        families = [standin.user(6400 + n, language_code="fi") for n in range(FAMILIES)]
        standin.lose_webhook_answers(6)  # delivered again, most likely to the other worker
        for text in SCRIPT:
            for family in families:
                family.send_text(text)
        await quiet(standin)
        for family in families:
            assert [message.text for message in family.bot_messages()] == expected, family
        assert len({status for _, status in standin.webhook_answers if status}) == 1
        assert [status for _, status in standin.webhook_answers].count(None) == 6
        updates = len(SCRIPT) * (FAMILIES + 1)
        engine = make_engine(url)
        with Session(engine) as session:
            processed = session.exec(select(func.count()).select_from(ProcessedUpdate)).one()
        engine.dispose()
        assert processed == updates
        sends = Counter(
            call.params["chat_id"] for call in standin.calls_to("sendMessage") if call.ok
        )
        assert all(sends[family.id] == sends[alone.id] for family in families), "none doubled"
        assert all(count > updates / 4 for count in standin.webhook_targets.values())
        assert len(standin.webhook_targets) == 2, "both workers took updates"
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.send_signal(signal.SIGTERM)
        results = [await finished(worker) for worker in workers]
    for code, stderr in results:
        assert code == 0, stderr
        assert "Traceback" not in stderr
    assert standin.violations == []


def test_each_worker_keeps_its_share_of_telegrams_limits() -> None:
    settings = load_settings(token=TOKEN, workers=3, send_rate=30, group_rate=20)
    application = build_application(Services(settings, make_engine("sqlite://"), {}))
    limits = application.bot.rate_limiter
    assert isinstance(limits, Limits)
    assert limits.overall.limit == 10
    assert limits.group_per_minute == 6
    assert load_settings(workers=4, send_rate=30).worker_send_rate == 7, "4 x 8 would be 32"
