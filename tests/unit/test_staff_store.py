"""The store's side of who is staff: Telegram is asked at most once a minute across
processes, a fresh read replaces the list, and "only staff" notices are once a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.store import staff
from bot.store.database import make_engine, migrate, unit_of_work

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.mark.both_databases
def test_telegram_is_asked_at_most_once_a_minute(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    asked = []
    for seconds in (0, 1, 59, 61, 62, 130):
        with unit_of_work(engine) as db:
            now = NOW + timedelta(seconds=seconds)
            if staff.claim_asking(db, now=now, every=MINUTE):
                asked.append(seconds)
    engine.dispose()
    assert asked == [0, 61, 130]


@pytest.mark.both_databases
def test_a_fresh_read_replaces_the_staff_and_notices_are_once_a_day(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    with unit_of_work(engine) as db:
        staff.replace_staff(db, [1, 2, 3])
        staff.remove_staff(db, user_id=3)
        staff.replace_staff(db, [2, 4])
        assert staff.staff_ids(db) == {2, 4}
        assert not staff.is_staff(db, user_id=1)
        today = date(2026, 12, 1)
        told = [
            staff.note_staff_only_notice(db, user_id=9, topic_id=topic, day=day)
            for topic, day in [(5, today), (5, today), (0, today), (5, today + timedelta(1))]
        ]
        assert told == [True, False, True, True]
        assert staff.forget_staff_only_notices(db, before=today + timedelta(1)) == 2
    engine.dispose()
