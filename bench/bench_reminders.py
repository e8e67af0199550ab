"""Reminders due in one tick: how fast `otbot run` claims and sends them, against a bare
python-telegram-bot script that only sends the same number of messages, in the same run,
with or without a network's delay on every Bot API call.

Each round prepares a store with VISITS cases, each with one linked guardian and a visit
three hours ahead whose 48 h and 2 h reminders are both due (so each visit must get exactly
one message), starts `otbot run` with `OTBOT_SEND_RATE` set to RATE, and times the stand-in
from the first reminder until every guardian has one. It then checks that no guardian got
two, and prints the most messages that reached the stand-in in any one second, refused or
not (at RATE 30, the default, the stand-in refuses with 429 what is over Telegram's limit,
and counts it). The baseline (bench/bulk_sender.py) sends as many messages at the same
rate cap, with up to CONCURRENCY in flight (1: one after another). Not part of the test
run.

Usage: .venv/bin/python bench/bench_reminders.py [--visits 10000] [--rate 1000] [--rounds 3]
           [--latency 0] [--concurrency 64] [--bots otbot,bare]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    ROOT,
    TOKEN,
    Tally,
    busiest_second,
    clean_env,
    cpu_seconds,
    describe_machine,
    otbot_command,
    stop_process,
)

from bot.standin import BotApiStandIn
from bot.store.database import make_engine, migrate, unit_of_work
from bot.store.models import (
    Case,
    Conversation,
    Guardian,
    Reminder,
    Visit,
    utcnow,
)

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
    name: str, api_url: str, workdir: Path, visits: int, rate: float, concurrency: int
) -> tuple[list[str], dict[str, str]]:
    if name == "bare":
        sender = str(ROOT / "bench" / "bulk_sender.py")
        argv = [sys.executable, sender, api_url, TOKEN, str(FIRST_CHAT), str(visits), str(rate)]
        return [*argv, str(concurrency)], clean_env()
    return otbot_command(api_url, workdir, quiet_hours="", send_rate=rate)


@dataclass
class Outcome:
    seconds: float
    #: The sender's CPU milliseconds a message (what a busy machine changes less).
    cpu: float
    busiest: int
    refused: int


async def one_round(name: str, args: argparse.Namespace) -> Outcome:
    """Seconds from the first message until every chat has one; checks for duplicates."""
    visits = args.visits
    async with BotApiStandIn(TOKEN) as standin:
        standin.flood_control = args.rate <= 30
        standin.latency = args.latency / 1000
        for n in range(visits):
            standin.user(FIRST_CHAT + n)
        with tempfile.TemporaryDirectory() as workdir:
            if name == "otbot":
                prepare_store(Path(workdir) / "bench.sqlite3", visits)
            argv, env = command(
                name, standin.url, Path(workdir), visits, args.rate, args.concurrency
            )
            launched = time.perf_counter()
            process = await asyncio.create_subprocess_exec(*argv, env=env, cwd=ROOT)
            try:
                await standin.wait_for(lambda: sent(standin) >= 1, timeout=60)
                started = time.perf_counter()
                cpu_before = cpu_seconds(process.pid)
                print(f"  {name}: first message {started - launched:.2f} s after launch")
                tally = Tally(standin)
                await standin.wait_for(
                    lambda: tally.update() and tally.total >= visits, timeout=3600
                )
                elapsed = time.perf_counter() - started
                cpu = cpu_seconds(process.pid) - cpu_before
                await asyncio.sleep(1.0)  # anything doubled would arrive now
            finally:
                await stop_process(process)
            calls = standin.calls_to("sendMessage")
            per_chat = collections.Counter(call.params["chat_id"] for call in calls if call.ok)
            assert len(per_chat) == visits, f"{visits - len(per_chat)} chats got nothing"
            doubled = [chat for chat, count in per_chat.items() if count > 1]
            assert not doubled, f"{len(doubled)} chats got a reminder twice"
            broken = [v for v in standin.violations if not v.startswith("over Telegram's limit")]
            assert not broken, broken[:3]
    return Outcome(
        elapsed,
        1000 * cpu / visits,
        busiest_second(call.at for call in calls),
        sum(1 for call in calls if call.status == 429),
    )


def sent(standin: BotApiStandIn) -> int:
    return sum(1 for call in standin.calls_to("sendMessage") if call.status == 200)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.0, help="ms per Bot API call")
    parser.add_argument(
        "--concurrency", type=int, default=64, help="the bare sender's messages in flight"
    )
    parser.add_argument("--bots", default="otbot,bare", help="otbot alone: no ratio")
    args = parser.parse_args()
    bots = args.bots.split(",")
    print(f"machine: {describe_machine()}")
    print(
        f"{args.visits} visits due, send rate {args.rate:g}/s, {args.latency:g} ms per call, "
        f"bare sender {args.concurrency} in flight"
    )
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    for number in range(1, args.rounds + 1):
        order = list(reversed(bots)) if number % 2 else bots
        seconds, cpu = {}, {}
        for name in order:
            outcome = await one_round(name, args)
            seconds[name], cpu[name] = outcome.seconds, outcome.cpu
            print(
                f"round {number} {name:5} {outcome.seconds:7.1f} s  "
                f"{args.visits / outcome.seconds:7.1f} messages/s, {outcome.cpu:.2f} ms CPU a "
                f"message; most sent in one second "
                f"{outcome.busiest}, refused (429) {outcome.refused}",
                flush=True,
            )
        if len(seconds) == 2:
            ratios.append(seconds["bare"] / seconds["otbot"])
            cpu_ratios.append(cpu["otbot"] / cpu["bare"])
            print(
                f"round {number} rate ratio otbot/bare {ratios[-1]:.2f}, CPU a message "
                f"{cpu_ratios[-1]:.2f}; no duplicates"
            )
    if ratios:
        print(
            f"median rate ratio otbot/bare: {statistics.median(ratios):.2f}, "
            f"CPU a message: {statistics.median(cpu_ratios):.2f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
