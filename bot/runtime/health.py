"""The bot's own HTTP listener (`OTBOT_LISTEN`): `GET /healthz`, `GET /metrics`, and in
webhook mode the webhook's path (`bot.runtime.webhook`).

A polling bot opens it only when `OTBOT_LISTEN` is set. It is meant for the host: the
reverse proxy exposes the webhook's path alone (deploy/nginx-otbot.conf), never these two.

`/healthz` answers 200 with a small JSON when the store answers a query in time, the bot's
loops (intake, outbox, reminders) run and, polling, `getUpdates` answered recently; else
503 with the same JSON saying what is wrong. `/metrics` is Prometheus text
(`bot.runtime.metrics`): counts only, never ids, names or texts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import Engine

from bot.config import SettingsError
from bot.runtime.metrics import CONTENT_TYPE, Metrics
from bot.store import outbox as store
from bot.store import queries

log = logging.getLogger(__name__)

#: The store must answer the health check's query within this many seconds.
STORE_TIMEOUT = 2.0
#: Telegram posts no bigger update; a larger body is refused with 413.
MAX_BODY = 1024 * 1024


class Health:
    def __init__(
        self,
        engine: Engine,
        metrics: Metrics,
        *,
        mode: str,
        clock: Callable[[], datetime],
        running: Callable[[], bool],
        last_update: Callable[[], float | None],
        last_poll: Callable[[], float | None] | None = None,
        poll_stale_after: float = 90.0,
    ) -> None:
        self.engine = engine
        self.metrics = metrics
        self.mode = mode
        self.clock = clock
        self.running = running
        self.last_update = last_update
        #: Polling: when getUpdates last answered; stale after `poll_stale_after` seconds.
        self.last_poll = last_poll
        self.poll_stale_after = poll_stale_after
        self.started = time.monotonic()

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.scrape)

    async def healthz(self, request: web.Request) -> web.Response:
        healthy, report = await self.check()
        return web.json_response(report, status=200 if healthy else 503)

    async def scrape(self, request: web.Request) -> web.Response:
        await self._backlog()
        return web.Response(body=self.metrics.text(), headers={"Content-Type": CONTENT_TYPE})

    async def check(self) -> tuple[bool, dict[str, Any]]:
        backlog = await self._backlog()
        running = self.running()
        report: dict[str, Any] = {
            "status": "ok",
            "mode": self.mode,
            "store": "ok" if backlog is not None else "unavailable",
            "running": running,
            "last_update_age_s": _age(self.last_update()),
            "outbox_owed": backlog[0] if backlog else None,
            "outbox_oldest_age_s": (
                round((self.clock() - backlog[1]).total_seconds(), 1)
                if backlog and backlog[1]
                else None
            ),
        }
        healthy = backlog is not None and running
        if self.last_poll is not None:
            polled = self.last_poll()
            age = _age(polled if polled is not None else self.started)
            report["last_poll_age_s"] = age
            healthy = healthy and age is not None and age <= self.poll_stale_after
        if not healthy:
            report["status"] = "failing"
        return healthy, report

    async def _backlog(self) -> tuple[int, datetime | None] | None:
        """The outbox's backlog, asked of the store (which must answer in time); None when
        it does not."""
        try:
            owed, oldest = await asyncio.wait_for(
                asyncio.to_thread(self._ask_store), timeout=STORE_TIMEOUT
            )
        except Exception as exc:
            log.warning("health check: the store did not answer (%s)", type(exc).__name__)
            return None
        self.metrics.backlog(owed, oldest, self.clock())
        return owed, oldest

    def _ask_store(self) -> tuple[int, datetime | None]:
        with self.engine.connect() as db:
            queries.ping(db)
            return store.backlog(db)


def _age(moment: float | None) -> float | None:
    return None if moment is None else round(time.monotonic() - moment, 1)


class Listener:
    """An aiohttp server on `host:port`; routes are added before `start`."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        # aiohttp refuses a body over client_max_size with 413 as it reads it.
        self.app = web.Application(client_max_size=MAX_BODY)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        # No access log: the webhook's path is a secret of sorts, and requests say nothing
        # an operator needs that the bot's own lines do not.
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise SettingsError(
                f"OTBOT_LISTEN {self.host}:{self.port} cannot be used: {exc.strerror}"
            ) from None
        self._runner = runner
        log.info("listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
