"""How long a parent waits for an answer at Telegram's limits: `otbot run` with its default
OTBOT_SEND_RATE (30) against the bare concurrent page bot, with a network's delay on every
Bot API call.

Each round, for each bot: PARENTS parents send /start (not timed); then, timed, they ask
RATE questions a second in total, evenly spaced, for SECONDS seconds. A question's wait is
from the stand-in handing its update to the bot (getUpdates returning it) until the stand-in
receives the answer (sendMessage to that chat); the script prints p50, p95 and p99. Then
(otbot only: the bare bot keeps no limit) BURST parents ask at once, more than the limit
allows: the answers' rate over whole seconds from the first answer (answers in the first
k whole seconds / k) and how many pairs of answers went out in the opposite order to their
questions (first come, first served: 0). The stand-in answers 429 to anything over
Telegram's limits and the script fails on it.

Usage: .venv/bin/python bench/bench_latency.py [--latency 80] [--parents 200] [--rate 25]
           [--seconds 30] [--burst 300] [--rounds 3] [--bots otbot,ptb-conc]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    TOKEN,
    Tally,
    busiest_second,
    describe_machine,
    inversions,
    messages_to,
    percentile,
    start_polling_bot,
    stop_process,
)

from bench import QUESTIONS, bot_command
from bot.standin import BotApiStandIn, Call, SimUser

#: Answers out of order by more than this are counted apart from those sent side by side.
LATE = 0.5


@dataclass
class Round:
    waits: list[float] = field(default_factory=list)
    burst_rate: float = 0.0
    burst_seconds: float = 0.0
    burst_inversions: int = 0
    #: Of them, pairs whose answers came more than LATE seconds apart.
    burst_late: int = 0
    #: The most messages sent in one second (refused or not): at the /starts, the questions,
    #: the burst.
    busiest: list[int] = field(default_factory=list)
    #: Messages the stand-in refused (429, over Telegram's limit), in the same phases.
    refused: list[int] = field(default_factory=list)


async def ask(
    standin: BotApiStandIn, asked: list[tuple[SimUser, int]], user: SimUser, number: int
) -> None:
    user.send_text(QUESTIONS[number % len(QUESTIONS)])
    asked.append((user, standin.last_update_id))


def answered(standin: BotApiStandIn, after: int) -> dict[int, list[Call]]:
    """Each chat's answers among the sendMessage calls after the first `after`."""
    found: dict[int, list[Call]] = {}
    for call in standin.calls_to("sendMessage")[after:]:
        if call.ok:
            found.setdefault(call.params["chat_id"], []).append(call)
    return found


async def wait_for_answers(
    standin: BotApiStandIn, asked: list[tuple[SimUser, int]], after: int, within: float
) -> list[tuple[int, Call]]:
    """Wait until every question has its answer; (update id, answer) for each question (a
    chat's answers match its questions in order)."""
    per_chat: dict[int, int] = {}
    for user, _ in asked:
        per_chat[user.id] = per_chat.get(user.id, 0) + 1

    tally = Tally(standin)

    def done() -> bool:
        got = tally.update()
        if tally.total < owed:
            return False
        return all(got[chat] - before[chat] >= n for chat, n in per_chat.items())

    before = messages_to_before(standin, after)
    owed = sum(before.values()) + len(asked)
    await standin.wait_for(done, timeout=within)
    answers = answered(standin, after)
    taken: dict[int, int] = {}
    pairs = []
    for user, update_id in asked:
        index = taken.get(user.id, 0)
        taken[user.id] = index + 1
        pairs.append((update_id, answers[user.id][index]))
    return pairs


def messages_to_before(standin: BotApiStandIn, count: int) -> dict[int, int]:
    before: dict[int, int] = {}
    for call in standin.calls_to("sendMessage")[:count]:
        if call.ok:
            chat = call.params["chat_id"]
            before[chat] = before.get(chat, 0) + 1
    return before


async def one_round(
    name: str, args: argparse.Namespace, first_chat: int, send_rate: float
) -> Round:
    result = Round()
    marks: list[int] = []
    async with BotApiStandIn(TOKEN) as standin:
        # The bare bot keeps no limit.
        standin.flood_control = name == "otbot" and not args.no_flood_control
        with tempfile.TemporaryDirectory() as workdir:
            argv, env = bot_command(name, standin.url, Path(workdir), send_rate)
            process = await start_polling_bot(standin, argv, env)
            try:
                count = max(args.parents, args.burst if name == "otbot" else 0)
                users = [standin.user(first_chat + n, language_code="fi") for n in range(count)]
                for user in users:
                    user.send_text("/start")
                await standin.wait_for(lambda: len(messages_to(standin)) >= count, timeout=120)
                await asyncio.sleep(1.5)  # the limit's window is empty again
                standin.latency = args.latency / 1000
                after = len(standin.calls_to("sendMessage"))
                marks.append(after)
                asked: list[tuple[SimUser, int]] = []
                loop = asyncio.get_running_loop()
                started = loop.time()
                for number in range(round(args.rate * args.seconds)):
                    await asyncio.sleep(max(0.0, started + number / args.rate - loop.time()))
                    await ask(standin, asked, users[number % args.parents], number)
                pairs = await wait_for_answers(standin, asked, after, within=120)
                result.waits = [call.at - standin.offered_at[uid] for uid, call in pairs]
                if name == "otbot" and args.burst:
                    await asyncio.sleep(1.5)
                    after = len(standin.calls_to("sendMessage"))
                    marks.append(after)
                    asked = []
                    for number, user in enumerate(users[: args.burst]):
                        await ask(standin, asked, user, number)
                    pairs = await wait_for_answers(standin, asked, after, within=120)
                    times = sorted(call.at for _, call in pairs)
                    whole = int(times[-1] - times[0])
                    in_whole = sum(1 for at in times if at < times[0] + whole)
                    result.burst_rate = in_whole / whole if whole else float("nan")
                    offered = min(standin.offered_at[uid] for uid, _ in pairs)
                    result.burst_seconds = times[-1] - offered
                    by_offer = {
                        uid: rank
                        for rank, uid in enumerate(
                            sorted((uid for uid, _ in pairs), key=lambda u: standin.offered_at[u])
                        )
                    }
                    out = sorted(pairs, key=lambda pair: pair[1].at)
                    arrivals = [(by_offer[uid], call.at) for uid, call in out]
                    result.burst_inversions = inversions(arrivals)
                    result.burst_late = inversions(arrivals, apart=LATE)
                standin.latency = 0
            finally:
                await stop_process(process)
            sends = standin.calls_to("sendMessage")
            result.busiest = [
                busiest_second(call.at for call in sends[a:b])
                for a, b in zip([0, *marks], [*marks, len(sends)], strict=True)
            ]
            result.refused = [
                sum(1 for call in sends[a:b] if call.status == 429)
                for a, b in zip([0, *marks], [*marks, len(sends)], strict=True)
            ]
            broken = [v for v in standin.violations if not v.startswith("over Telegram's limit")]
            assert not broken, broken[:5]
    return result


def milliseconds(waits: list[float], share: float) -> float:
    return 1000 * percentile(waits, share)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=80.0, help="ms per Bot API call")
    parser.add_argument("--parents", type=int, default=200)
    parser.add_argument("--rate", type=float, default=25.0, help="questions a second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--burst", type=int, default=300, help="questions at once (0: none)")
    parser.add_argument("--send-rate", type=float, default=30.0, help="otbot's OTBOT_SEND_RATE")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--no-flood-control", action="store_true", help="the stand-in refuses nothing (no 429)"
    )
    parser.add_argument("--bots", default="otbot,ptb-conc")
    args = parser.parse_args()
    bots = args.bots.split(",")
    print(f"machine: {describe_machine()}")
    print(
        f"{args.parents} parents, {args.rate:g} questions/s for {args.seconds:g} s, burst "
        f"{args.burst}, {args.latency:.0f} ms per call, otbot OTBOT_SEND_RATE={args.send_rate:g}"
    )
    p99: dict[str, list[float]] = {name: [] for name in bots}
    bursts: list[Round] = []
    for number in range(1, args.rounds + 1):
        order = bots if number % 2 else list(reversed(bots))
        for name in order:
            began = time.perf_counter()
            result = await one_round(name, args, 10_000 * number, args.send_rate)
            waits = result.waits
            p99[name].append(milliseconds(waits, 0.99))
            print(
                f"round {number} {name:8} {len(waits)} questions: p50 "
                f"{milliseconds(waits, 0.5):.0f} ms, p95 {milliseconds(waits, 0.95):.0f} ms, "
                f"p99 {milliseconds(waits, 0.99):.0f} ms, max {1000 * max(waits):.0f} ms"
                f"; most sent in one second {result.busiest[1]}, refused (429) {result.refused[1]}"
                f" ({time.perf_counter() - began:.0f} s)",
                flush=True,
            )
            if name == "otbot" and args.burst:
                bursts.append(result)
                print(
                    f"round {number} {name:8} burst of {args.burst}: "
                    f"{result.burst_rate:.1f} answers/s over whole seconds "
                    f"({result.burst_rate / args.send_rate:.2f} x the limit), all answered "
                    f"{result.burst_seconds:.1f} s after the first was offered, "
                    f"{result.burst_inversions} order inversions ({result.burst_late} more than "
                    f"{LATE:g} s apart); most sent in one second "
                    f"{result.busiest[2]}, refused (429) {result.refused[2]}",
                    flush=True,
                )
    for name, values in p99.items():
        print(f"median p99 {name}: {statistics.median(values):.0f} ms")
    if "otbot" in p99 and len(p99) > 1:
        for name in p99:
            if name != "otbot":
                ratios = [a / b for a, b in zip(p99["otbot"], p99[name], strict=True)]
                print(f"median ratio of p99 otbot/{name}: {statistics.median(ratios):.2f}")
    if bursts:
        rate = statistics.median(r.burst_rate for r in bursts)
        flips = statistics.median(r.burst_inversions for r in bursts)
        late = statistics.median(r.burst_late for r in bursts)
        print(
            f"median burst rate {rate:.1f}/s ({rate / args.send_rate:.2f} x the limit), "
            f"median inversions {flips:g} ({late:g} more than {LATE:g} s apart)"
        )


if __name__ == "__main__":
    asyncio.run(main())
