"""`GET /healthz` and `GET /metrics` on the bot's listener, as a monitor would ask them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
from conftest import Clock, RunningBot, free_port, fresh_postgres
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, make_url, text
from support.family import SECRET, STAFF, staff_says
from support.visits import family, next_message
from telegram import Bot

from bot.config import Settings, load_settings
from bot.standin import BotApiStandIn


async def get(bot: RunningBot, path: str) -> tuple[int, str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://{bot.settings.listen}{path}") as response,
    ):
        body = await response.text()
        parsed = await response.json() if path == "/healthz" else None
        return response.status, body, parsed


async def metrics(bot: RunningBot) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, body, _ = await get(bot, "/metrics")
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_healthz_is_200_with_a_small_json_while_all_runs(
    standin: BotApiStandIn, webhook_bot: RunningBot
) -> None:
    parent = standin.user(6101, language_code="fi")
    parent.send_text("/start")
    await standin.wait_idle()
    status, _, report = await get(webhook_bot, "/healthz")
    assert status == 200
    assert report["status"] == "ok"
    assert report["mode"] == "webhook"
    assert report["store"] == "ok"
    assert report["outbox_owed"] == 0
    assert report["outbox_oldest_age_s"] is None
    assert 0 <= report["last_update_age_s"] < 5


async def test_healthz_is_503_while_postgresql_is_gone_and_200_when_back(
    standin: BotApiStandIn, webhook_settings: Callable[..., Settings]
) -> None:
    url = fresh_postgres()
    database = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    bot = RunningBot(webhook_settings(database_url=url))
    await bot.start(standin)
    try:
        assert (await get(bot, "/healthz"))[0] == 200
        with admin.connect() as db:
            db.execute(text(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false'))
            db.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": database},
            )
        status, _, report = await get(bot, "/healthz")
        assert status == 503
        assert report["status"] == "failing"
        assert report["store"] == "unavailable"
    finally:
        with admin.connect() as db:
            db.execute(text(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()
    try:
        status, _, report = await get(bot, "/healthz")
        assert status == 200, report
        parent = standin.user(6102, language_code="fi")
        parent.send_text("/start")
        await standin.wait_idle(timeout=10)
        assert "Helsingin kaupungin" in parent.last_bot_message().text
    finally:
        await bot.stop()


async def test_a_polling_bot_with_a_listen_address_answers_healthz(
    standin: BotApiStandIn, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(listen=f"127.0.0.1:{free_port()}")
    bot = RunningBot(settings)
    await bot.start(standin)
    try:
        status, _, report = await get(bot, "/healthz")
        assert status == 200
        assert report["mode"] == "polling"
        assert report["last_poll_age_s"] < 15
        assert report["store"] == "ok"
    finally:
        await bot.stop()


def test_a_polling_bot_opens_no_port_unless_asked() -> None:
    assert load_settings().listen_address() is None
    assert load_settings(listen="0.0.0.0:9100").listen_address() == ("0.0.0.0", 9100)
    webhook = load_settings(webhook_url="https://otbot.example.fi/hook")
    assert webhook.listen_address() == ("127.0.0.1", 8080)
    assert load_settings(listen="[::1]:8081").listen_address() == ("::1", 8081)


async def test_metrics_count_what_happens_and_name_no_one(
    standin: BotApiStandIn, webhook_bot: RunningBot
) -> None:
    before = await metrics(webhook_bot)
    standin.fail_next("sendMessage", 429, retry_after=1)
    parent = standin.user(6103, "Eetu-Kalervo", language_code="fi")
    parent.send_text("/start")
    parent.send_text("Eetu-Kalervo itkee paljon")
    parent.send_text("/start not-a-real-code")
    await standin.wait_idle(timeout=10)
    after = await metrics(webhook_bot)

    def rise(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert rise("otbot_updates_total", kind="message", outcome="handled") == 3
    assert rise("otbot_webhook_requests_total", status="200") == 3
    assert rise("otbot_link_attempts_refused_total", outcome="wrong") == 1
    assert rise("otbot_api_calls_total", method="sendMessage", outcome="ok") >= 2
    assert rise("otbot_api_calls_total", method="sendMessage", outcome="retry_after") == 1
    assert rise("otbot_api_retry_after_total") == 1
    assert rise("otbot_outbox_jobs_total", kind="screen", outcome="sent") >= 2
    assert rise("otbot_outbox_jobs_total", kind="screen", outcome="retried") == 1
    assert rise("otbot_update_handling_seconds_count") == 3
    assert value(after, "otbot_outbox_jobs_owed") == 0
    assert value(after, "otbot_outbox_oldest_job_age_seconds") == 0
    assert "otbot_reminders_sent_total" in {name for name, _ in after}
    assert "otbot_reminders_due_total" in {name for name, _ in after}
    _, body, _ = await get(webhook_bot, "/metrics")
    for private in ("6103", "Eetu", "itkee", "not-a-real", standin.token, "a-webhook-secret"):
        assert private not in body


async def test_a_webhook_left_set_is_removed_before_polling(
    standin: BotApiStandIn, make_settings: Callable[..., Settings]
) -> None:
    async with Bot(standin.token, base_url=standin.base_url) as bot:
        standin.route_webhook("https://old.example.fi", "http://127.0.0.1:9")
        await bot.set_webhook("https://old.example.fi/hook")
    parent = standin.user(6104, language_code="fi")
    parent.send_text("/start")
    running = RunningBot(make_settings())
    await running.start(standin)
    try:
        await standin.wait_idle(timeout=10)
        assert len(standin.calls_to("deleteWebhook")) == 1
        assert standin.webhook is None
        assert "Helsingin kaupungin" in parent.last_bot_message().text
    finally:
        await running.stop()


async def test_metrics_count_reminders_due_and_sent(
    standin: BotApiStandIn, make_settings: Callable[..., Settings]
) -> None:
    standin.group(STAFF, "Lasten toimintaterapia", forum=True)
    clock = Clock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    settings = make_settings(
        staff_chat_id=STAFF,
        secret=SECRET,
        staff_language="en",
        tick_seconds=0.05,
        listen=f"127.0.0.1:{free_port()}",
    )
    bot = RunningBot(settings, clock)
    await bot.start(standin)
    try:
        parent, topic = await family(standin, bot)
        await staff_says(standin, topic, "/visit 3.12.2026 13.00 home")
        seen = len(parent.bot_messages())
        before = await metrics(bot)
        clock.set("2026-12-01T13:00")
        reminder = await next_message(standin, parent, seen)
        assert (reminder.text or "").startswith("⏰")
        await standin.wait_idle()
        after = await metrics(bot)
    finally:
        await bot.stop()
    for name in ("otbot_reminders_due_total", "otbot_reminders_sent_total"):
        assert value(after, name) - value(before, name) == 1, name
