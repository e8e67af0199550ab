"""The store and the logs keep ids and timestamps, never what a family wrote."""

from __future__ import annotations

import logging
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import TOKEN, RunningBot
from sqlalchemy import insert, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from support.family import linked_parent, new_case, staff_group, topic_of, topic_says
from support.family import staffed_bot as staffed_bot  # the fixture
from support.store_scan import (
    a_conversation_leaving_traces,
    left_in_the_file,
    leftovers,
    store_bytes,
)

from bot.cli.logs import quiet_libraries
from bot.config import Settings
from bot.domain.cases import open_case
from bot.domain.erasure import erase_idle_chats
from bot.domain.inbox import STAFF_NOTICES
from bot.i18n import Translator
from bot.standin import BotApiStandIn
from bot.store.database import backup_sqlite, make_engine, migrate, unit_of_work
from bot.store.models import (
    Case,
    Conversation,
    Guardian,
    OutboxJob,
    ShownScreen,
    Visit,
    utcnow,
)

SECRET_WORDS = "Vauvamme Eetu-Kalervo itkee 041-555-1234 ja 131052-308T"


#: What a linked family is told when /forget has erased their data.
ERASED = (
    "Your data has been erased from the bot. Your therapist still sees the messages you "
    "already sent, in your child's case, until the case has ended and is erased. If you "
    "want to use the bot again, send /start."
)


async def test_neither_store_nor_logs_keep_a_parents_words(
    standin: BotApiStandIn, running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    quiet_libraries()  # as `otbot run` sets up its logging, even at OTBOT_LOG_LEVEL=DEBUG
    parent = standin.user(6001, first_name="Eetu-Kalervo", language_code="fi")
    with caplog.at_level(logging.DEBUG):
        parent.send_text("/start")
        parent.send_text(SECRET_WORDS)
        parent.send_photo(caption=SECRET_WORDS)
        await standin.wait_idle()
    await running_bot.stop()
    stored = store_bytes(running_bot.settings.database_url)
    for word in SECRET_WORDS.split():
        assert word.encode() not in stored, f"{word!r} was stored"
    logged = caplog.text
    assert TOKEN not in logged
    for word in ("Eetu-Kalervo", "041-555-1234", "131052-308T"):
        assert word not in logged, f"{word!r} was logged"


@pytest.mark.both_databases
async def test_forget_erases_the_chat_from_the_store(
    standin: BotApiStandIn, running_bot: RunningBot
) -> None:
    parent = standin.user(6002, language_code="en")
    parent.send_text("/forget")
    await standin.wait_idle()
    parent.press(parent.last_bot_message().message_id, parent.button("Yes, erase"))
    await standin.wait_idle()
    assert "erased" in parent.last_bot_message().text
    with Session(running_bot.engine()) as session:
        assert session.exec(select(Conversation).where(Conversation.chat_id == 6002)).all() == []


@pytest.mark.both_databases
async def test_forget_leaves_nothing_of_the_chat_and_says_what_staff_still_see(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot, user_id=9061, language="en")
    topic = topic_of(standin, issued.reference)
    parent.send_text("Aino sleeps badly")
    therapist = standin.user(7001, language_code="fi")
    group = staff_group(standin)
    group.send_text(therapist, "I will call tomorrow", thread_id=topic)
    await standin.wait_for(lambda: parent.last_bot_message().text == "I will call tomorrow")
    parent.send_text("/forget")
    await standin.wait_idle()
    standin.fail_next("copyMessage", 502, times=1000)  # the next answer waits in the outbox
    group.send_text(therapist, "Still there?", thread_id=topic)
    await standin.wait_for(lambda: len(standin.calls_to("copyMessage")) >= 2 + 6)
    parent.tap("Yes, erase")
    erased = translators["en"](ERASED)
    await standin.wait_for(lambda: parent.last_bot_message().text == erased)
    forgot = translators["en"](STAFF_NOTICES["forgot"])
    await standin.wait_for(lambda: topic_says(standin, topic, forgot))
    await standin.wait_idle()  # nothing is left failing: the answer waiting was dropped
    engine = staffed_bot.engine()
    assert leftovers(engine, number=9061) == {}, "the chat's rows are gone at once"
    engine.dispose()
    standin.recover("copyMessage")
    await standin.wait_idle()
    assert parent.last_bot_message().text == erased, "what was owed to the chat was dropped"
    assert [m.text for m in group.messages(topic) if m.copied_from] == ["Aino sleeps badly"]


@pytest.mark.both_databases
async def test_after_forget_no_table_holds_the_familys_words_files_codes_or_chat(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, topic, traces = await a_conversation_leaving_traces(standin, staffed_bot, 9063)
    engine = staffed_bot.engine()
    before = leftovers(engine, words=traces, number=9063)
    assert {"conversation", "guardian", "relayedmessage"} <= set(before), "the scan finds"
    assert all(" id 9063" in found for table in before.values() for found in table)
    engine.dispose()
    parent.send_text("/forget")
    await standin.wait_idle()
    parent.tap(translators["fi"]("Yes, erase"))
    erased = translators["fi"](ERASED)
    await standin.wait_for(lambda: parent.last_bot_message().text == erased)
    forgot = translators["en"](STAFF_NOTICES["forgot"])
    await standin.wait_for(lambda: topic_says(standin, topic, forgot))
    await standin.wait_idle()
    engine = staffed_bot.engine()
    assert leftovers(engine, words=traces, number=9063) == {}
    engine.dispose()
    assert await left_in_the_file(staffed_bot, traces) == []


async def test_the_outbox_keeps_a_parents_id_not_their_name(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    issued = new_case(staffed_bot)
    parent = standin.user(9062, first_name="Kalervo", username="kalervo_k")
    standin.fail_next("sendMessage", 502, times=1000)  # what is owed stays in the outbox
    parent.send_text(f"/start {issued.link_code}")
    await standin.wait_for(lambda: len(standin.calls_to("sendMessage")) >= 2)
    engine = staffed_bot.engine()
    with Session(engine) as session:
        payloads = session.exec(select(OutboxJob.payload)).all()
    engine.dispose()
    assert any('"name_of": 9062' in payload for payload in payloads)
    assert not [p for p in payloads if "Kalervo" in p or "kalervo_k" in p]
    standin.recover("sendMessage")
    linked = translators["en"](STAFF_NOTICES["linked"], name="Kalervo (@kalervo_k)")
    await standin.wait_for(
        lambda: any(m.text == linked for m in staff_group(standin).bot_messages())
    )


async def test_the_housekeeping_forgets_a_chat_idle_longer_than_the_setting(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    await linked_parent(standin, staffed_bot, user_id=9065)
    visitor = standin.user(9064, language_code="fi")
    visitor.send_text("/start")
    await standin.wait_idle()
    visitor.tap("")  # a pressed button: the chat's last screen is remembered too
    await standin.wait_idle()
    await staffed_bot.stop()
    engine = staffed_bot.engine()
    long_ago = utcnow() - timedelta(days=staffed_bot.settings.idle_days + 1)
    with unit_of_work(engine) as db:
        db.execute(update(Conversation).values(updated_at=long_ago))
        db.execute(update(ShownScreen).values(shown_at=long_ago))
    assert set(leftovers(engine, number=9064)) == {"conversation", "shownscreen"}
    await staffed_bot.start(standin)  # housekeeping runs at start, then every hour
    await standin.wait_idle()
    assert leftovers(engine, number=9064) == {}, "every row naming the idle chat is gone"
    assert "conversation" in leftovers(engine, number=9065), "a linked chat stays"
    engine.dispose()


def test_chats_idle_longer_than_the_setting_are_forgotten(tmp_path: Path) -> None:
    assert Settings().idle_days == 365
    engine = make_engine(f"sqlite:///{tmp_path / 'idle.sqlite3'}")
    migrate(engine)
    long_ago = utcnow() - timedelta(days=366)
    with unit_of_work(engine) as db:
        case = open_case(db, label="Eetu", secret=b"s", days=1)
        case_id = db.execute(select(Case.id).where(Case.reference == case.reference)).scalar()
        for chat_id, updated_at in ((1, long_ago), (2, utcnow()), (3, long_ago)):
            db.execute(
                insert(Conversation).values(chat_id=chat_id, language="fi", updated_at=updated_at)
            )
        db.execute(insert(Guardian).values(case_id=case_id, chat_id=3, linked_at=long_ago))
    with unit_of_work(engine) as db:
        assert erase_idle_chats(db, older_than=timedelta(days=365)) == 1
        kept = db.execute(select(Conversation.chat_id)).scalars().all()
    assert sorted(kept) == [2, 3], "a recent chat and a linked one stay"
    engine.dispose()


def test_the_store_file_is_private_overwrites_deletions_and_logs_no_parameters(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for companion in tmp_path.glob("new.sqlite3-*"):
        assert stat.S_IMODE(companion.stat().st_mode) == 0o600, companion.name
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
    note = "Mannerheimintie 1 B 12, ovikoodi 4321"
    with pytest.raises(IntegrityError) as raised, unit_of_work(engine) as db:
        db.execute(insert(Visit).values(case_id=999, starts_at=utcnow(), place="home", note=note))
    assert "Mannerheimintie" not in str(raised.value)
    assert "4321" not in str(raised.value)
    backup_sqlite(engine, tmp_path / "copy.sqlite3")
    assert stat.S_IMODE((tmp_path / "copy.sqlite3").stat().st_mode) == 0o600
    engine.dispose()
