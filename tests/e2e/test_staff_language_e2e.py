"""A Finnish staff group reads every answer in Finnish: the case's status, why a case was not
opened or a visit not booked, and whether a case was reopened."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import RunningBot
from sqlalchemy import select
from support.family import linked_parent, staff_says, topic_of
from support.family import staffed_bot as staffed_bot  # the fixture, with this staff language

from bot.standin import BotApiStandIn, SimUser
from bot.store.database import make_engine, unit_of_work
from bot.store.models import Visit


@pytest.fixture
def staff_language() -> str:
    return "fi"


async def case_topic(standin: BotApiStandIn, bot: RunningBot) -> tuple[SimUser, str, int]:
    parent, issued = await linked_parent(standin, bot)
    return parent, issued.reference, topic_of(standin, issued.reference)


async def test_status_names_the_cases_status_in_finnish(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    _parent, reference, topic = await case_topic(standin, staffed_bot)
    status = await staff_says(standin, topic, "/status")
    assert status.startswith(f"{reference} · Eetu 4 kk · avoin ·")
    await staff_says(standin, topic, "/close")
    assert " · suljettu · " in await staff_says(standin, topic, "/status")


async def test_reopen_says_whether_the_case_was_closed(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    _parent, _reference, topic = await case_topic(standin, staffed_bot)
    assert await staff_says(standin, topic, "/reopen") == "📂 Asia on jo avoinna."
    await staff_says(standin, topic, "/close")
    assert await staff_says(standin, topic, "/reopen") == "📂 Asia avattiin uudelleen."
    assert " · avoin · " in await staff_says(standin, topic, "/status")


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("Eetu 131052-308T", "nimessä näyttää olevan henkilötunnus; jätä se pois"),
        ("x" * 65, "nimi on yli 64 merkkiä pitkä"),
    ],
)
async def test_newcase_says_in_finnish_why_no_case_was_opened(
    standin: BotApiStandIn, staffed_bot: RunningBot, label: str, reason: str
) -> None:
    answer = await staff_says(standin, None, f"/newcase {label}")
    assert answer == f"Asiaa ei avattu: {reason}. Käyttö: /newcase nimi"


async def test_a_visit_at_an_hour_the_clocks_skip_is_refused_with_the_reason(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    _parent, _reference, topic = await case_topic(standin, staffed_bot)
    answer = await staff_says(standin, topic, "/visit 28.3.2027 3.30 koti")
    assert answer.startswith(
        "Mitään ei muutettu: kellonaikaa ei ole sinä päivänä: kelloja siirretään sinä yönä "
        "tunti eteenpäin."
    ), answer
    assert stored_starts(staffed_bot) == []


async def test_a_visit_at_an_hour_that_comes_twice_is_the_earlier_and_staff_are_told(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    parent, _reference, topic = await case_topic(standin, staffed_bot)
    answer = await staff_says(standin, topic, "/visit 31.10.2027 3.30 koti")
    assert answer.startswith(
        "📅 Käynti varattu: su 31.10. klo 3.30 (kahdesta aiempi: kelloja siirretään sinä yönä "
        "tunti taaksepäin) · koti."
    ), answer
    # 3.30 in summer time (UTC+3), not an hour later in winter time.
    assert stored_starts(staffed_bot) == [datetime(2027, 10, 31, 0, 30, tzinfo=UTC)]
    await standin.wait_for(lambda: "klo 3.30" in (parent.last_bot_message().text or ""))


def stored_starts(bot: RunningBot) -> list[datetime]:
    engine = make_engine(bot.settings.database_url)
    with unit_of_work(engine) as db:
        starts = db.execute(select(Visit.starts_at)).scalars().all()  # type: ignore[call-overload]
    engine.dispose()
    return [s if s.tzinfo else s.replace(tzinfo=UTC) for s in starts]
