"""A therapist's answer in a case topic the bot has just made reaches the family, even when
Telegram made the topic before its answer reached the bot, or the bot stopped in between."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from botapi_standin import BotApiStandIn, SimGroup, SimUser
from conftest import TOKEN, RunningBot
from telegram import Bot

from bot.cases import IssuedCode, open_case
from bot.config import Settings
from bot.store.database import make_engine, migrate, unit_of_work

STAFF = -100556
SECRET = "test-secret-for-new-topics"


@pytest.fixture
async def staffed_bot(
    standin: BotApiStandIn, make_settings: Callable[..., Settings]
) -> AsyncIterator[RunningBot]:
    standin.group(STAFF, "Lasten toimintaterapia", forum=True)
    bot = RunningBot(make_settings(staff_chat_id=STAFF, secret=SECRET, staff_language="en"))
    await bot.start(standin)
    try:
        yield bot
    finally:
        await bot.stop()


def new_case(bot: RunningBot, label: str) -> IssuedCode:
    engine = make_engine(bot.settings.database_url)
    migrate(engine)
    with unit_of_work(engine) as db:
        issued = open_case(db, label=label, secret=SECRET.encode(), days=14)
    engine.dispose()
    return issued


def copies_from_staff(parent: SimUser) -> list[str]:
    return [m.text or "" for m in parent.bot_messages() if m.protect_content]


async def test_an_answer_in_a_topic_made_a_moment_ago_reaches_the_family(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    group: SimGroup = standin.group(STAFF)
    therapist = standin.user(8101, first_name="Terapeutti")
    issued = new_case(staffed_bot, "Eetu 4 kk")
    # Telegram makes the topic at once, but its answer reaches the bot late.
    standin.delay("createForumTopic", 1.5)
    parent = standin.user(9201)
    parent.send_text(f"/start {issued.link_code}")
    await standin.wait_for(lambda: bool(group.topics))
    (topic,) = group.topics
    group.send_text(therapist, "Tervetuloa, olen Eetun terapeutti", thread_id=topic)
    await standin.wait_for(lambda: bool(copies_from_staff(parent)), timeout=5)
    assert copies_from_staff(parent) == ["Tervetuloa, olen Eetun terapeutti"]
    standin.delay("createForumTopic", 0)
    parent.send_text("Kiitos!")
    await standin.wait_idle(timeout=10)
    assert list(group.topics) == [topic], "one topic for the case"
    assert [m.text for m in group.messages(topic) if m.from_bot][-1] == "Kiitos!"


async def test_an_answer_in_a_topic_the_bot_never_noted_still_reaches_the_family(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    group: SimGroup = standin.group(STAFF)
    therapist = standin.user(8102, first_name="Terapeutti")
    issued = new_case(staffed_bot, "Aino 2 v")
    # A run of the bot made the case's topic and stopped before it noted it.
    async with Bot(TOKEN, base_url=standin.base_url) as dead_run:
        orphan = await dead_run.create_forum_topic(STAFF, f"{issued.reference} Aino 2 v")
    parent = standin.user(9202)
    parent.send_text(f"/start {issued.link_code}")
    await standin.wait_idle(timeout=10)
    noted = next(thread for thread in group.topics if thread != orphan.message_thread_id)
    group.send_text(therapist, "Nähdään torstaina", thread_id=orphan.message_thread_id)
    group.send_text(therapist, "Soittakaa jos tulee kysyttävää", thread_id=noted)
    await standin.wait_idle(timeout=10)
    assert copies_from_staff(parent) == ["Nähdään torstaina", "Soittakaa jos tulee kysyttävää"]


async def test_a_topic_someone_else_named_like_a_case_is_no_case(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    group: SimGroup = standin.group(STAFF)
    therapist = standin.user(8103, first_name="Terapeutti")
    issued = new_case(staffed_bot, "Veera 3 v")
    parent = standin.user(9203)
    parent.send_text(f"/start {issued.link_code}")
    await standin.wait_idle(timeout=10)
    lookalike = group.create_topic(therapist, f"{issued.reference} muistiinpanot")
    group.send_text(therapist, "Vain meille", thread_id=lookalike)
    await standin.wait_idle(timeout=10)
    assert copies_from_staff(parent) == []
