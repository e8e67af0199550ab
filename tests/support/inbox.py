"""Cases opened in bulk, and the inbox's copies as the stand-in saw them: for the crash test
and the relay benchmark (no pytest here)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from bot.domain.cases import IssuedCode, open_case
from bot.standin import BotApiStandIn
from bot.store.database import make_engine, migrate, unit_of_work
from bot.store.models import Case

_cases = Case.__table__  # type: ignore[attr-defined]
_IDS = ("chat_id", "from_chat_id", "message_id", "message_thread_id")


def open_cases(database_url: str, count: int, secret: str) -> list[tuple[int, IssuedCode]]:
    """Open `count` cases as staff would, each with its first code: (case id, code)."""
    engine = make_engine(database_url)
    migrate(engine)
    with unit_of_work(engine) as db:
        issued = [
            open_case(db, label=f"Lapsi {number + 1}", secret=secret.encode(), days=14)
            for number in range(count)
        ]
        ids = dict(db.execute(select(_cases.c.reference, _cases.c.id)).all())
    engine.dispose()
    return [(ids[code.reference], code) for code in issued]


def ok_copies(standin: BotApiStandIn) -> Iterator[dict[str, int]]:
    """The copies the stand-in accepted, in the order they arrived: their ids."""
    for call in standin.calls_to("copyMessage"):
        if call.ok:
            yield {key: int(value) for key, value in call.params.items() if key in _IDS}


def out_of_order_in(copies: list[dict[str, int]], *, key: str) -> list[Any]:
    """Per chat (or topic: `key`), the copied messages in the order they arrived, each
    counted at its first arrival; a later message arriving before an earlier one is out of
    order."""
    seen: dict[int, list[int]] = {}
    firsts: dict[int, set[int]] = {}
    for copy in copies:
        place, message = copy.get(key), copy["message_id"]
        if place is None or message in firsts.setdefault(place, set()):
            continue
        firsts[place].add(message)
        seen.setdefault(place, []).append(message)
    return [(place, messages) for place, messages in seen.items() if messages != sorted(messages)]
