"""`otbot demo`: the whole bot in a browser, with no Telegram and no token.

The real bot (the `serve()` of `otbot run`) talks to the Bot API stand-in that ships in the
package, with a store in a temporary folder; a page on 127.0.0.1 shows a parent's phone and
the staff group side by side, so one person can play both. Nothing is kept when it stops.

- `world`: the parents, the staff group and the seeded case, and what the page may do;
- `server`: the page and its JSON API; `page/`: the page itself;
- `running`: the bot's process and `--reload`; `clock`: the time the page moves.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot.demo.clock import DemoClock, next_monday_morning
from bot.demo.running import BOT_USERNAME, TOKEN, DemoBot, demo_settings, reload_on_change
from bot.demo.server import DemoServer
from bot.demo.world import STAFF_CHAT_ID, DemoWorld
from bot.domain.cases import load_secret
from bot.i18n import LOCALES_DIR
from bot.runtime.runner import stop_on_signals
from bot.standin import BotApiStandIn
from bot.store.database import make_engine

__all__ = ["run_demo"]

log = logging.getLogger(__name__)


async def run_demo(
    port: int,
    *,
    reload: bool = False,
    ready: Callable[[str], None] = print,
    stop: asyncio.Event | None = None,
    locales_dir: Path = LOCALES_DIR,
) -> None:
    """Serve the demo until `stop` is set (or SIGINT / SIGTERM); `ready` is given its URL.
    With `reload`, the bot restarts whenever a catalog in `locales_dir` is saved."""
    stop = stop or stop_on_signals()
    with tempfile.TemporaryDirectory(prefix="otbot-demo-") as folder:
        standin = BotApiStandIn(TOKEN, bot_username=BOT_USERNAME)
        await standin.start()
        settings = demo_settings(standin, Path(folder), STAFF_CHAT_ID)
        clock = DemoClock(next_monday_morning(date.today(), settings.zone))
        standin.clock = clock.timestamp
        world = DemoWorld(standin, clock)
        bot = DemoBot(settings, clock, standin)
        server = DemoServer(world, settings.zone)
        tasks: list[asyncio.Task[None]] = []
        try:
            url = await server.start(port)  # a port in use fails before the bot starts
            await bot.start()
            engine = make_engine(settings.database_url)
            try:
                await world.seed(engine, load_secret(settings))
            finally:
                engine.dispose()
            ready(url)
            if reload:
                tasks.append(
                    asyncio.create_task(
                        reload_on_change(bot.restart, stop, locales_dir=locales_dir)
                    )
                )
            await stop.wait()
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await server.stop()
            await bot.stop()
            await standin.stop()
            for problem in standin.violations:
                log.error("the bot broke the Bot API's rules: %s", problem)
