"""Updates per second of `otbot run` against a bare PTB echo bot, in the same run.

Both bots run as their own processes against the Bot API stand-in, which runs in this
process. Each round: 100 chats send a warm-up message each; then, timed, 4 questions each
arrive at once, and the round ends when every question has its answer. Three rounds
alternate the two bots; the script prints each round's rate and the median ratio.

Usage: .venv/bin/python bench/bench.py [--chats 100] [--questions 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from botapi_standin import BotApiStandIn  # noqa: E402

TOKEN = "123456:BENCH-token"
QUESTIONS = [
    "vauva itkee joka ilta tuntikausia",
    "bebisen vill inte äta, vad ska jag göra?",
    "my baby screams every evening",
    "miten saan lähetteen toimintaterapiaan",
]


def bot_command(name: str, api_url: str, workdir: Path) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTBOT_")}
    if name == "echo":
        return [sys.executable, str(ROOT / "bench" / "echo_bot.py"), api_url, TOKEN], env
    env.update(
        OTBOT_TOKEN=TOKEN,
        OTBOT_API_URL=api_url,
        OTBOT_DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        OTBOT_LOG_LEVEL="WARNING",
    )
    return [sys.executable, "-m", "bot", "run"], env


async def one_round(name: str, chats: int, questions: int, first_chat: int) -> float:
    async with BotApiStandIn(TOKEN) as standin:
        with tempfile.TemporaryDirectory() as workdir:
            argv, env = bot_command(name, standin.url, Path(workdir))
            process = await asyncio.create_subprocess_exec(*argv, env=env, cwd=ROOT)
            try:
                await standin.wait_for(lambda: standin.polling, timeout=60)
                users = [standin.user(first_chat + n, language_code="fi") for n in range(chats)]
                for user in users:
                    user.send_text("/start")
                await standin.wait_for(lambda: answered(standin) >= chats, timeout=120)
                started = time.perf_counter()
                for round_ in range(questions):
                    for user in users:
                        user.send_text(QUESTIONS[round_ % len(QUESTIONS)])
                total = chats * (questions + 1)
                await standin.wait_for(lambda: answered(standin) >= total, timeout=300)
                elapsed = time.perf_counter() - started
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), timeout=30)
            assert not standin.violations, standin.violations
    return chats * questions / elapsed


def answered(standin: BotApiStandIn) -> int:
    return sum(1 for call in standin.calls_to("sendMessage") if call.status == 200)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--questions", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python {platform.python_version()}; {args.chats} chats x {args.questions} questions")
    ratios = []
    for number in range(1, args.rounds + 1):
        order = ("echo", "otbot") if number % 2 else ("otbot", "echo")
        rates = {}
        for name in order:
            rates[name] = await one_round(name, args.chats, args.questions, 10_000 * number)
            print(f"round {number} {name:6} {rates[name]:8.1f} updates/s")
        ratios.append(rates["otbot"] / rates["echo"])
        print(f"round {number} ratio otbot/echo {ratios[-1]:.2f}")
    print(f"median ratio otbot/echo: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    asyncio.run(main())
