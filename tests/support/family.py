"""A staff group, cases and linked families, for the tests of both sides of a conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from conftest import RunningBot

from bot.config import Settings
from bot.domain.cases import IssuedCode, open_case
from bot.standin import BotApiStandIn, SimGroup, SimUser
from bot.store.database import make_engine, migrate, unit_of_work

STAFF = -100555
SECRET = "a-test-secret-of-at-least-32-characters"
#: The therapist who writes in the staff group.
THERAPIST = 7001


@pytest.fixture
async def staffed_bot(
    standin: BotApiStandIn, make_settings: Callable[..., Settings], staff_language: str
) -> AsyncIterator[RunningBot]:
    standin.group(STAFF, "Lasten toimintaterapia", forum=True)
    settings = make_settings(staff_chat_id=STAFF, secret=SECRET, staff_language=staff_language)
    bot = RunningBot(settings)
    await bot.start(standin)
    try:
        yield bot
    finally:
        await bot.stop()


def new_case(bot: RunningBot, label: str = "Eetu 4 kk") -> IssuedCode:
    engine = make_engine(bot.settings.database_url)
    migrate(engine)
    with unit_of_work(engine) as db:
        issued = open_case(db, label=label, secret=SECRET.encode(), days=14)
    engine.dispose()
    return issued


def staff_group(standin: BotApiStandIn) -> SimGroup:
    return standin.group(STAFF)


def topic_of(standin: BotApiStandIn, reference: str) -> int:
    topics = {name: thread for thread, name in staff_group(standin).topics.items()}
    return next(thread for name, thread in topics.items() if name.startswith(reference))


async def linked_parent(
    standin: BotApiStandIn, bot: RunningBot, user_id: int = 9001, language: str = "fi"
) -> tuple[SimUser, IssuedCode]:
    issued = new_case(bot)
    parent = standin.user(user_id, first_name="Anna", language_code=language)
    parent.send_text(f"/start {issued.link_code}")
    await standin.wait_idle()
    await standin.wait_for(lambda: bool(staff_group(standin).topics))
    return parent, issued


async def guardian_of_two(
    standin: BotApiStandIn, bot: RunningBot
) -> tuple[SimUser, IssuedCode, IssuedCode]:
    """A parent linked to two cases: "Eetu 4 kk" first, then "Aino 2 v"."""
    parent, first = await linked_parent(standin, bot)
    second = new_case(bot, label="Aino 2 v")
    parent.send_text(f"/start {second.link_code}")
    await standin.wait_idle()
    return parent, first, second


async def second_guardian(
    standin: BotApiStandIn, topic: int, therapist: SimUser, user_id: int
) -> SimUser:
    """A therapist sends /link in the topic and another guardian opens the new link."""
    staff_group(standin).send_text(therapist, "/link", thread_id=topic)
    await standin.wait_idle()
    notice = staff_group(standin).last_bot_message(topic).text
    guardian = standin.user(user_id, language_code="en")
    guardian.send_text(f"/start {notice.split('start=')[1].split()[0]}")
    await standin.wait_idle()
    return guardian


def topic_says(standin: BotApiStandIn, topic: int, text: str) -> bool:
    return any(m.text == text for m in staff_group(standin).bot_messages(topic))


async def staff_says(standin: BotApiStandIn, topic: int | None, text: str) -> str:
    """A therapist writes in a topic (None: the general topic); returns the bot's answer."""
    group = staff_group(standin)
    before = len(group.bot_messages(topic))
    group.send_text(standin.user(THERAPIST, language_code="fi"), text, thread_id=topic)
    await standin.wait_idle()
    await standin.wait_for(lambda: len(group.bot_messages(topic)) > before)
    return group.bot_messages(topic)[before].text or ""


async def open_code_page(standin: BotApiStandIn, person: SimUser) -> None:
    """An English-speaking parent goes to "I'm already a customer" → "I have a code"."""
    for step in (
        lambda: person.send_text("/start"),
        lambda: person.tap("already a customer"),
        lambda: person.tap("I have a code"),
    ):
        step()
        await standin.wait_idle()


def plain(html: str) -> str:
    """A message's text as a parent reads it (without its HTML tags)."""
    return html.replace("<b>", "").replace("</b>", "").replace("<code>", "").replace("</code>", "")
