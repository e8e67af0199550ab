"""The outbox's sender of visit messages reads the visit as it is when the message goes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import Clock
from sqlalchemy import delete, insert, select

from bot.config import load_settings
from bot.domain.cases import open_case
from bot.domain.reminders import ReminderPlan
from bot.domain.visits import VisitRow, book, move
from bot.i18n import load_translators
from bot.outbox import Later
from bot.services import Services
from bot.store.database import make_engine, migrate, unit_of_work
from bot.store.models import Case, Guardian
from bot.telegram.family_visits import VisitCards

CHAT = 4242


class Recorder:
    """A bot that only notes what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.sent.append((chat_id, text))


@pytest.fixture
def setup() -> tuple[VisitCards, Services, Clock, VisitRow]:
    settings = load_settings(token="1:x", database_url="sqlite:///otbot.sqlite3")
    engine = make_engine(settings.database_url)
    migrate(engine)
    clock = Clock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    services = Services(settings, engine, load_translators(), clock=clock)
    with unit_of_work(engine) as db:
        open_case(db, label="Eetu", secret=b"s", days=1)
        case_id = db.execute(select(Case.id)).scalar_one()  # type: ignore[call-overload]
        db.execute(
            insert(Guardian.__table__).values(  # type: ignore[attr-defined]
                case_id=case_id, chat_id=CHAT, linked_at=clock()
            )
        )
        booked = book(
            db,
            case_id=case_id,
            starts_at=clock() + timedelta(days=3),
            place="clinic",
            note="",
            now=clock(),
            plan=ReminderPlan((48, 2), services.quiet_hours),
        )
    return VisitCards(services), services, clock, booked.visit


def reminder(visit: VisitRow, starts_at: datetime | None = None) -> dict[str, Any]:
    return {
        "visit_id": visit.id,
        "chat_id": CHAT,
        "reason": "reminder",
        "starts_at": (starts_at or visit.starts_at).isoformat(),
    }


async def test_a_reminder_goes_to_a_guardian(setup: Any) -> None:
    cards, _services, _clock, visit = setup
    bot = Recorder()
    await cards.send(bot, reminder(visit))
    assert [chat for chat, _text in bot.sent] == [CHAT]


async def test_nothing_goes_to_a_chat_that_is_no_longer_a_guardian(setup: Any) -> None:
    cards, services, _clock, visit = setup
    with unit_of_work(services.engine) as db:
        db.execute(delete(Guardian.__table__))  # type: ignore[attr-defined]
    bot = Recorder()
    for reason in ("booked", "reminder"):
        await cards.send(bot, {**reminder(visit), "reason": reason})
    assert bot.sent == []


async def test_a_reminder_of_a_visit_moved_meanwhile_is_not_sent(setup: Any) -> None:
    cards, services, clock, visit = setup
    with unit_of_work(services.engine) as db:
        move(
            db,
            visit,
            starts_at=visit.starts_at + timedelta(days=7),
            now=clock(),
            plan=services.reminder_plan,
        )
    bot = Recorder()
    await cards.send(bot, reminder(visit))
    assert bot.sent == []


async def test_a_reminder_waits_out_the_quiet_hours(setup: Any) -> None:
    cards, _services, clock, visit = setup
    clock.set("2026-12-01T23:30")
    bot = Recorder()
    with pytest.raises(Later) as later:
        await cards.send(bot, reminder(visit))
    assert later.value.seconds == 8.5 * 3600
    assert bot.sent == []
