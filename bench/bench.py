"""Questions answered per second: `otbot run` against bare python-telegram-bot page bots
(one update at a time, and `concurrent_updates(64)`), in the same run, with or without a
network's delay on every Bot API call.

Every bot runs as its own process against the Bot API stand-in, which runs in this process
and answers every call but getUpdates `--latency` ms late. Each round: CHATS parents send
/start (not timed); then, timed, QUESTIONS typed questions each arrive at once, and the round
ends when every question has its answer. Rounds alternate the order of the bots; the script
prints each round's rates and each bot's CPU time a question (which a busy machine changes
less than the rates), and the median of each ratio otbot / baseline.

Usage: .venv/bin/python bench/bench.py [--latency 80] [--chats 100] [--questions 2]
           [--rounds 3] [--send-rate 1000] [--bots otbot,ptb-seq,ptb-conc]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    ROOT,
    TOKEN,
    Tally,
    clean_env,
    cpu_seconds,
    describe_machine,
    messages_to,
    otbot_command,
    start_polling_bot,
    stop_process,
)

from bot.standin import BotApiStandIn

QUESTIONS = [
    "vauva itkee joka ilta tuntikausia",
    "bebisen vill inte äta, vad ska jag göra?",
    "my baby screams every evening",
    "miten saan lähetteen toimintaterapiaan",
]


def bot_command(
    name: str, api_url: str, workdir: Path, send_rate: float
) -> tuple[list[str], dict[str, str]]:
    """otbot, or a bare page bot: "ptb-seq" (one update at a time), "ptb-conc" (64 at once)."""
    if name == "otbot":
        return otbot_command(api_url, workdir, send_rate=send_rate)
    argv = [sys.executable, str(ROOT / "bench" / "page_bot.py"), api_url, TOKEN]
    return argv + (["--concurrent"] if name == "ptb-conc" else []), clean_env()


async def one_round(
    name: str, *, chats: int, questions: int, first_chat: int, latency: float, send_rate: float
) -> tuple[float, float]:
    """Questions answered a second, and the bot's CPU milliseconds a question."""
    async with BotApiStandIn(TOKEN) as standin:
        with tempfile.TemporaryDirectory() as workdir:
            argv, env = bot_command(name, standin.url, Path(workdir), send_rate)
            process = await start_polling_bot(standin, argv, env)
            try:
                users = [standin.user(first_chat + n, language_code="fi") for n in range(chats)]
                for user in users:
                    user.send_text("/start")
                await standin.wait_for(lambda: len(messages_to(standin)) >= chats, timeout=120)
                before = messages_to(standin)
                standin.latency = latency
                started = time.perf_counter()
                cpu_before = cpu_seconds(process.pid)
                for number in range(questions):
                    for user in users:
                        user.send_text(QUESTIONS[number % len(QUESTIONS)])

                tally = Tally(standin)
                owed = sum(before[u.id] for u in users) + questions * len(users)

                def all_answered() -> bool:
                    tally.update()
                    if tally.total < owed:
                        return False
                    got = tally.per_chat
                    return all(got[u.id] - before[u.id] >= questions for u in users)

                await standin.wait_for(all_answered, timeout=600)
                elapsed = time.perf_counter() - started
                cpu = cpu_seconds(process.pid) - cpu_before
                standin.latency = 0
            finally:
                await stop_process(process)
            assert not standin.violations, standin.violations[:5]
    return chats * questions / elapsed, 1000 * cpu / (chats * questions)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=80.0, help="ms per Bot API call")
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--questions", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--send-rate", type=float, default=1000.0, help="otbot's OTBOT_SEND_RATE")
    parser.add_argument("--bots", default="otbot,ptb-seq,ptb-conc")
    args = parser.parse_args()
    bots = args.bots.split(",")
    print(f"machine: {describe_machine()}")
    print(
        f"{args.chats} chats x {args.questions} questions, {args.latency:.0f} ms per call, "
        f"otbot OTBOT_SEND_RATE={args.send_rate:g}"
    )
    ratios: dict[str, list[float]] = {name: [] for name in bots if name != "otbot"}
    cpu_ratios: dict[str, list[float]] = {name: [] for name in ratios}
    for number in range(1, args.rounds + 1):
        order = bots if number % 2 else list(reversed(bots))
        rates, cpu = {}, {}
        for name in order:
            rates[name], cpu[name] = await one_round(
                name,
                chats=args.chats,
                questions=args.questions,
                first_chat=10_000 * number,
                latency=args.latency / 1000,
                send_rate=args.send_rate,
            )
            print(
                f"round {number} {name:8} {rates[name]:8.1f} questions/s"
                f" {cpu[name]:6.2f} ms CPU a question",
                flush=True,
            )
        for name in ratios:
            ratios[name].append(rates["otbot"] / rates[name])
            cpu_ratios[name].append(cpu["otbot"] / cpu[name])
    for name, values in ratios.items():
        print(
            f"median ratio otbot/{name}: {statistics.median(values):.2f} questions/s, "
            f"{statistics.median(cpu_ratios[name]):.2f} CPU a question"
        )


if __name__ == "__main__":
    asyncio.run(main())
