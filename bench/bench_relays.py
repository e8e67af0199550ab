"""The inbox at Telegram's overall limit: how fast `otbot run` copies linked families'
messages into their cases' topics and therapists' replies back to the families, with a
network's delay on every Bot API call, and whether every chat got its messages in order.

Each round: staff open FAMILIES cases (as `otbot case new` does), each family links its chat
with its code (the bot makes the case's topic), writes once and gets one reply (not timed:
the bot's notice outside office hours goes out here). Then, timed, the families send
MESSAGES messages at once, FAMILIES at a time in turn, and once they are all in the topics,
a therapist sends MESSAGES replies at once in the topics, in turn too. For each side the
script prints the rate (messages / seconds from the first being handed to the bot until the
last copy reached the stand-in), the p50 and p99 of each message's time from being handed
to the bot until its copy arrived, and the chats (topics, families) whose copies arrived
out of order. OTBOT_SEND_RATE stays at its default, 30; the limit a minute into one group
is raised (OTBOT_GROUP_RATE), or the staff group's 20 a minute would be the whole story.

Usage: .venv/bin/python bench/bench_relays.py [--latency 80] [--families 50]
           [--messages 200] [--rounds 3] [--send-rate 30] [--group-rate 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    ROOT,
    SECRET,
    TOKEN,
    busiest_second,
    database_url,
    describe_machine,
    otbot_command,
    percentile,
    start_polling_bot,
    stop_process,
)

from bot.standin import BotApiStandIn, Call, SimGroup, SimUser

sys.path.insert(0, str(ROOT / "tests"))
from support.inbox import ok_copies, open_cases, out_of_order_in

STAFF = -100888


@dataclass
class Side:
    rate: float
    p50: float
    p99: float
    out_of_order: int
    #: The most messages (copies and the bot's own) sent in one second meanwhile.
    busiest: int = 0


def measure(
    standin: BotApiStandIn, sent: dict[tuple[int, int], int], key: str, copies_from: int
) -> Side:
    """`sent`: (chat the message was written in, its id) -> its update id."""
    copies = list(ok_copies(standin))[copies_from:]
    arrived: dict[tuple[int, int], float] = {}
    for copy, call in zip(copies, ok_calls(standin)[copies_from:], strict=True):
        arrived.setdefault((copy["from_chat_id"], copy["message_id"]), call.at)
    waits = [arrived[message] - standin.offered_at[update] for message, update in sent.items()]
    first = min(standin.offered_at[update] for update in sent.values())
    rate = len(sent) / (max(arrived[message] for message in sent) - first)
    return Side(
        rate,
        percentile(waits, 0.5),
        percentile(waits, 0.99),
        len(out_of_order_in(copies, key=key)),
    )


def ok_calls(standin: BotApiStandIn) -> list[Call]:
    return [call for call in standin.calls_to("copyMessage") if call.ok]


def copied(standin: BotApiStandIn, sent: dict[tuple[int, int], int]) -> Callable[[], bool]:
    def done() -> bool:
        arrived = {(copy["from_chat_id"], copy["message_id"]) for copy in ok_copies(standin)}
        return arrived >= sent.keys()

    return done


async def one_round(args: argparse.Namespace, first_chat: int) -> tuple[Side, Side]:
    async with BotApiStandIn(TOKEN) as standin:
        standin.newcomer_status = "administrator"  # whoever writes in the group is staff
        group: SimGroup = standin.group(STAFF, "Lasten toimintaterapia", forum=True)
        therapist = standin.user(first_chat - 1, first_name="Terapeutti")
        group.set_member(therapist, "administrator")
        with tempfile.TemporaryDirectory() as workdir:
            cases = open_cases(database_url(Path(workdir)), args.families, SECRET)
            argv, env = otbot_command(
                standin.url,
                Path(workdir),
                staff_chat_id=STAFF,
                staff_language="en",
                send_rate=args.send_rate,
                group_rate=args.group_rate,
            )
            process = await start_polling_bot(standin, argv, env)
            try:
                parents = [
                    standin.user(first_chat + n, first_name=f"Vanhempi {n}", language_code="fi")
                    for n in range(args.families)
                ]
                for parent, (_case, issued) in zip(parents, cases, strict=True):
                    parent.send_text(f"/start {issued.link_code}")
                await standin.wait_for(lambda: len(group.topics) >= args.families, timeout=120)
                topics = [
                    next(t for t, name in group.topics.items() if name.startswith(code.reference))
                    for _case, code in cases
                ]

                # Not timed: each family writes once and gets a reply.
                await exchange(standin, group, therapist, parents, topics, args.families)
                await asyncio.sleep(1.5)  # the limit's window is empty again
                standin.latency = args.latency / 1000
                families, staff = await exchange(
                    standin, group, therapist, parents, topics, args.messages
                )
                standin.latency = 0
            finally:
                await stop_process(process)
            assert not standin.violations, standin.violations[:5]
    return families, staff


async def exchange(
    standin: BotApiStandIn,
    group: SimGroup,
    therapist: SimUser,
    parents: list[SimUser],
    topics: list[int],
    each_side: int,
) -> tuple[Side, Side]:
    """`each_side` messages from the families (in turn), then as many replies from staff
    (topic by topic in turn): each side all at once, and waited for."""
    before, calls = len(ok_calls(standin)), len(standin.calls)
    sent: dict[tuple[int, int], int] = {}
    for number in range(each_side):
        parent = parents[number % len(parents)]
        message = parent.send_text(f"Perhe {parent.chat_id} viesti {number}")
        sent[parent.chat_id, message["message_id"]] = standin.last_update_id
    await standin.wait_for(copied(standin, sent), timeout=300)
    families = measure(standin, sent, "message_thread_id", before)
    families.busiest = most_in_one_second(standin, calls)

    before, calls = len(ok_calls(standin)), len(standin.calls)
    sent = {}
    for number in range(each_side):
        topic = topics[number % len(topics)]
        message = group.send_text(therapist, f"Vastaus {number}", thread_id=topic)
        sent[group.id, message["message_id"]] = standin.last_update_id
    await standin.wait_for(copied(standin, sent), timeout=300)
    staff = measure(standin, sent, "chat_id", before)
    staff.busiest = most_in_one_second(standin, calls)
    return families, staff


def most_in_one_second(standin: BotApiStandIn, since: int) -> int:
    """The most messages sent in one second among the calls after the first `since`."""
    sends = [c.at for c in standin.calls[since:] if c.method in ("copyMessage", "sendMessage")]
    return busiest_second(sends)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=80.0, help="ms per Bot API call")
    parser.add_argument("--families", type=int, default=50)
    parser.add_argument("--messages", type=int, default=200, help="on each side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--send-rate", type=float, default=30.0, help="OTBOT_SEND_RATE")
    parser.add_argument("--group-rate", type=int, default=100_000, help="OTBOT_GROUP_RATE")
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    print(
        f"{args.families} linked families, {args.messages} messages each side, "
        f"{args.latency:.0f} ms per call, OTBOT_SEND_RATE={args.send_rate:g}, "
        f"OTBOT_GROUP_RATE={args.group_rate}"
    )
    rates: dict[str, list[float]] = {"families to topics": [], "staff to families": []}
    for number in range(1, args.rounds + 1):
        sides = await one_round(args, 10_000 * number)
        for (name, values), side in zip(rates.items(), sides, strict=True):
            values.append(side.rate)
            print(
                f"round {number} {name}: {side.rate:.1f} messages/s, p50 "
                f"{1000 * side.p50:.0f} ms, p99 {1000 * side.p99:.0f} ms, "
                f"{side.out_of_order} chats out of order; most sent in one second "
                f"{side.busiest}",
                flush=True,
            )
    for name, values in rates.items():
        print(f"median {name}: {statistics.median(values):.1f} messages/s")


if __name__ == "__main__":
    asyncio.run(main())
