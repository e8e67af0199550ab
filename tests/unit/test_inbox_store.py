"""The inbox's rules that need no Telegram: retention."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select, update

from bot.domain.cases import open_case
from bot.domain.erasure import erase_closed_cases
from bot.domain.reminders import ReminderPlan
from bot.domain.visits import book
from bot.store.database import make_engine, migrate, unit_of_work
from bot.store.models import Case, Guardian, OutboxJob, RelayedMessage, Reminder, Visit, utcnow


def test_closed_cases_mappings_and_visits_are_erased_after_the_retention(tmp_path: object) -> None:
    engine = make_engine("sqlite:///otbot.sqlite3")
    migrate(engine)
    with unit_of_work(engine) as db:
        old = open_case(db, label="Old", secret=b"s", days=1)
        recent = open_case(db, label="Recent", secret=b"s", days=1)
        ids = dict(db.execute(select(Case.reference, Case.id)).all())  # type: ignore[call-overload]
        for reference, closed_days_ago in ((old.reference, 100), (recent.reference, 10)):
            case_id = ids[reference]
            db.execute(
                update(Case)
                .where(Case.id == case_id)
                .values(
                    status="closed",
                    closed_at=utcnow() - timedelta(days=closed_days_ago),
                    topic_id=case_id + 100,
                )
            )
            db.execute(
                Guardian.__table__.insert().values(  # type: ignore[attr-defined]
                    case_id=case_id, chat_id=1, linked_at=utcnow()
                )
            )
            db.execute(
                RelayedMessage.__table__.insert().values(  # type: ignore[attr-defined]
                    case_id=case_id,
                    direction="in",
                    family_chat_id=1,
                    family_message_id=2,
                    staff_message_id=3,
                    created_at=utcnow(),
                )
            )
            book(
                db,
                case_id=case_id,
                starts_at=utcnow() + timedelta(days=3),
                place="home",
                note="Mannerheimintie 1 B 12",
                now=utcnow(),
                plan=ReminderPlan((48, 2), None),
            )
    with unit_of_work(engine) as db:
        assert erase_closed_cases(db, older_than=timedelta(days=90)) == 1
        left = db.execute(select(Guardian.case_id, func.count()).group_by(Guardian.case_id)).all()  # type: ignore[call-overload]
        assert [case_id for case_id, _n in left] == [ids[recent.reference]]
        assert db.execute(select(func.count()).select_from(RelayedMessage)).scalar() == 1
        assert db.execute(select(Visit.case_id)).scalars().all() == [ids[recent.reference]]
        assert db.execute(select(func.count()).select_from(Reminder)).scalar() == 2
        cases = {row.reference: row for row in db.execute(select(Case)).all()}  # type: ignore[call-overload]
        erased, kept = cases[old.reference], cases[recent.reference]
        assert (erased.label, erased.topic_id, erased.status) == ("", None, "closed")
        assert erased.created_at is not None
        assert erased.closed_at is not None
        assert (kept.label, kept.topic_id) == ("Recent", ids[recent.reference] + 100)
        owed = db.execute(
            select(OutboxJob.payload).where(OutboxJob.kind == "delete_topic")
        ).scalars()
        assert [json.loads(payload) for payload in owed] == [
            {"topic_id": ids[old.reference] + 100}
        ]
    with unit_of_work(engine) as db:
        assert erase_closed_cases(db, older_than=timedelta(days=90)) == 0, "erased once only"
    engine.dispose()
