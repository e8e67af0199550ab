"""What tests wait for and read: calls by method, waiting for a call or for quiet."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from bot.standin.faults import Faults
from bot.standin.records import Call


class Waiting(Faults):
    """Reading the recorded calls and waiting for the bot."""

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls of one method (name case-insensitive)."""
        spec = self._schema.methods.get(method.lower())
        return list(self._calls_by_method.get(spec.name if spec else method, ()))

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline is the point of this helper
    ) -> None:
        """Wait until ``predicate()`` holds; re-checked after every call and update change.

        Raises :class:`TimeoutError` describing the recent calls when it does not.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"condition not met within {timeout}s\n{self.describe_recent()}"
                )
            event = self._any_event
            with contextlib.suppress(TimeoutError):
                # Re-checked now and then too: the bot's own state may change between calls.
                await asyncio.wait_for(event.wait(), min(remaining, 0.02))

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline is the point of this helper
    ) -> Call:
        """The earliest call of ``method`` (matching ``predicate``) not yet handed out.

        Each call is handed out once: two waits for "sendMessage" return the first and the
        second message. Calls made before the wait count too, so there is no race.
        Failed calls count as well; check ``call.ok`` if that matters.
        """
        name = self._canonical(method)
        found: list[Call] = []

        def match() -> bool:
            for call in self._calls_by_method.get(name, ()):
                if not call.consumed and (predicate is None or predicate(call)):
                    found.append(call)
                    return True
            return False

        try:
            await self.wait_for(match, timeout)
        except TimeoutError as exc:
            raise TimeoutError(f"no {name} call within {timeout}s\n{exc}") from None
        found[0].consumed = True
        return found[0]

    async def wait_idle(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every pushed update is confirmed (the bot asked for a later offset) and
        the bot has sent what it owes (when it tells, through :attr:`settled`)."""
        settled = self.settled
        try:
            await self.wait_for(
                lambda: not self._queue and (settled is None or settled()), timeout
            )
        except TimeoutError as exc:
            raise TimeoutError(
                f"{len(self._queue)} update(s) still unconfirmed "
                f"(ids {[u['update_id'] for u in list(self._queue)[:10]]})\n{exc}"
            ) from None

    def describe_recent(self, count: int = 12) -> str:
        lines = [f"pending updates: {len(self._queue)}; last {count} calls:"]
        for call in self.calls[-count:]:
            params = {k: v for k, v in call.params.items() if k != "reply_markup"}
            text = repr(params)
            if len(text) > 160:
                text = text[:157] + "..."
            extra = "" if call.ok else f" -> {call.description}"
            lines.append(f"  {call.method} {call.status} {text}{extra}")
        if self.violations:
            lines.append(f"violations: {self.violations[-5:]!r}")
        return "\n".join(lines)
