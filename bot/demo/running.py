"""The real bot as `otbot run` serves, against the demo's stand-in; restarted when a
catalog changes (`--reload`), so the next message uses the edited texts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from bot.config import Settings, load_settings
from bot.demo.clock import DemoClock
from bot.i18n import BABEL_LOCALES, LANGUAGES, LOCALES_DIR, catalog_path
from bot.runtime.polling import Poller
from bot.runtime.runner import serve
from bot.runtime.sending import Outbox
from bot.runtime.webhook import Webhook
from bot.standin import BotApiStandIn

log = logging.getLogger(__name__)

TOKEN = "123456:DEMO-token-not-a-real-bot"
BOT_USERNAME = "otbot_demo_bot"
#: How often `--reload` looks at the catalogs' modification times.
WATCH_SECONDS = 0.5


def demo_settings(standin: BotApiStandIn, folder: Path, staff_chat_id: int) -> Settings:
    """Settings for a demo: nothing from the environment or `.env` that could point it at
    a real bot or store; reminders checked every second."""
    return load_settings(
        _env_file=None,
        token=TOKEN,
        api_url=standin.url,
        database_url=f"sqlite:///{folder / 'demo.sqlite3'}",
        staff_chat_id=staff_chat_id,
        staff_language="fi",
        bot_username=BOT_USERNAME,
        secret=secrets.token_hex(32),
        timezone="Europe/Helsinki",
        poll_timeout=10,
        tick_seconds=1.0,
        office_hours="mon-fri 08:00-16:00",
        reminder_hours="48,2",
        quiet_hours="21:00-08:00",
    )


class DemoBot:
    """`serve()` in this process; it can be stopped and started again on the same store."""

    def __init__(self, settings: Settings, clock: DemoClock, standin: BotApiStandIn) -> None:
        self.settings = settings
        self.clock = clock
        self.standin = standin
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stop = asyncio.Event()

        def observe(outbox: Outbox, poller: Poller | Webhook) -> None:
            self.standin.settled = lambda: poller.idle() and outbox.settled()

        self.standin.settled = None
        task = asyncio.create_task(
            serve(self.settings, stop=self._stop, clock=self.clock, observe=observe)
        )
        self._task = task
        await self.standin.wait_for(lambda: self.standin.settled is not None or task.done(), 60)
        if task.done():
            task.result()

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stop.set()
        task, self._task = self._task, None
        await asyncio.wait_for(task, timeout=30)

    async def restart(self) -> None:
        await self.stop()
        await self.start()


def catalog_times(locales_dir: Path = LOCALES_DIR) -> dict[Path, float]:
    """Each language's catalog and when it was last written."""
    times = {}
    for language in LANGUAGES:
        path = catalog_path(language, locales_dir)
        with contextlib.suppress(OSError):
            times[path] = path.stat().st_mtime
    return times


def check_catalogs(locales_dir: Path) -> None:
    """Raise when a catalog does not read as a whole (the bot would lose its texts)."""
    for language in LANGUAGES:
        with catalog_path(language, locales_dir).open("rb") as handle:
            read_po(handle, locale=BABEL_LOCALES[language], abort_invalid=True)


async def reload_on_change(
    restart: Callable[[], object],
    stop: asyncio.Event,
    *,
    locales_dir: Path = LOCALES_DIR,
    every: float = WATCH_SECONDS,
) -> None:
    """Restart the bot whenever a catalog is written and still reads; a catalog that does
    not read is reported and the bot keeps the texts it has."""
    seen = catalog_times(locales_dir)
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        now = catalog_times(locales_dir)
        if now == seen:
            continue
        seen = now
        try:
            await asyncio.to_thread(check_catalogs, locales_dir)
        except (PoFileError, OSError, ValueError) as exc:
            log.error(
                "a catalog in %s does not read (%s); the texts stay as they were", locales_dir, exc
            )
            continue
        log.info("a catalog changed: restarting the bot with the new texts")
        outcome = restart()
        if asyncio.iscoroutine(outcome):
            await outcome
