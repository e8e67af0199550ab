"""Fixtures: a Bot API stand-in, and the real bot serving against it as `otbot run` would."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from support.net import free_port

from bot.config import Settings, load_settings
from bot.dialogs.base import DialogContext
from bot.i18n import Translator, load_translators
from bot.runtime.polling import Poller
from bot.runtime.runner import serve
from bot.runtime.sending import Outbox
from bot.runtime.webhook import Webhook
from bot.standin import BotApiStandIn
from bot.store.database import make_engine, open_units

TOKEN = "123456:TEST-token"


@pytest.fixture(scope="session")
def translators() -> dict[str, Translator]:
    return load_translators()


@pytest.fixture
def dialog_context(translators: dict[str, Translator]) -> Callable[[str], DialogContext]:
    def make(language: str) -> DialogContext:
        return DialogContext(language, translators, {"privacy_url": "https://www.hel.fi"})

    return make


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN) as api:
        # No Bot API call may be made while a unit of work is open: decide, commit, send.
        api.probe = lambda: "called while a unit of work was open" if open_units() else None
        # Staff are the staff group's administrators: whoever writes in a group without
        # having been added there (the tests' therapists) is one. A test about someone
        # who is not staff makes them a member first (`SimGroup.set_member`, `join`).
        api.newcomer_status = "administrator"
        yield api
        assert api.violations == [], "the bot made calls the Bot API schema does not allow"


#: The PostgreSQL the tests may use; CI machines run one with trust authentication.
POSTGRES_URL = os.environ.get(
    "OTBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def fresh_postgres() -> str:
    """The test PostgreSQL, emptied; the test is skipped (failed in CI) when it is absent."""
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    except OperationalError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no PostgreSQL at " + POSTGRES_URL)
    finally:
        engine.dispose()
    return POSTGRES_URL


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The case store: a SQLite file; tests marked to run on both get PostgreSQL too."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return fresh_postgres()
    return f"sqlite:///{tmp_path / 'otbot.sqlite3'}"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_databases"
    ):
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


class Clock:
    """A clock tests set and move; the bot reads it where it reads the time of day."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, local: str, zone: str = "Europe/Helsinki") -> None:
        """Set the time from a local ISO time, like "2026-12-01T09:30"."""
        self.now = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class RunningBot:
    """`otbot run` in this process, against the stand-in; it can be stopped and restarted."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        #: A fixed time for office hours; by default a Monday at 10 in Helsinki.
        self.clock = clock or (lambda: datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self, standin: BotApiStandIn) -> None:
        self._stop = asyncio.Event()

        def observe(outbox: Outbox, intake: Poller | Webhook) -> None:
            standin.settled = lambda: intake.idle() and outbox.settled()

        standin.settled = None
        webhook = self.settings.webhook_url
        registered = len(standin.calls_to("setWebhook"))
        self._task = asyncio.create_task(
            serve(
                self.settings,
                stop=self._stop,
                retry_base=0.01,
                clock=self.clock,
                observe=observe,
            )
        )

        def serving() -> bool:
            if webhook is None:
                return standin.polling
            return len(standin.calls_to("setWebhook")) > registered and standin.webhook is not None

        await standin.wait_for(lambda: serving() or self._task.done(), timeout=30)
        if self._task.done():
            self._task.result()

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stop.set()
        await asyncio.wait_for(self._task, timeout=10)
        self._task = None

    def engine(self) -> Any:
        return make_engine(self.settings.database_url)


@pytest.fixture
def staff_language() -> str:
    """The staff group's language in tests with a staff group (a module may override it)."""
    return "en"


@pytest.fixture
def make_settings(standin: BotApiStandIn, database_url: str) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "token": TOKEN,
            "api_url": standin.url,
            "database_url": database_url,
            "poll_timeout": 10,
            "privacy_url": "https://www.hel.fi",
            "secret": "a-test-secret-shared-by-every-process-of-a-test",
        }
        values.update(overrides)
        return load_settings(**values)

    return make


#: The public URL of the webhook in the tests; the stand-in routes it to the bot's listener.
WEBHOOK_ORIGIN = "https://otbot.example.fi"
WEBHOOK_PATH = "/telegram/hook-4f9c2a"
WEBHOOK_SECRET = "a-webhook-secret_for-tests"


@pytest.fixture
def webhook_settings(
    standin: BotApiStandIn, make_settings: Callable[..., Settings]
) -> Callable[..., Settings]:
    """Settings of a bot in webhook mode behind a (simulated) reverse proxy: Telegram posts
    to WEBHOOK_ORIGIN + WEBHOOK_PATH, which reaches the bot's listener on a free port."""

    def make(**overrides: Any) -> Settings:
        port = free_port()
        standin.route_webhook(WEBHOOK_ORIGIN, f"http://127.0.0.1:{port}")
        values: dict[str, Any] = {
            "webhook_url": WEBHOOK_ORIGIN + WEBHOOK_PATH,
            "webhook_secret": WEBHOOK_SECRET,
            "listen": f"127.0.0.1:{port}",
        }
        values.update(overrides)
        return make_settings(**values)

    return make


@pytest.fixture
async def webhook_bot(
    standin: BotApiStandIn, webhook_settings: Callable[..., Settings]
) -> AsyncIterator[RunningBot]:
    """The bot in webhook mode, Telegram (the stand-in) posting to it through the proxy."""
    bot = RunningBot(webhook_settings())
    await bot.start(standin)
    try:
        yield bot
    finally:
        await bot.stop()


@pytest.fixture
async def running_bot(
    standin: BotApiStandIn, make_settings: Callable[..., Settings]
) -> AsyncIterator[RunningBot]:
    bot = RunningBot(make_settings())
    await bot.start(standin)
    try:
        yield bot
    finally:
        with contextlib.suppress(Exception):
            await bot.stop()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A developer's own OTBOT_* variables or .env never leak into a test."""
    for name in list(os.environ):
        if name.startswith("OTBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
