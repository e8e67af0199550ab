"""A therapist books a visit in the case's topic; the family gets it, and its reminders at
the right times, in their language; they answer with one tap and the topic hears it once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from conftest import Clock, RunningBot
from sqlalchemy import delete, select
from support.family import (
    SECRET,
    STAFF,
    THERAPIST,
    second_guardian,
    staff_group,
    staff_says,
)
from support.visits import family, next_message

from bot.config import Settings
from bot.standin import BotApiStandIn
from bot.store.database import unit_of_work
from bot.store.models import Conversation, Reminder, Visit

#: A few scheduler ticks: long enough for a due reminder to have gone out.
TICKS = 0.4


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # Monday 10.00 in Helsinki


@pytest.fixture
def visit_settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(
        staff_chat_id=STAFF, secret=SECRET, staff_language="en", tick_seconds=0.05
    )


@pytest.fixture
async def bot(
    standin: BotApiStandIn, visit_settings: Settings, clock: Clock
) -> AsyncIterator[RunningBot]:
    standin.group(STAFF, "Lasten toimintaterapia", forum=True)
    running = RunningBot(visit_settings, clock)
    await running.start(standin)
    try:
        yield running
    finally:
        await running.stop()


async def quietly(standin: BotApiStandIn) -> None:
    """Let a few scheduler ticks and the outbox run."""
    await asyncio.sleep(TICKS)
    await standin.wait_idle()


def topic_texts(standin: BotApiStandIn, topic: int) -> list[str]:
    return [m.text or "" for m in staff_group(standin).bot_messages(topic)]


async def test_a_booked_visit_reaches_the_family_and_is_confirmed_with_one_tap(
    standin: BotApiStandIn, bot: RunningBot, clock: Clock
) -> None:
    parent, topic = await family(standin, bot)
    seen = len(parent.bot_messages())
    answer = await staff_says(standin, topic, "/visit 3.12.2026 13.00 home Ovikoodi 1234")
    assert answer == "📅 Visit booked: Thu 3 Dec at 13.00 · home. The family was told."

    booked = await next_message(standin, parent, seen)
    assert "to 3.12. klo 13.00" in (booked.text or "")
    assert "Ovikoodi 1234" in (booked.text or "")
    assert len(booked.buttons()) == 3

    clock.set("2026-12-01T12:59")
    await quietly(standin)
    assert len(parent.bot_messages()) == seen + 1, "no reminder before its lead time"
    clock.set("2026-12-01T13:00")
    reminder = await next_message(standin, parent, seen + 1)
    assert reminder.text
    assert reminder.text.startswith("⏰")
    assert "to 3.12. klo 13.00" in reminder.text

    parent.press(reminder.message_id, reminder.button("✅"))
    await standin.wait_idle()
    edited = next(m for m in parent.bot_messages() if m.message_id == reminder.message_id)
    assert "✅" in (edited.text or "")
    assert [label for label, _data in edited.buttons() if "✅" in label] == []
    await standin.wait_for(
        lambda: (
            "✅ The family confirmed the visit on Thu 3 Dec at 13.00."
            in topic_texts(standin, topic)
        )
    )
    # A second press on the first message (it still shows Confirm) changes nothing.
    parent.press(booked.message_id, booked.button("✅"))
    await standin.wait_idle()
    assert standin.calls_to("answerCallbackQuery")[-1].params.get("text")
    await quietly(standin)
    confirmations = [t for t in topic_texts(standin, topic) if t.startswith("✅ The family")]
    assert len(confirmations) == 1

    # The later reminder of a confirmed visit is a short nudge without buttons.
    count = len(parent.bot_messages())
    clock.set("2026-12-03T11:00")
    nudge = await next_message(standin, parent, count)
    assert nudge.buttons() == []
    assert "to 3.12. klo 13.00" in (nudge.text or "")


async def test_a_reminder_due_in_quiet_hours_comes_the_evening_before(
    standin: BotApiStandIn, bot: RunningBot, clock: Clock
) -> None:
    parent, topic = await family(standin, bot, language="en")
    await staff_says(standin, topic, "/visit 3.12. 9.30 clinic")
    clock.set("2026-12-01T09:30")
    await standin.wait_for(lambda: len(parent.bot_messages()) == 3)  # linked, booked, 48 h
    clock.set("2026-12-02T20:54")
    await quietly(standin)
    assert len(parent.bot_messages()) == 3
    clock.set("2026-12-02T20:55")
    reminder = await next_message(standin, parent, 3)
    assert "Thu 3 Dec at 9.30" in (reminder.text or "")
    clock.set("2026-12-03T08:05")  # after the quiet hours: the 2 h reminder went already
    await quietly(standin)
    assert len(parent.bot_messages()) == 4


async def test_nothing_goes_out_in_quiet_hours_even_when_due(
    standin: BotApiStandIn, bot: RunningBot, clock: Clock
) -> None:
    parent, topic = await family(standin, bot, language="en")
    await staff_says(standin, topic, "/visit 3.12. 13.00 clinic")
    clock.set("2026-12-01T22:00")  # the 48 h reminder fell due at 13.00 while the clock jumped
    await quietly(standin)
    assert len(parent.bot_messages()) == 2
    clock.set("2026-12-02T08:00")
    reminder = await next_message(standin, parent, 2)
    assert reminder.text
    assert reminder.text.startswith("⏰")


@pytest.mark.both_databases
async def test_reminders_missed_while_the_bot_was_down_go_out_once_when_it_starts(
    standin: BotApiStandIn, visit_settings: Settings, clock: Clock
) -> None:
    standin.group(STAFF, "Lasten toimintaterapia", forum=True)
    bot = RunningBot(visit_settings, clock)
    await bot.start(standin)
    parent, topic = await family(standin, bot, language="sv")
    await staff_says(standin, topic, "/visit 3.12. 13.00 daghem")
    await staff_says(standin, topic, "/visit 4.12. 13.00 hem")
    await staff_says(standin, topic, "/visit 2.12. 13.00 mottagning")
    await standin.wait_for(lambda: len(parent.bot_messages()) == 4)
    await bot.stop()

    # Down over both lead times of the first visit; the second visit's 48 h falls due too,
    # and a third visit passes entirely.
    clock.set("2026-12-03T12:00")
    await bot.start(standin)
    await standin.wait_for(lambda: len(parent.bot_messages()) == 6)
    await quietly(standin)
    reminders = parent.bot_messages()[4:]
    assert len(reminders) == 2
    assert "tors 3.12 kl. 13.00" in (reminders[0].text or "")
    assert "fre 4.12 kl. 13.00" in (reminders[1].text or "")
    await bot.stop()
    await bot.start(standin)  # and a restart sends nothing again
    await quietly(standin)
    assert len(parent.bot_messages()) == 6
    await bot.stop()
    with unit_of_work(bot.engine()) as db:
        statuses = db.execute(select(Visit.status).order_by(Visit.starts_at)).scalars().all()
        pending = db.execute(select(Reminder.lead_hours)).scalars().all()
    assert statuses == ["scheduled", "reminded", "reminded"]  # the past one got none
    assert pending == [2]  # the second visit's 2 h reminder


async def test_a_visit_booked_inside_the_lead_time_gets_only_the_later_reminder(
    standin: BotApiStandIn, bot: RunningBot, clock: Clock
) -> None:
    parent, topic = await family(standin, bot, language="en")
    await staff_says(standin, topic, "/visit 30.11. 13.30 clinic")  # in 3.5 hours
    await standin.wait_for(lambda: len(parent.bot_messages()) == 2)
    await staff_says(standin, topic, "/visit 30.11. 11.00 clinic")  # in an hour: no reminder
    await standin.wait_for(lambda: len(parent.bot_messages()) == 3)
    clock.set("2026-11-30T11:29")
    await quietly(standin)
    assert len(parent.bot_messages()) == 3
    clock.set("2026-11-30T11:30")
    reminder = await next_message(standin, parent, 3)
    assert "Mon 30 Nov at 13.30" in (reminder.text or "")
    await quietly(standin)
    assert len(parent.bot_messages()) == 4


async def test_another_time_relays_the_parents_answer_to_the_topic(
    standin: BotApiStandIn, bot: RunningBot
) -> None:
    parent, topic = await family(standin, bot, language="en")
    await staff_says(standin, topic, "/visit 3.12. 13.00 clinic")
    card = await next_message(standin, parent, 1)
    parent.press(card.message_id, card.button("another time"))
    await standin.wait_idle()
    assert "Which days and times would suit you?" in (parent.last_bot_message().text or "")
    await standin.wait_for(
        lambda: any("needs another time" in t for t in topic_texts(standin, topic))
    )
    wish = parent.send_text("Tuesday or Wednesday morning")
    await standin.wait_idle()
    await standin.wait_for(
        lambda: any(
            m.copied_from == (parent.chat_id, wish["message_id"])
            for m in staff_group(standin).bot_messages(topic)
        )
    )
    assert "family asks for another time" in await staff_says(standin, topic, "/visits")


async def test_cancel_asks_first_then_cancels_and_tells_the_topic(
    standin: BotApiStandIn, bot: RunningBot
) -> None:
    parent, topic = await family(standin, bot, language="en")
    await staff_says(standin, topic, "/visit 3.12. 13.00 clinic")
    card = await next_message(standin, parent, 1)
    parent.press(card.message_id, card.button("Cancel"))
    await standin.wait_idle()
    asked = parent.last_bot_message()
    assert asked.message_id == card.message_id
    assert "Cancel this visit?" in (asked.text or "")
    yes = asked.button("Yes")
    parent.press(asked.message_id, asked.button("keep"))
    await standin.wait_idle()
    assert parent.last_bot_message().button("Confirm")
    parent.press(card.message_id, parent.last_bot_message().button("Cancel"))
    await standin.wait_idle()
    parent.press(card.message_id, parent.last_bot_message().button("Yes"))
    await standin.wait_idle()
    assert "You cancelled the visit on Thu 3 Dec at 13.00" in (
        parent.last_bot_message().text or ""
    )
    await standin.wait_for(
        lambda: (
            "✖️ The family cancelled the visit on Thu 3 Dec at 13.00."
            in topic_texts(standin, topic)
        )
    )
    # The old "Yes" again: nothing changes.
    parent.press(card.message_id, yes, check=False)
    await standin.wait_idle()
    notice = standin.calls_to("answerCallbackQuery")[-1].params.get("text")
    assert notice == "This visit is no longer booked."
    await quietly(standin)
    assert sum("family cancelled" in t for t in topic_texts(standin, topic)) == 1


async def test_a_stranger_pressing_a_visit_button_changes_nothing(
    standin: BotApiStandIn, bot: RunningBot
) -> None:
    parent, topic = await family(standin, bot, language="en")
    await staff_says(standin, topic, "/visit 3.12. 13.00 clinic")
    card = await next_message(standin, parent, 1)
    stranger = standin.user(9666, language_code="en")
    stranger.send_text("/start")
    await standin.wait_idle()
    menu = stranger.last_bot_message()
    stranger.press(menu.message_id, card.button("Confirm"), check=False)
    await standin.wait_idle()
    notice = standin.calls_to("answerCallbackQuery")[-1].params.get("text")
    assert notice == "This button does not work in this chat."
    assert stranger.last_bot_message().text == menu.text
    await quietly(standin)
    assert not any("confirmed" in t for t in topic_texts(standin, topic))
    with unit_of_work(bot.engine()) as db:
        assert db.execute(select(Visit.status)).scalar() == "scheduled"


async def test_staff_list_move_and_cancel_visits_and_old_buttons_know_it(
    standin: BotApiStandIn, bot: RunningBot
) -> None:
    parent, topic = await family(standin, bot, language="en")
    await staff_says(standin, topic, "/visit 3.12. 13.00 clinic")
    await staff_says(standin, topic, "/visit 2026-12-10 09:00 daycare Sunflower group")
    assert await staff_says(standin, topic, "/visit 3.12. 13.00 home") == (
        "The case already has a visit at Thu 3 Dec at 13.00; nothing was booked."
    )
    listing = await staff_says(standin, topic, "/visits")
    assert listing.splitlines()[1:] == [
        "1. Thu 3 Dec at 13.00 · clinic · booked",
        "2. Thu 10 Dec at 9.00 · daycare · booked · Sunflower group",
    ]
    first = await next_message(standin, parent, 1)
    assert await staff_says(standin, topic, "/visit move 1 4.12. 10.00") == (
        "📅 Visit 1 moved to Fri 4 Dec at 10.00. The family was told."
    )
    moved = await next_message(standin, parent, 3)
    assert "new time" in (moved.text or "")
    assert "Fri 4 Dec at 10.00" in (moved.text or "")
    assert "Earlier time: Thu 3 Dec at 13.00" in (moved.text or "")

    # Confirm on the message about the old time: the message is brought up to date instead.
    parent.press(first.message_id, first.button("Confirm"))
    await standin.wait_idle()
    notice = standin.calls_to("answerCallbackQuery")[-1].params.get("text")
    assert notice == "The visit has a new time; the message now shows it."
    refreshed = next(m for m in parent.bot_messages() if m.message_id == first.message_id)
    assert "Fri 4 Dec at 10.00" in (refreshed.text or "")
    with unit_of_work(bot.engine()) as db:
        assert db.execute(select(Visit.status).order_by(Visit.id)).scalars().first() == (
            "scheduled"
        )

    assert await staff_says(standin, topic, "/visit cancel 2") == (
        "✖️ Visit 2 (Thu 10 Dec at 9.00) cancelled. The family was told."
    )
    cancelled = await next_message(standin, parent, 4)
    assert "Your visit has been cancelled" in (cancelled.text or "")
    refused = await staff_says(standin, topic, "/visit cancel 7")
    assert refused.startswith("Nothing was changed: give the number of the visit from /visits.")
    refused = await staff_says(standin, topic, "/visit 3.12. 25.00 clinic")
    assert refused.startswith("Nothing was changed: write the time like 9.30 or 09:30.")
    # Numbers stay: a visit booked now for an earlier day is number 3, not 1.
    await staff_says(standin, topic, "/visit 1.12. 9.00 home")
    listing = await staff_says(standin, topic, "/visits")
    assert listing.splitlines()[3] == "3. Tue 1 Dec at 9.00 · home · booked"
    assert listing.splitlines()[1].startswith("1. Fri 4 Dec at 10.00")


async def test_my_visits_in_the_menu_of_a_linked_family(
    standin: BotApiStandIn, bot: RunningBot
) -> None:
    outsider = standin.user(9500, language_code="en")
    outsider.send_text("/start")
    await standin.wait_idle()
    assert "My visits" not in str(outsider.last_bot_message().buttons())
    outsider.send_text("/visits")
    await standin.wait_idle()
    assert "once this chat is linked" in (outsider.last_bot_message().text or "")

    parent, topic = await family(standin, bot, language="en")
    parent.send_text("/start")
    await standin.wait_idle()
    parent.tap("My visits")
    await standin.wait_idle()
    assert "no upcoming visits" in (parent.last_bot_message().text or "")
    await staff_says(standin, topic, "/visit 3.12. 13.00 clinic")
    await staff_says(standin, topic, "/visit 10.12. 13.00 clinic")
    await standin.wait_for(
        lambda: sum("booked for you" in (m.text or "") for m in parent.bot_messages()) == 2
    )
    count = len(parent.bot_messages())
    parent.send_text("/visits")
    await standin.wait_idle()
    shown = parent.bot_messages()[count:]
    assert ["Thu 3 Dec" in (m.text or "") for m in shown[:2]] == [True, False]
    assert "Thu 10 Dec" in (shown[1].text or "")
    assert shown[2].button("Main menu") == "main:main"
    parent.press(shown[1].message_id, shown[1].button("Confirm"))
    await standin.wait_idle()
    await standin.wait_for(
        lambda: (
            "✅ The family confirmed the visit on Thu 10 Dec at 13.00."
            in topic_texts(standin, topic)
        )
    )


@pytest.mark.parametrize(
    ("language", "when"),
    [
        ("fi", "to 3.12. klo 9.30"),
        ("sv", "tors 3.12 kl. 9.30"),
        ("en", "Thu 3 Dec at 9.30"),
        ("de", "Thu 3 Dec at 9.30"),  # any other language of the app: English
    ],
)
async def test_the_family_reads_the_time_as_people_here_write_it(
    standin: BotApiStandIn, bot: RunningBot, clock: Clock, language: str, when: str
) -> None:
    parent, topic = await family(standin, bot, language=language)
    await staff_says(standin, topic, "/visit 3.12. 9.30 koti")
    booked = await next_message(standin, parent, 1)
    assert when in (booked.text or "")
    clock.set("2026-12-01T09:30")
    reminder = await next_message(standin, parent, 2)
    assert when in (reminder.text or "")


async def test_a_guardian_whose_language_the_bot_does_not_keep_reads_english(
    standin: BotApiStandIn, bot: RunningBot, clock: Clock
) -> None:
    parent, topic = await family(standin, bot, language="de")
    with unit_of_work(bot.engine()) as db:
        db.execute(delete(Conversation))
    await staff_says(standin, topic, "/visit 3.12. 9.30 clinic")
    booked = await next_message(standin, parent, 1)
    assert "Thu 3 Dec at 9.30" in (booked.text or "")
    clock.set("2026-12-01T09:30")
    reminder = await next_message(standin, parent, 2)
    assert "Thu 3 Dec at 9.30" in (reminder.text or "")


async def test_staff_hear_when_a_visit_message_cannot_reach_the_family(
    standin: BotApiStandIn, bot: RunningBot
) -> None:
    parent, topic = await family(standin, bot, language="en")
    parent.block_bot()
    await standin.wait_idle()
    await staff_says(standin, topic, "/visit 3.12. 13.00 clinic")
    await standin.wait_for(
        lambda: (
            "⛔ The family has blocked the bot: messages cannot reach them."
            in topic_texts(standin, topic)
        )
    )


async def test_a_guardian_who_links_later_hears_of_the_visits_ahead(
    standin: BotApiStandIn, bot: RunningBot
) -> None:
    _parent, topic = await family(standin, bot, language="en")
    await staff_says(standin, topic, "/visit 3.12. 13.00 clinic")
    therapist = standin.user(THERAPIST, language_code="fi")
    other = await second_guardian(standin, topic, therapist, user_id=9002)
    await standin.wait_for(
        lambda: any("Thu 3 Dec at 13.00" in (m.text or "") for m in other.bot_messages())
    )
    card = next(m for m in other.bot_messages() if "Thu 3 Dec" in (m.text or ""))
    assert card.button("Confirm")


async def test_no_visit_is_booked_for_a_closed_case(
    standin: BotApiStandIn, bot: RunningBot
) -> None:
    _parent, topic = await family(standin, bot, language="en")
    await staff_says(standin, topic, "/close")
    refused = await staff_says(standin, topic, "/visit 3.12. 13.00 clinic")
    assert refused.startswith("Nothing was changed: the case is closed; /reopen it first.")
    await staff_says(standin, topic, "/reopen")
    booked = await staff_says(standin, topic, "/visit 3.12. 13.00 clinic")
    assert booked.startswith("📅 Visit booked")
    refused = await staff_says(standin, topic, "/close")
    assert refused.startswith("The case still has visits ahead (1).")
    assert (await staff_says(standin, topic, "/visit cancel 1")).startswith("✖️ Visit 1")
    assert (await staff_says(standin, topic, "/close")).startswith("✅ The case was closed")


async def test_when_one_guardian_cancels_the_other_is_told(
    standin: BotApiStandIn, bot: RunningBot
) -> None:
    parent, topic = await family(standin, bot, language="en")
    therapist = standin.user(THERAPIST, language_code="fi")
    other = await second_guardian(standin, topic, therapist, user_id=9003)
    await staff_says(standin, topic, "/visit 3.12. 13.00 clinic")
    await standin.wait_for(
        lambda: any("booked for you" in (m.text or "") for m in other.bot_messages())
    )
    card = next(m for m in parent.bot_messages() if "booked for you" in (m.text or ""))
    parent.press(card.message_id, card.button("Cancel"))
    await standin.wait_idle()
    parent.tap("Yes")
    await standin.wait_idle()
    await standin.wait_for(
        lambda: "Your visit has been cancelled" in (other.last_bot_message().text or "")
    )


async def test_cancelling_a_past_visit_tells_no_one(
    standin: BotApiStandIn, bot: RunningBot, clock: Clock
) -> None:
    parent, topic = await family(standin, bot, language="en")
    await staff_says(standin, topic, "/visit 1.12. 13.00 clinic")
    await standin.wait_for(lambda: len(parent.bot_messages()) == 2)
    clock.set("2026-12-01T14:00")
    answer = await staff_says(standin, topic, "/visit cancel 1")
    assert answer.startswith("✖️ Visit 1 (Tue 1 Dec at 13.00) cancelled. No one was told")
    await quietly(standin)
    assert len(parent.bot_messages()) == 2


def refused_edits(standin: BotApiStandIn) -> list[str]:
    return [c.description or "" for c in standin.calls_to("editMessageText") if not c.ok]


async def test_confirm_pressed_twice_asks_telegram_for_no_edit_that_changes_nothing(
    standin: BotApiStandIn, bot: RunningBot
) -> None:
    parent, topic = await family(standin, bot)
    seen = len(parent.bot_messages())
    await staff_says(standin, topic, "/visit 3.12.2026 13.00 home")
    card = await next_message(standin, parent, seen)
    confirm = card.button("✅")
    parent.press(card.message_id, confirm)
    await standin.wait_idle()
    edits = len(standin.calls_to("editMessageText"))
    assert edits == 1
    # The second tap of a double tap: Telegram delivers it with the card as it was.
    parent.press(card.message_id, confirm, check=False)
    await standin.wait_idle()
    await quietly(standin)
    answers = standin.calls_to("answerCallbackQuery")
    assert answers[-1].params.get("text") == "Olet jo vahvistanut tämän käynnin."
    assert len(standin.calls_to("editMessageText")) == edits, "no edit that changes nothing"
    assert refused_edits(standin) == []
    confirmations = [t for t in topic_texts(standin, topic) if t.startswith("✅ The family")]
    assert len(confirmations) == 1
