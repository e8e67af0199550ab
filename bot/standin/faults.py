"""Injected faults and Telegram's limits: failures, delays, hangs, per-chat latency and
flood control (429).
"""

from __future__ import annotations

import math
from collections import deque
from http import HTTPStatus

from bot.standin.core import Core
from bot.standin.errors import ApiError, JSONDict


class Faults(Core):
    """Failures, delays and hangs a test asks for, and Telegram's flood limits."""

    def fail_next(
        self,
        method: str,
        status: int = HTTPStatus.TOO_MANY_REQUESTS,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (after validation, before effect).

        429 defaults to ``retry_after=1`` and ``"Too Many Requests: retry after N"`` with
        ``parameters.retry_after``; other statuses default to Telegram-like wording.
        """
        parameters: JSONDict | None = None
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        if retry_after is not None:
            parameters = {"retry_after": retry_after}
        if description is None:
            defaults = {400: "Bad Request", 403: "Forbidden", 409: "Conflict", 502: "Bad Gateway"}
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            description = defaults.get(status, phrase)
        queue = self._failures.setdefault(self._canonical(method), deque())
        for _ in range(times):
            queue.append(ApiError(status, description, parameters))

    def recover(self, method: str) -> None:
        """Forget the failures still waiting for ``method`` (the API is well again)."""
        self._failures.pop(self._canonical(method), None)

    def delay(self, method: str, seconds: float) -> None:
        """Answer calls of ``method`` ``seconds`` late (0 removes the delay).

        The call takes effect at once; only the answer is late, like a slow network:
        a client that times out does not know whether its message was sent.
        """
        key = self._canonical(method)
        if seconds > 0:
            self._delays[key] = seconds
        else:
            self._delays.pop(key, None)

    def hang_next(self, method: str, seconds: float) -> None:
        """Answer only the next call of ``method`` ``seconds`` late (its effect is at once):
        one hung call, as a client that times out meets it."""
        self._hangs.setdefault(self._canonical(method), deque()).append(seconds)

    def _count_against_limits(self, chat_id: object, now: float) -> None:
        """Refuse a message over Telegram's limits (429, as Telegram does), else count it."""
        windows = [(self._sent_at, 30, 1.0)]
        if isinstance(chat_id, int) and chat_id < 0:
            windows.append((self._sent_to_group_at.setdefault(chat_id, deque()), 20, 60.0))
        for times, limit, period in windows:
            while times and times[0] <= now - period:
                times.popleft()
            if len(times) >= limit:
                wait = max(1, math.ceil(times[0] + period - now))
                self.violations.append(f"over Telegram's limit of {limit} in {period:g} s")
                raise ApiError(
                    HTTPStatus.TOO_MANY_REQUESTS,
                    f"Too Many Requests: retry after {wait}",
                    {"retry_after": wait},
                )
        for times, _limit, _period in windows:
            times.append(now)

    def delay_chat(self, chat_id: int, seconds: float) -> None:
        """Answer every call about chat ``chat_id`` ``seconds`` late (0 removes it): a chat
        whose calls hang."""
        if seconds > 0:
            self._chat_delays[chat_id] = seconds
        else:
            self._chat_delays.pop(chat_id, None)

    def _canonical(self, method: str) -> str:
        spec = self._schema.methods.get(method.lower())
        if spec is None:
            raise ValueError(f"{method!r} is not a Bot API method")
        return spec.name
