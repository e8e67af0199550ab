"""Webhook mode: Telegram posts each update to `OTBOT_WEBHOOK_URL`; the reverse proxy passes
it to the bot's listener, on that URL's path.

An update takes the same path as a polled one (`bot.runtime.intake`): it waits its turn in
its chat's lane, runs in one unit of work, and an update id processed before is skipped.
Telegram hears 200 only once the unit of work has committed (or the update was skipped
after its tries, as polling does); if the process dies first, Telegram gets no 200 and
delivers the update again, so nothing is lost and nothing is done twice.

Every request must carry `OTBOT_WEBHOOK_SECRET` in `X-Telegram-Bot-Api-Secret-Token`
(compared in constant time): without it, 403 and nothing is read. A body over 1 MiB gets
413, one that is not an update 400 (logged without its content). At a stop the listener
finishes the updates in hand and refuses new ones (503: Telegram delivers them again, to
the next process); the webhook stays set, so a rolling restart loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import json
import logging
from datetime import timedelta
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.config import SettingsError
from bot.runtime.health import MAX_BODY
from bot.runtime.intake import PRUNE_EVERY_SECONDS, Intake
from bot.runtime.lanes import Lanes, lane_of

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: At a stop, updates in hand get this long to commit.
DRAIN_SECONDS = 10.0


class Webhook:
    def __init__(
        self,
        intake: Intake,
        *,
        url: str,
        path: str,
        secret: str,
        allowed_updates: list[str],
        max_connections: int,
        concurrency: int = 64,
    ) -> None:
        self.intake = intake
        self.bot = intake.application.bot
        self.url = url
        self.path = path
        self._secret = secret.encode()
        self.allowed_updates = allowed_updates
        self.max_connections = max_connections
        self.metrics = intake.metrics
        self.lanes = Lanes(concurrency)
        self._in_hand: set[asyncio.Task[None]] = set()
        self._accepting = False

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(self.path, self.receive)

    def idle(self) -> bool:
        return not self._in_hand

    # -- one request -----------------------------------------------------------------

    async def receive(self, request: web.Request) -> web.Response:
        status = await self._receive(request)
        self.metrics.webhook_requests.labels(str(status)).inc()
        return web.Response(status=status)

    async def _receive(self, request: web.Request) -> int:
        if not self._accepting:
            return 503
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self._secret):
            log.warning("refused a webhook request without the right secret (403)")
            return 403
        if (request.content_length or 0) > MAX_BODY:
            log.warning("refused a webhook request of %d bytes (413)", request.content_length)
            return 413
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            log.warning("refused a webhook request over %d bytes (413)", MAX_BODY)
            return 413
        update = self._update_of(body)
        if update is None:
            return 400
        task = self.lanes.submit(lane_of(update), functools.partial(self.intake.process, update))
        self._in_hand.add(task)
        task.add_done_callback(self._in_hand.discard)
        try:
            # The unit of work goes on even if Telegram hangs up meanwhile.
            await asyncio.shield(task)
        except Exception as exc:
            log.error(
                "update %s not committed (%s); Telegram will deliver it again",
                update.update_id,
                type(exc).__name__,
            )
            return 500
        return 200

    def _update_of(self, body: bytes) -> Update | None:
        """The update in a request's body, or None (logged without the body)."""
        try:
            data: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            log.warning("refused a webhook request that is not JSON (%d bytes; 400)", len(body))
            return None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            log.warning("refused a webhook request that is not an update (400)")
            return None
        try:
            return Update.de_json(data, self.bot)
        except Exception as exc:
            log.warning(
                "refused a webhook request that is not a readable update (%s; 400)",
                type(exc).__name__,
            )
            return None

    # -- running -----------------------------------------------------------------------

    async def run(self, stop: asyncio.Event, retry_base: float = 1.0) -> None:
        """Take updates until `stop` is set: register the webhook (the listener already
        runs), forget old update ids hourly; at the stop, finish the updates in hand."""
        self._accepting = True
        try:
            if not await self._register(stop, retry_base):
                return
            while not stop.is_set():
                self.intake.prune()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=PRUNE_EVERY_SECONDS)
        finally:
            self._accepting = False
            if self._in_hand:
                await asyncio.wait(set(self._in_hand), timeout=DRAIN_SECONDS)

    async def _register(self, stop: asyncio.Event, retry_base: float) -> bool:
        """setWebhook, tried again while the Bot API cannot be reached; a refusal is one
        line for the operator."""
        delay = retry_base
        while not stop.is_set():
            try:
                await self.bot.set_webhook(
                    self.url,
                    secret_token=self._secret.decode(),
                    allowed_updates=self.allowed_updates,
                    max_connections=self.max_connections,
                )
                log.info("webhook set: Telegram posts the updates")
                return True
            except BadRequest as exc:
                raise SettingsError(f"Telegram refused OTBOT_WEBHOOK_URL: {exc.message}") from None
            except RetryAfter as exc:
                wait = exc.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            except NetworkError as exc:
                seconds = delay
                delay = min(delay * 2, 60.0)
                log.warning("setWebhook failed (%s); trying again in %.0f s", exc.message, seconds)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=seconds)
        return False
