"""Getting updates to the bot: ``getMe``, ``getUpdates`` (long polling, offsets, 409
conflicts) and webhooks (``setWebhook``, delivery with retries).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import deque
from http import HTTPStatus
from typing import Any

import aiohttp

from bot.standin.checks import Checks
from bot.standin.errors import (
    CONFLICT_POLLING,
    CONFLICT_WEBHOOK,
    WEBHOOK_CONNECTIONS_BAD,
    WEBHOOK_NOT_HTTPS,
    WEBHOOK_PORT,
    WEBHOOK_SECRET_BAD,
    ApiError,
    JSONDict,
)
from bot.standin.records import _Poll, _Request

# Update types Telegram leaves out unless asked for by name in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Updates(Checks):
    """``getMe``, ``getUpdates`` and webhook delivery."""

    @property
    def polling(self) -> bool:
        """True while a getUpdates request is being answered (a long poll is waiting).

        :meth:`wait_for` is woken when a long poll starts waiting.
        """
        return self._poll is not None

    def _get_me(self, req: _Request) -> JSONDict:
        return {
            **self._bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _confirm(self, offset: int) -> None:
        queue = self._queue
        if offset < 0:
            keep = -offset
            while len(queue) > keep:
                queue.popleft()
            return
        dropped = False
        while queue and queue[0]["update_id"] < offset:
            queue.popleft()
            dropped = True
        if dropped:
            self._notify()

    def _allowed(self, update: JSONDict, allowed: frozenset[str] | None) -> bool:
        kind = next((key for key in update if key != "update_id"), "")
        if allowed is None:
            return kind not in _OPT_IN_UPDATES
        return kind in allowed

    def _take(self, limit: int, allowed: frozenset[str] | None) -> list[JSONDict]:
        batch: list[JSONDict] = []
        unwanted: list[JSONDict] = []
        for update in self._queue:
            if self._allowed(update, allowed):
                batch.append(update)
                if len(batch) >= limit:
                    break
            else:
                unwanted.append(update)
        if unwanted:  # Telegram never delivers them: they are gone
            gone = {id(u) for u in unwanted}
            self._queue = deque(u for u in self._queue if id(u) not in gone)
            self._notify()
        return batch

    @staticmethod
    def _allowed_set(value: Any) -> frozenset[str] | None:
        if not isinstance(value, list):
            return None
        return frozenset(str(v) for v in value) if value else None

    async def _get_updates(self, req: _Request) -> list[JSONDict]:
        params = req.params
        self.polls_started += 1
        if self.webhook is not None:
            raise ApiError(HTTPStatus.CONFLICT, CONFLICT_WEBHOOK)
        if self._poll is not None:
            self._poll.terminated = CONFLICT_POLLING
            self._notify(updates=True)
        poll = _Poll()
        self._poll = poll
        try:
            if "offset" in params:
                self._confirm(int(params["offset"]))
            if "allowed_updates" in params:
                self._allowed_updates = self._allowed_set(params["allowed_updates"])
            limit = max(1, min(100, int(params.get("limit") or 100)))
            loop = asyncio.get_running_loop()
            deadline = loop.time() + max(0.0, float(params.get("timeout") or 0))
            waiting = False
            while True:
                if poll.terminated is not None:
                    raise ApiError(HTTPStatus.CONFLICT, poll.terminated)
                if self._closing:
                    return []
                batch = self._take(limit, self._allowed_updates)
                remaining = deadline - loop.time()
                if batch or remaining <= 0:
                    now = loop.time()
                    for update in batch:
                        self.offered_at.setdefault(update["update_id"], now)
                    return batch
                event = self._update_event
                if not waiting:  # let wait_for(lambda: standin.polling) see it
                    waiting = True
                    self._notify()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            if self._poll is poll:
                self._poll = None

    def _set_webhook(self, req: _Request) -> bool:
        params = req.params
        url = str(params.get("url", ""))
        if params.get("drop_pending_updates"):
            self._queue.clear()
        if not url:
            self._remove_webhook()
            return True
        match = re.match(r"https://[^/:\s]+(?::(\d+))?(?:/\S*)?$", url)
        if match is None:
            raise ApiError(HTTPStatus.BAD_REQUEST, WEBHOOK_NOT_HTTPS)
        if int(match.group(1) or 443) not in (80, 88, 443, 8443):
            raise ApiError(HTTPStatus.BAD_REQUEST, WEBHOOK_PORT)
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError(HTTPStatus.BAD_REQUEST, WEBHOOK_SECRET_BAD)
        connections = int(params.get("max_connections", 40))
        if not 1 <= connections <= 100:
            raise ApiError(HTTPStatus.BAD_REQUEST, WEBHOOK_CONNECTIONS_BAD)
        if "allowed_updates" in params:
            self._allowed_updates = self._allowed_set(params["allowed_updates"])
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": connections,
        }
        if self._poll is not None:
            self._poll.terminated = CONFLICT_WEBHOOK
        self._notify(updates=True)
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhooks())
        return True

    def _remove_webhook(self) -> None:
        self.webhook = None
        self._notify(updates=True)

    def _delete_webhook(self, req: _Request) -> bool:
        if req.params.get("drop_pending_updates"):
            self._queue.clear()
            self._notify(updates=True)
        self._remove_webhook()
        return True

    def _get_webhook_info(self, req: _Request) -> JSONDict:
        info: JSONDict = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.webhook is not None:
            info["url"] = self.webhook["url"]
            info["max_connections"] = self.webhook["max_connections"]
            if self._allowed_updates is not None:
                info["allowed_updates"] = sorted(self._allowed_updates)
            if "last_error_date" in self.webhook:
                info["last_error_date"] = self.webhook["last_error_date"]
                info["last_error_message"] = self.webhook["last_error_message"]
        return info

    def _routed(self, url: str) -> str:
        for public, targets in self._webhook_routes.items():
            if url == public or url.startswith(public + "/"):
                local: str = next(targets)
                return local + url[len(public) :]
        return url

    @staticmethod
    def _update_chat(update: JSONDict) -> Any:
        """The chat an update is about (its user's for a button without a message)."""
        for key, value in update.items():
            if key == "update_id" or not isinstance(value, dict):
                continue
            if "chat" in value:
                return value["chat"]["id"]
            if isinstance(value.get("message"), dict):
                return value["message"]["chat"]["id"]
            if "from" in value:
                return value["from"]["id"]
        return None

    def _next_delivery(self, busy: set[Any]) -> JSONDict | None:
        """The first queued update whose chat has nothing in flight."""
        for update in self._take(len(self._queue) or 1, self._allowed_updates):
            chat = self._update_chat(update)
            if id(update) not in busy and chat not in busy:
                return update
        return None

    async def _deliver_webhooks(self) -> None:
        busy: set[Any] = set()
        in_flight: set[asyncio.Task[None]] = set()
        async with aiohttp.ClientSession() as session:
            try:
                while self.webhook is not None and not self._closing:
                    hook = self.webhook
                    limit = max(1, min(self.webhook_connections, int(hook["max_connections"])))
                    update = self._next_delivery(busy) if len(in_flight) < limit else None
                    if update is None:
                        waits: set[asyncio.Future[Any]] = set(in_flight)
                        waits.add(asyncio.ensure_future(self._update_event.wait()))
                        _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                        for future in pending - in_flight:
                            future.cancel()
                        continue
                    keys = {id(update), self._update_chat(update)}
                    busy.update(keys)
                    task = asyncio.ensure_future(self._deliver_one(session, hook, update))
                    in_flight.add(task)

                    def finished(done: asyncio.Task[None], keys: set[Any] = keys) -> None:
                        in_flight.discard(done)
                        busy.difference_update(keys)
                        self._notify(updates=True)

                    task.add_done_callback(finished)
            finally:
                for task in in_flight:
                    task.cancel()
                if in_flight:
                    await asyncio.wait(in_flight)

    async def _deliver_one(
        self, session: aiohttp.ClientSession, hook: JSONDict, update: JSONDict
    ) -> None:
        """Post one update; on anything but a 2xx, wait a little (its chat waits too)."""
        headers = {}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(hook["secret_token"])
        status: int | None = None
        target = self._routed(hook["url"])
        try:
            async with session.post(
                target,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as resp:
                status = resp.status
                ok = 200 <= resp.status < 300
                error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            ok, error = False, f"Connection failed: {exc!r}"
        if self._lose_answers:
            self._lose_answers -= 1
            ok, status, error = False, None, "Connection failed: the answer was lost"
        self.webhook_answers.append((update["update_id"], status))
        if ok:
            origin = target.split("/", 3)[2]
            self.webhook_targets[origin] = self.webhook_targets.get(origin, 0) + 1
            hook["failures"] = 0
            with contextlib.suppress(ValueError):
                self._queue.remove(update)
            self.webhook_deliveries += 1
            self._notify()
            return
        failures = hook["failures"] = hook.get("failures", 0) + 1
        hook["last_error_date"] = self._now()
        hook["last_error_message"] = error
        self._notify()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closed.wait(), min(0.05 * 2 ** (failures - 1), 1.0))
