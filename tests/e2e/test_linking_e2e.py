"""Link codes: one code links one chat, even when two redeem it at once; guessing is limited
per chat, and guessing in many chats alerts staff but never stops a right code."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from conftest import RunningBot
from sqlalchemy import Engine, func, select, update
from sqlmodel import SQLModel
from support.family import SECRET, linked_parent, new_case, open_code_page, plain, staff_group
from support.family import staffed_bot as staffed_bot  # the fixture

from bot.dialogs.customer import OUTCOMES
from bot.dialogs.menu_pages import PAGES, State
from bot.domain.cases import IssuedCode, open_case
from bot.domain.inbox import STAFF_NOTICES
from bot.domain.linking import (
    WRONG_FOR_EVERYONE,
    WRONG_PER_CHAT,
    LinkResult,
    Outcome,
    link_by_code,
)
from bot.i18n import Translator
from bot.standin import BotApiStandIn
from bot.store.database import make_engine, migrate, unit_of_work
from bot.store.models import Guardian, LinkAttempt, utcnow


@pytest.fixture
def staff_language() -> str:
    """Staff here read Swedish: the alert comes in the staff group's language."""
    return "sv"


CODE_PAGE = PAGES[State.CUSTOMER_CODE].text


def rows(bot: RunningBot, model: type[SQLModel]) -> int:
    """How many rows the bot's store holds in a table."""
    engine = bot.engine()
    with unit_of_work(engine) as db:
        count = int(db.execute(select(func.count()).select_from(model)).scalar_one())
    engine.dispose()
    return count


def guardians(bot: RunningBot) -> int:
    return rows(bot, Guardian)


def alerts(standin: BotApiStandIn, translators: dict[str, Translator]) -> int:
    alert = translators["sv"](STAFF_NOTICES["codes_guessed"])
    return sum(m.text == alert for m in staff_group(standin).bot_messages())


@pytest.mark.both_databases
async def test_two_chats_opening_one_link_at_once_link_only_one(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    issued = new_case(staffed_bot)
    mother = standin.user(9301, language_code="en")
    father = standin.user(9302, language_code="en")
    mother.send_text(f"/start {issued.link_code}")
    father.send_text(f"/start {issued.link_code}")
    await standin.wait_idle()
    _ = translators["en"]
    answers = sorted(parent.last_bot_message().text for parent in (mother, father))
    assert answers == sorted([plain(_(OUTCOMES["linked"])), plain(_(OUTCOMES["used"]))])
    assert guardians(staffed_bot) == 1


@pytest.mark.both_databases
def test_a_code_redeemed_in_two_overlapping_transactions_links_one_chat(
    database_url: str,
) -> None:
    """Two workers redeem one code at the same moment: the second waits for the first and
    then finds the code used (a read-then-write made both guardians on PostgreSQL)."""
    engine = make_engine(database_url)
    migrate(engine)
    issued = new_case_in(engine)
    results: dict[int, LinkResult] = {}
    first_linked, first_may_commit = threading.Event(), threading.Event()

    def redeem(chat_id: int, hold: bool) -> None:
        with unit_of_work(engine) as db:
            results[chat_id] = link_by_code(
                db, chat_id=chat_id, code=issued.link_code, secret=SECRET.encode(), typed=False
            )
            if hold:
                first_linked.set()
                first_may_commit.wait(10)

    first = threading.Thread(target=redeem, args=(1, True))
    second = threading.Thread(target=redeem, args=(2, False))
    first.start()
    assert first_linked.wait(10)
    second.start()
    time.sleep(0.5)  # the second is under way, waiting for the first's transaction
    first_may_commit.set()
    first.join(10)
    second.join(10)
    assert results[1].outcome is Outcome.LINKED
    assert results[2].outcome is Outcome.USED
    with unit_of_work(engine) as db:
        chats = list(db.execute(select(Guardian.__table__.c.chat_id)).scalars())  # type: ignore[attr-defined]
    engine.dispose()
    assert chats == [1]


def new_case_in(engine: Engine) -> IssuedCode:
    with unit_of_work(engine) as db:
        return open_case(db, label="Eetu 4 kk", secret=SECRET.encode(), days=14)


async def test_guessing_in_many_chats_alerts_staff_once_and_a_right_code_still_links(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    issued = new_case(staffed_bot)
    _ = translators["en"]
    guessers = [standin.user(9400 + n, language_code="en") for n in range(11)]
    for guesser in guessers:
        await open_code_page(standin, guesser)
        for attempt in range(WRONG_PER_CHAT):
            guesser.send_text(f"WRONG{attempt:03d}")
            await standin.wait_idle()
        assert guesser.last_bot_message().text == plain(_(OUTCOMES["wrong"]))
    assert len(guessers) * WRONG_PER_CHAT > WRONG_FOR_EVERYONE
    await standin.wait_for(lambda: alerts(standin, translators) == 1)
    parent = standin.user(9500, language_code="en")
    await open_code_page(standin, parent)
    parent.send_text(issued.code)
    await standin.wait_idle()
    assert parent.last_bot_message().text == plain(_(OUTCOMES["linked"]))
    assert alerts(standin, translators) == 1, "staff are alerted once"


async def test_a_chats_sixth_try_in_an_hour_is_refused_even_with_the_right_code(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    issued = new_case(staffed_bot)
    _ = translators["en"]
    too_many = plain(_(OUTCOMES["too many"]))
    parent = standin.user(9600, language_code="en")
    await open_code_page(standin, parent)
    for attempt in range(WRONG_PER_CHAT):
        parent.send_text(f"WRONG{attempt:03d}")
        await standin.wait_idle()
    parent.send_text(issued.code)
    await standin.wait_idle()
    assert parent.last_bot_message().text == too_many
    await open_code_page(standin, parent)  # "I have a code" says so at once: no code page
    assert parent.last_bot_message().text == too_many
    assert all(m.text != plain(_(CODE_PAGE)) for m in parent.bot_messages()[-3:])
    parent.send_text(issued.code)  # not read as a code
    await standin.wait_idle()
    assert guardians(staffed_bot) == 0
    parent.send_text(f"/start {issued.link_code}")
    await standin.wait_idle()
    assert parent.last_bot_message().text == too_many
    assert guardians(staffed_bot) == 0
    an_hour_ago(staffed_bot)
    parent.send_text(f"/start {issued.link_code}")
    await standin.wait_idle()
    assert parent.last_bot_message().text == plain(_(OUTCOMES["linked"]))


async def test_wrong_tries_are_forgotten_after_their_hour(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    guesser = standin.user(9650, language_code="en")
    guesser.send_text("/start not-a-code")
    await standin.wait_idle()
    assert rows(staffed_bot, LinkAttempt) == 1
    an_hour_ago(staffed_bot)
    await staffed_bot.stop()
    await staffed_bot.start(standin)  # housekeeping runs at start, then every hour
    await standin.wait_idle()
    assert rows(staffed_bot, LinkAttempt) == 0


def an_hour_ago(bot: RunningBot) -> None:
    """Let the hour of the wrong tries pass."""
    engine = bot.engine()
    with unit_of_work(engine) as db:
        db.execute(update(LinkAttempt).values(at=utcnow() - timedelta(minutes=61)))
    engine.dispose()


async def test_wrong_deep_links_are_limited_per_chat_and_alert_staff(
    standin: BotApiStandIn,
    staffed_bot: RunningBot,
    translators: dict[str, Translator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("bot.domain.linking.WRONG_FOR_EVERYONE", WRONG_PER_CHAT + 2)
    parent, issued = await linked_parent(standin, staffed_bot, user_id=9700, language="en")
    _ = translators["en"]
    guesser = standin.user(9701, language_code="en")
    for attempt in range(WRONG_PER_CHAT):
        guesser.send_text(f"/start {issued.link_code[:-3]}x{attempt:02d}")
        await standin.wait_idle()
        assert guesser.last_bot_message().text == plain(_(OUTCOMES["wrong"]))
    guesser.send_text("/start x" + issued.link_code[1:])
    await standin.wait_idle()
    assert guesser.last_bot_message().text == plain(_(OUTCOMES["too many"]))
    assert alerts(standin, translators) == 0
    other = standin.user(9702, language_code="en")
    for attempt in range(2):
        other.send_text(f"/start guess{attempt}")
        await standin.wait_idle()
    await standin.wait_for(lambda: alerts(standin, translators) == 1)
    parent.send_text(f"/start {issued.link_code}")  # a parent's own chat is not limited
    await standin.wait_idle()
    assert parent.last_bot_message().text == plain(_(OUTCOMES["already"]))
