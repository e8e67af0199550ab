"""The store's side of visits: the schema matches the models, and due reminders are claimed
once even when several processes claim at the same time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from bot.domain.reminders import ClaimConflict, claim_due_reminders
from bot.store.database import make_engine, migrate, unit_of_work
from bot.store.models import Case, Guardian, OutboxJob, Reminder, Visit

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.mark.both_databases
def test_the_migrations_make_the_schema_the_models_describe(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


@pytest.mark.both_databases
def test_several_claimers_send_each_due_reminder_once(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    visits = 300
    with unit_of_work(engine) as db:
        for number in range(visits):
            case_id = db.execute(
                insert(Case.__table__).values(  # type: ignore[attr-defined]
                    reference=f"OT-2026-{number:04d}",
                    label="x",
                    status="open",
                    created_at=NOW,
                )
            ).inserted_primary_key[0]
            db.execute(
                insert(Guardian.__table__).values(  # type: ignore[attr-defined]
                    case_id=case_id, chat_id=10_000 + number, linked_at=NOW
                )
            )
            visit_id = db.execute(
                insert(Visit.__table__).values(  # type: ignore[attr-defined]
                    case_id=case_id,
                    starts_at=NOW + timedelta(hours=1),
                    place="clinic",
                    note="",
                    status="scheduled",
                    created_at=NOW,
                    updated_at=NOW,
                )
            ).inserted_primary_key[0]
            for lead in (48, 2):  # both due, at the same time: one message per visit
                db.execute(
                    insert(Reminder.__table__).values(  # type: ignore[attr-defined]
                        visit_id=visit_id, lead_hours=lead, due_at=NOW - timedelta(minutes=1)
                    )
                )

    claimed: list[int] = []

    def claimer() -> None:
        own = make_engine(database_url)
        while True:
            try:
                with unit_of_work(own) as db:
                    got = claim_due_reminders(db, now=NOW, limit=7)
            except (DBAPIError, ClaimConflict):
                continue  # another claimer held the rows (SQLite: the write lock); again
            if not got:
                break
            claimed.append(got)
        own.dispose()

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with unit_of_work(engine) as db:
        jobs = db.execute(select(OutboxJob.payload)).scalars().all()  # type: ignore[call-overload]
        left = db.execute(select(func.count()).select_from(Reminder)).scalar_one()
    engine.dispose()
    assert left == 0
    assert sum(claimed) == visits
    chats = sorted(int(payload.split('"chat_id": ')[1].split(",")[0]) for payload in jobs)
    assert chats == [10_000 + n for n in range(visits)]
