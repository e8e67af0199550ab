"""Property: however families and therapists take turns, no case ever sees another's messages."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from conftest import TOKEN, RunningBot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.family import SECRET

from bot.config import load_settings
from bot.domain.cases import open_case
from bot.standin import BotApiStandIn
from bot.store.database import make_engine, migrate, unit_of_work

STAFF = -100777
CASES = 3
#: An action: (who, case): a parent of case i writes, or a therapist writes in case i's topic.
actions = st.lists(
    st.tuples(st.sampled_from(["parent", "therapist"]), st.integers(0, CASES - 1)),
    min_size=1,
    max_size=12,
)


async def scenario(steps: list[tuple[str, int]], workdir: Path) -> None:
    async with BotApiStandIn(TOKEN) as standin:
        group = standin.group(STAFF, "Staff", forum=True)
        bot = RunningBot(
            load_settings(
                token=TOKEN,
                api_url=standin.url,
                database_url=f"sqlite:///{workdir / 'otbot.sqlite3'}",
                staff_chat_id=STAFF,
                secret=SECRET,
                poll_timeout=10,
            )
        )
        engine = make_engine(bot.settings.database_url)
        migrate(engine)
        with unit_of_work(engine) as db:
            issued = [
                open_case(db, label=f"child {i}", secret=SECRET.encode(), days=1)
                for i in range(CASES)
            ]
        engine.dispose()
        therapist = standin.user(7000, language_code="fi")
        group.set_member(therapist, "administrator")  # staff are the group's administrators
        await bot.start(standin)
        try:
            parents = [standin.user(5000 + i, language_code="en") for i in range(CASES)]
            for parent, code in zip(parents, issued, strict=True):
                parent.send_text(f"/start {code.link_code}")
            await standin.wait_idle()
            await standin.wait_for(lambda: len(group.topics) == CASES)
            topic = {
                i: next(t for t, name in group.topics.items() if name.startswith(code.reference))
                for i, code in enumerate(issued)
            }
            expected = 0
            for number, (who, case) in enumerate(steps):
                if who == "parent":
                    parents[case].send_text(f"from parent {case} #{number}")
                else:
                    group.send_text(
                        therapist, f"from topic {case} #{number}", thread_id=topic[case]
                    )
                expected += 1
            await standin.wait_idle()
            await standin.wait_for(
                lambda: len([c for c in standin.calls_to("copyMessage") if c.ok]) == expected,
                timeout=20,
            )
            for case in range(CASES):
                in_topic = [m.text for m in group.messages(topic[case]) if m.copied_from]
                assert all(text.startswith(f"from parent {case} ") for text in in_topic)
                assert len(in_topic) == steps.count(("parent", case))
                received = [m.text for m in parents[case].bot_messages() if m.copied_from]
                assert all(text.startswith(f"from topic {case} ") for text in received)
                assert len(received) == steps.count(("therapist", case))
            assert not standin.violations
        finally:
            await bot.stop()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=actions)
def test_cases_never_see_each_others_messages(steps: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        asyncio.run(scenario(steps, Path(workdir)))
