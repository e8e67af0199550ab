"""Only the staff group's administrators act as staff: anyone else in the group reaches no
family, makes no code or case, and the group hears about them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from conftest import Clock, RunningBot
from support.family import SECRET, STAFF, linked_parent, new_case, staff_group, topic_of

from bot.config import Settings
from bot.domain.inbox import FAMILY_NOTICES
from bot.i18n import Translator
from bot.standin import BotApiStandIn, SimGroup, SimUser
from bot.telegram.staff_access import NOTICES

OWNER = 7000
PARENT = 9001


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # a Monday, 10:00 in Helsinki


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    # Staff read Swedish here, whatever language the people's Telegram is in.
    return make_settings(staff_chat_id=STAFF, secret=SECRET, staff_language="sv")


@pytest.fixture
async def bot(
    standin: BotApiStandIn, settings: Settings, clock: Clock
) -> AsyncIterator[RunningBot]:
    group = standin.group(STAFF, "Lasten toimintaterapia", forum=True)
    group.set_member(standin.user(OWNER, "Olli", language_code="fi"), "creator")
    running = RunningBot(settings, clock)
    await running.start(standin)
    try:
        yield running
    finally:
        await running.stop()


def member(standin: BotApiStandIn, user_id: int, name: str = "Ulla") -> SimUser:
    """Someone in the staff group who is not an administrator."""
    person = standin.user(user_id, name, language_code="fi")
    staff_group(standin).set_member(person, "member")
    return person


def sent_to_family(standin: BotApiStandIn) -> list[int]:
    """The staff messages copied to the family's chat."""
    return [
        c.params["message_id"]
        for c in standin.calls_to("copyMessage")
        if c.params["chat_id"] == PARENT
    ]


def said(group: SimGroup, text: str, topic: int | None) -> list[int]:
    """The messages the bot answered with `text` in a topic (None: the general topic)."""
    return [
        m.reply_to_message_id or 0
        for m in group.bot_messages()
        if m.text == text and m.message_thread_id == topic
    ]


@pytest.mark.both_databases
async def test_a_member_who_is_not_staff_reaches_no_family_and_is_told_once_a_day(
    standin: BotApiStandIn, bot: RunningBot, clock: Clock, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, bot, user_id=PARENT)
    topic = topic_of(standin, issued.reference)
    group = staff_group(standin)
    stranger = member(standin, 8001)
    first = group.send_text(stranger, "Hei, olen uusi täällä", thread_id=topic)
    group.send_photo(stranger, caption="Kuva", thread_id=topic)
    group.send_text(stranger, "Kuuleeko perhe?", thread_id=topic)
    await standin.wait_idle()
    assert sent_to_family(standin) == []
    assert all(m.copied_from is None for m in parent.bot_messages())
    staff_only = translators["sv"](NOTICES["staff_only"])
    assert said(group, staff_only, topic) == [first["message_id"]]
    clock.advance(days=1)
    again = group.send_text(stranger, "Entä tänään?", thread_id=topic)
    await standin.wait_idle()
    assert said(group, staff_only, topic) == [first["message_id"], again["message_id"]]
    assert sent_to_family(standin) == []


async def test_a_member_who_is_not_staff_makes_no_code_no_case_and_closes_nothing(
    standin: BotApiStandIn, bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, bot, user_id=PARENT)
    topic = topic_of(standin, issued.reference)
    group = staff_group(standin)
    stranger = member(standin, 8001)
    for command in ("/link", "/close", "/status"):
        group.send_text(stranger, command, thread_id=topic)
    newcase = group.send_text(stranger, "/newcase Oma lapsi")
    await standin.wait_idle()
    assert all("start=" not in (m.text or "") for m in group.bot_messages())
    assert standin.calls_to("sendPhoto") == []
    closed = translators["fi"](FAMILY_NOTICES["closed"])
    assert all(m.text != closed for m in parent.bot_messages())
    staff_only = translators["sv"](NOTICES["staff_only"])
    assert len(said(group, staff_only, topic)) == 1
    assert said(group, staff_only, None) == [newcase["message_id"]]
    # Telegram was asked for the administrators at start and once more for the stranger,
    # not again for each of their commands.
    assert len(standin.calls_to("getChatAdministrators")) == 2


async def test_someone_who_just_joined_acts_in_no_topic_and_each_is_told_once_per_topic(
    standin: BotApiStandIn, bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, first = await linked_parent(standin, bot, user_id=PARENT)
    other = new_case(bot, label="Aino 2 v")
    standin.user(9002, language_code="fi").send_text(f"/start {other.link_code}")
    await standin.wait_for(lambda: len(staff_group(standin).topics) == 2)
    topic, second_topic = topic_of(standin, first.reference), topic_of(standin, other.reference)
    group = staff_group(standin)
    newcomer = standin.user(8001, "Ulla", language_code="fi")
    group.join(newcomer)
    await standin.wait_idle()
    hello = group.send_text(newcomer, "Hei perhe, olen uusi", thread_id=topic)
    group.send_text(newcomer, "/link", thread_id=topic)
    group.send_text(newcomer, "Kuuleeko kukaan?", thread_id=topic)
    elsewhere = group.send_text(newcomer, "Entä täällä?", thread_id=second_topic)
    newcase = group.send_text(newcomer, "/newcase Oma lapsi")
    late = standin.user(8006, "Veera", language_code="fi")
    group.join(late)
    await standin.wait_idle()
    also = group.send_text(late, "Minäkin", thread_id=topic)
    await standin.wait_idle()
    to_families = [c for c in standin.calls_to("copyMessage") if c.params["chat_id"] != STAFF]
    assert to_families == []
    assert all(m.copied_from is None for m in parent.bot_messages())
    assert all("start=" not in (m.text or "") for m in group.bot_messages())
    assert standin.calls_to("sendPhoto") == [], "no code, no case"
    assert len(group.topics) == 2
    staff_only = translators["sv"](NOTICES["staff_only"])
    assert said(group, staff_only, topic) == [hello["message_id"], also["message_id"]]
    assert said(group, staff_only, second_topic) == [elsewhere["message_id"]]
    assert said(group, staff_only, None) == [newcase["message_id"]]


@pytest.mark.both_databases
async def test_someone_made_administrator_acts_as_staff_until_demoted(
    standin: BotApiStandIn, bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, bot, user_id=PARENT)
    topic = topic_of(standin, issued.reference)
    group = staff_group(standin)
    owner = standin.user(OWNER)
    therapist = standin.user(8002, "Terhi", language_code="fi")
    group.join(therapist)
    await standin.wait_idle()
    group.promote(therapist, by=owner)
    await standin.wait_idle()
    welcome = group.send_text(therapist, "Tervetuloa torstaina", thread_id=topic)
    await standin.wait_for(lambda: sent_to_family(standin) == [welcome["message_id"]])
    assert parent.last_bot_message().text == "Tervetuloa torstaina"
    group.demote(therapist, by=owner)
    await standin.wait_idle()
    group.send_text(therapist, "Vielä yksi asia", thread_id=topic)
    group.send_text(therapist, "/link", thread_id=topic)
    await standin.wait_idle()
    assert sent_to_family(standin) == [welcome["message_id"]]
    assert all("start=" not in (m.text or "") for m in group.bot_messages(topic))
    assert len(said(group, translators["sv"](NOTICES["staff_only"]), topic)) == 1


async def test_the_group_is_told_at_once_when_someone_not_staff_joins(
    standin: BotApiStandIn, bot: RunningBot, translators: dict[str, Translator]
) -> None:
    group = staff_group(standin)
    owner = standin.user(OWNER)
    group.join(standin.user(8003, "Ulla", username="ulla_k"))
    told = translators["sv"](NOTICES["not_staff_member"], name="Ulla (@ulla_k)")
    await standin.wait_for(lambda: bool(said(group, told, None)))
    # A therapist added straight as an administrator is staff: no news.
    group.change_member(standin.user(8004, "Terhi"), "administrator", by=owner)
    await standin.wait_idle()
    assert [m.text for m in group.bot_messages()] == [told]


async def test_administrators_are_read_at_start(
    standin: BotApiStandIn,
    settings: Settings,
    clock: Clock,
) -> None:
    group = standin.group(STAFF, "Lasten toimintaterapia", forum=True)
    therapist = standin.user(8005, "Terhi", language_code="fi")
    group.set_member(therapist, "administrator")
    running = RunningBot(settings, clock)
    await running.start(standin)
    try:
        _parent, issued = await linked_parent(standin, running, user_id=PARENT)
        topic = topic_of(standin, issued.reference)
        first = group.send_text(therapist, "Hei, olen Terhi", thread_id=topic)
        await standin.wait_for(lambda: sent_to_family(standin) == [first["message_id"]])
        assert len(standin.calls_to("getChatAdministrators")) == 1
        await running.stop()
        group.set_member(therapist, "member")  # demoted while the bot was stopped
        await running.start(standin)
        group.send_text(therapist, "Vielä yksi", thread_id=topic)
        await standin.wait_idle()
        assert sent_to_family(standin) == [first["message_id"]]
    finally:
        await running.stop()
