"""Reminders due in one tick: how fast `otbot run` claims and sends them, against a bare
python-telegram-bot script that only sends the same number of messages, in the same run.

Each round prepares a store with VISITS cases, each with one linked guardian and a visit
three hours ahead whose 48 h and 2 h reminders are both due (so each visit must get exactly
one message), starts `otbot run` with `OTBOT_SEND_RATE` set to RATE, and times the stand-in
from the first reminder until every guardian has one. It then checks that no
guardian got two. The baseline sends as many messages at the same rate cap. Not part of
the test run (it takes minutes).

Usage: .venv/bin/python bench/bench_reminders.py [--visits 10000] [--rate 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from bot.standin import BotApiStandIn  # noqa: E402
from bot.store.database import make_engine, migrate, unit_of_work  # noqa: E402
from bot.store.models import (  # noqa: E402
    Case,
    Conversation,
    Guardian,
    Reminder,
    Visit,
    utcnow,
)

TOKEN = "123456:BENCH-token"
FIRST_CHAT = 100_000


def prepare_store(database: Path, visits: int) -> None:
    engine = make_engine(f"sqlite:///{database}")
    migrate(engine)
    now = utcnow()
    starts = now + timedelta(hours=3)
    with unit_of_work(engine) as db:
        tables = {
            model: model.__table__  # type: ignore[attr-defined]
            for model in (Case, Guardian, Conversation, Visit, Reminder)
        }
        db.execute(
            insert(tables[Case]),
            [
                {
                    "id": n + 1,
                    "reference": f"OT-2026-{n:05d}",
                    "label": f"Lapsi {n}",
                    "status": "open",
                    "created_at": now,
                }
                for n in range(visits)
            ],
        )
        db.execute(
            insert(tables[Guardian]),
            [
                {"case_id": n + 1, "chat_id": FIRST_CHAT + n, "linked_at": now}
                for n in range(visits)
            ],
        )
        db.execute(
            insert(tables[Conversation]),
            [
                {
                    "chat_id": FIRST_CHAT + n,
                    "language": ("fi", "sv", "en")[n % 3],
                    "language_chosen": True,
                    "state": "main",
                    "updated_at": now,
                }
                for n in range(visits)
            ],
        )
        db.execute(
            insert(tables[Visit]),
            [
                {
                    "id": n + 1,
                    "case_id": n + 1,
                    "starts_at": starts,
                    "place": "clinic",
                    "note": "",
                    "status": "scheduled",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(visits)
            ],
        )
        db.execute(
            insert(tables[Reminder]),
            [
                {"visit_id": n + 1, "lead_hours": lead, "due_at": starts - timedelta(hours=lead)}
                for n in range(visits)
                for lead in (48, 2)
            ],
        )
    engine.dispose()


def command(
    name: str, api_url: str, workdir: Path, visits: int, rate: float
) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTBOT_")}
    if name == "bare":
        argv = [
            sys.executable,
            str(ROOT / "bench" / "bulk_sender.py"),
            api_url,
            TOKEN,
            str(FIRST_CHAT),
            str(visits),
            str(rate),
        ]
        return argv, env
    env.update(
        OTBOT_TOKEN=TOKEN,
        OTBOT_API_URL=api_url,
        OTBOT_DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        OTBOT_LOG_LEVEL="WARNING",
        OTBOT_QUIET_HOURS="",
        OTBOT_SEND_RATE=str(rate),
    )
    return [sys.executable, "-m", "bot", "run"], env


async def one_round(name: str, visits: int, rate: float) -> float:
    """Seconds from the first message until every chat has one; checks for duplicates."""
    async with BotApiStandIn(TOKEN) as standin:
        for n in range(visits):
            standin.user(FIRST_CHAT + n)
        with tempfile.TemporaryDirectory() as workdir:
            if name == "otbot":
                prepare_store(Path(workdir) / "bench.sqlite3", visits)
            argv, env = command(name, standin.url, Path(workdir), visits, rate)
            launched = time.perf_counter()
            process = await asyncio.create_subprocess_exec(*argv, env=env, cwd=ROOT)
            try:
                await standin.wait_for(lambda: sent(standin) >= 1, timeout=60)
                started = time.perf_counter()
                print(f"  {name}: first message {started - launched:.2f} s after launch")
                await standin.wait_for(lambda: sent(standin) >= visits, timeout=3600)
                elapsed = time.perf_counter() - started
                await asyncio.sleep(1.0)  # anything doubled would arrive now
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), timeout=60)
            per_chat = collections.Counter(
                call.params["chat_id"]
                for call in standin.calls_to("sendMessage")
                if call.status == 200
            )
            assert len(per_chat) == visits, f"{visits - len(per_chat)} chats got nothing"
            doubled = [chat for chat, count in per_chat.items() if count > 1]
            assert not doubled, f"{len(doubled)} chats got a reminder twice"
            assert not standin.violations, standin.violations[:3]
    return elapsed


def sent(standin: BotApiStandIn) -> int:
    return sum(1 for call in standin.calls_to("sendMessage") if call.status == 200)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python {platform.python_version()}; {args.visits} visits due, send rate {args.rate}/s")
    ratios = []
    for number in range(1, args.rounds + 1):
        order = ("bare", "otbot") if number % 2 else ("otbot", "bare")
        seconds = {}
        for name in order:
            seconds[name] = await one_round(name, args.visits, args.rate)
            rate = args.visits / seconds[name]
            print(f"round {number} {name:5} {seconds[name]:7.1f} s  {rate:7.1f} messages/s")
        ratios.append(seconds["bare"] / seconds["otbot"])
        print(f"round {number} rate ratio otbot/bare {ratios[-1]:.2f}; no duplicates")
    print(f"median rate ratio otbot/bare: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    asyncio.run(main())
