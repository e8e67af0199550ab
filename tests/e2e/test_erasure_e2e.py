"""After the retention period a closed case is erased: its topic in the staff group goes
with every copied message, and its row keeps only the reference, the dates and the status.
When the bot may not delete topics, staff are told once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import RunningBot
from sqlalchemy import func, select, update
from support.family import linked_parent, new_case, staff_group, topic_of
from support.family import staffed_bot as staffed_bot  # the fixture
from support.store_scan import (
    a_conversation_leaving_traces,
    left_in_the_file,
    leftovers,
    store_bytes,
)

from bot.domain.inbox import STAFF_NOTICES
from bot.i18n import Translator
from bot.standin import BotApiStandIn
from bot.store.database import unit_of_work
from bot.store.models import Case, RelayedMessage, utcnow

THERAPIST = 7001
NO_RIGHTS = "Bad Request: not enough rights to delete the topic"


async def closed_case_with_a_conversation(standin: BotApiStandIn, bot: RunningBot) -> int:
    """A family and their therapist talk, the therapist closes the case; its topic."""
    parent, issued = await linked_parent(standin, bot)
    topic = topic_of(standin, issued.reference)
    parent.send_text("Eetu nukkuu huonosti")
    therapist = standin.user(THERAPIST, language_code="fi")
    staff_group(standin).send_text(therapist, "Soitan huomenna", thread_id=topic)
    await standin.wait_for(lambda: len([c for c in standin.calls_to("copyMessage") if c.ok]) == 2)
    staff_group(standin).send_text(therapist, "/close", thread_id=topic)
    await standin.wait_idle()
    return topic


async def after_the_retention(standin: BotApiStandIn, bot: RunningBot) -> None:
    """The bot restarts once the cases were closed longer ago than the retention period
    (housekeeping runs at start)."""
    await bot.stop()
    engine = bot.engine()
    with unit_of_work(engine) as db:
        long_ago = utcnow() - timedelta(days=bot.settings.retention_days + 1)
        db.execute(update(Case).where(Case.status == "closed").values(closed_at=long_ago))  # type: ignore[arg-type]
    engine.dispose()
    await bot.start(standin)


async def test_an_erased_case_loses_its_topic_and_its_label(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    topic = await closed_case_with_a_conversation(standin, staffed_bot)
    await after_the_retention(standin, staffed_bot)
    await standin.wait_for(lambda: any(c.ok for c in standin.calls_to("deleteForumTopic")))
    assert standin.calls_to("deleteForumTopic")[0].params["message_thread_id"] == topic
    assert topic not in staff_group(standin).topics
    assert staff_group(standin).messages(topic) == []
    engine = staffed_bot.engine()
    with unit_of_work(engine) as db:
        row = db.execute(select(Case)).one()  # type: ignore[call-overload]
        assert (row.label, row.topic_id, row.status) == ("", None, "closed")
        assert row.reference.startswith("OT-")
        assert row.created_at is not None
        assert row.closed_at is not None
        assert db.execute(select(func.count()).select_from(RelayedMessage)).scalar() == 0
    assert set(leftovers(engine, number=9001)) == {"conversation"}, "only the chat's own state"
    engine.dispose()
    await staffed_bot.stop()
    assert b"Eetu 4 kk" not in store_bytes(staffed_bot.settings.database_url)
    await staffed_bot.start(standin)
    await standin.wait_idle()
    assert len(standin.calls_to("deleteForumTopic")) == 1, "a case is erased once"


@pytest.mark.both_databases
async def test_after_the_retention_no_table_holds_the_familys_words_files_codes_or_label(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    _parent, topic, traces = await a_conversation_leaving_traces(standin, staffed_bot, 9003)
    staff_group(standin).send_text(standin.user(THERAPIST), "/close", thread_id=topic)
    await standin.wait_idle()
    await after_the_retention(standin, staffed_bot)
    await standin.wait_for(lambda: any(c.ok for c in standin.calls_to("deleteForumTopic")))
    await standin.wait_idle()
    engine = staffed_bot.engine()
    assert leftovers(engine, words=[*traces, "Eetu 4 kk"]) == {}
    assert set(leftovers(engine, number=9003)) == {"conversation"}, "only the chat's own state"
    engine.dispose()
    assert await left_in_the_file(staffed_bot, [*traces, "Eetu 4 kk"]) == []


@pytest.mark.both_databases
async def test_without_the_right_to_delete_topics_staff_are_told_once(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    await closed_case_with_a_conversation(standin, staffed_bot)
    second = new_case(staffed_bot, label="Aino 2 v")
    therapist = standin.user(THERAPIST, language_code="fi")
    guardian = standin.user(9002, language_code="fi")
    guardian.send_text(f"/start {second.link_code}")
    await standin.wait_for(lambda: len(staff_group(standin).topics) == 2)
    staff_group(standin).send_text(
        therapist, "/close", thread_id=topic_of(standin, second.reference)
    )
    await standin.wait_idle()
    standin.fail_next("deleteForumTopic", 400, NO_RIGHTS, times=2)
    await after_the_retention(standin, staffed_bot)
    await standin.wait_for(lambda: len(standin.calls_to("deleteForumTopic")) == 2)
    told = translators["en"](STAFF_NOTICES["topics_not_deleted"])
    await standin.wait_for(lambda: staff_group(standin).last_bot_message().text == told)
    await standin.wait_idle()
    general = [m.text for m in staff_group(standin).bot_messages() if m.message_thread_id is None]
    assert general.count(told) == 1
    engine = staffed_bot.engine()
    with unit_of_work(engine) as db:
        assert db.execute(select(Case.label)).scalars().all() == ["", ""]  # type: ignore[call-overload]
    engine.dispose()


async def test_a_topic_staff_deleted_already_counts_as_deleted(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    topic = await closed_case_with_a_conversation(standin, staffed_bot)
    staff_group(standin).delete_topic(topic)
    await after_the_retention(standin, staffed_bot)
    await standin.wait_for(lambda: bool(standin.calls_to("deleteForumTopic")))
    await standin.wait_idle()
    assert standin.calls_to("createForumTopic")[1:] == [], "no topic is made again"
    assert staff_group(standin).bot_messages() == []
