"""Sending: a chat whose calls hang holds up no one else, and Telegram's limits are kept
without losing or reordering anything."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from conftest import RunningBot
from support.family import SECRET, STAFF, new_case

from bot.config import Settings
from bot.standin import BotApiStandIn, Call, SimUser


def answers_to(standin: BotApiStandIn, chat_id: int) -> int:
    return sum(1 for call in standin.calls_to("sendMessage") if call.params["chat_id"] == chat_id)


async def answer_time(standin: BotApiStandIn, parent: SimUser, text: str) -> float:
    """Seconds from a parent's message being offered to the bot to its answer arriving."""
    loop = asyncio.get_running_loop()
    before = answers_to(standin, parent.id)
    asked = loop.time()
    parent.send_text(text)
    await standin.wait_for(lambda: answers_to(standin, parent.id) > before, timeout=10)
    answered = max(
        call.at for call in standin.calls_to("sendMessage") if call.params["chat_id"] == parent.id
    )
    return answered - asked


async def test_a_chat_whose_calls_hang_holds_up_no_other_family(
    standin: BotApiStandIn, make_settings: Callable[..., Settings]
) -> None:
    standin.latency = 0.08  # every call answered as late as from a server in Helsinki
    bot = RunningBot(make_settings())
    await bot.start(standin)
    try:
        stuck = standin.user(4101, language_code="en")
        standin.delay_chat(stuck.id, 20)
        stuck.send_text("/start")
        await standin.wait_for(lambda: answers_to(standin, stuck.id) == 1)
        stuck.send_text("my baby cries every evening")  # waits behind the hung answer
        others = [standin.user(4200 + n, language_code="fi") for n in range(5)]
        times = [await answer_time(standin, parent, "/start") for parent in others]
        times += [await answer_time(standin, parent, "vauva itkee iltaisin") for parent in others]
        # Each answer is one call of 80 ms after the update: well inside half a second.
        assert max(times) < 0.5, times
        # The hung chat's second answer waits for its first: in order, not around it.
        assert answers_to(standin, stuck.id) == 1
    finally:
        standin.delay_chat(4101, 0)
        await bot.stop()


async def test_the_21st_message_of_a_minute_into_the_staff_group_waits_its_turn(
    standin: BotApiStandIn, make_settings: Callable[..., Settings]
) -> None:
    standin.flood_control = True  # Telegram's own limits: the stand-in refuses what exceeds
    group = standin.group(STAFF, "Lasten toimintaterapia", forum=True)
    bot = RunningBot(make_settings(staff_chat_id=STAFF, secret=SECRET, staff_language="fi"))
    issued = [new_case(bot, label=f"Lapsi {n}") for n in range(5)]
    await bot.start(standin)
    try:
        parents = [standin.user(6000 + n, language_code="fi") for n in range(5)]
        for parent, code in zip(parents, issued, strict=True):
            parent.send_text(f"/start {code.link_code}")  # the topic is told: 5 messages
        await standin.wait_for(lambda: len(group.topics) == 5)
        for round_ in range(4):  # 20 relays more: 25 messages into the group in all
            for n, parent in enumerate(parents):
                parent.send_text(f"perhe {n} viesti {round_}")
        # While the group's minute is used up, a parent's question is answered at once.
        newcomer = standin.user(6100, language_code="fi")
        await standin.wait_for(lambda: len(group_messages(standin)) >= 20, timeout=30)
        assert await answer_time(standin, newcomer, "/start") < 0.5
        await standin.wait_for(lambda: len(group_messages(standin)) == 25, timeout=90)
        await standin.wait_idle(timeout=10)

        sent = group_messages(standin)
        times = sorted(call.at for call in sent)
        assert times[20] - times[0] >= 59.5  # the 21st waited for the first's minute to pass
        assert not standin.violations  # no 429: the bot kept the limit itself
        for n, code in enumerate(issued):
            topic = next(t for t, name in group.topics.items() if name.startswith(code.reference))
            relayed = [m.text for m in group.messages(topic) if m.copied_from]
            assert relayed == [f"perhe {n} viesti {r}" for r in range(4)]  # none lost, in order
    finally:
        await bot.stop()


def group_messages(standin: BotApiStandIn) -> list[Call]:
    return [
        call
        for method in ("sendMessage", "copyMessage")
        for call in standin.calls_to(method)
        if call.ok and call.params["chat_id"] == STAFF
    ]
