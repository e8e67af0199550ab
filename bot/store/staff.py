"""Named queries on who is staff: the staff group's administrators, when Telegram was last
asked for them, and the once-a-day "only staff can act" notices.

Like `bot.store.queries`, they run on the caller's connection and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from bot.store.models import utcnow
from bot.store.tables import settings, staff_members, staff_only_notices

#: The setting that says when Telegram was last asked on demand for the administrators.
ASKED_AT_KEY = "staff_asked_at"

_IS_STAFF = select(staff_members.c.user_id).where(staff_members.c.user_id == bindparam("user_id"))
_ADD = insert(staff_members)
_REMOVE = delete(staff_members).where(staff_members.c.user_id == bindparam("user_id"))
_NOTICE_GIVEN = select(staff_only_notices.c.user_id).where(
    staff_only_notices.c.user_id == bindparam("user_id"),
    staff_only_notices.c.topic_id == bindparam("topic_id"),
    staff_only_notices.c.day == bindparam("day"),
)
_ASKED_AT = select(settings.c.value).where(settings.c.key == ASKED_AT_KEY)


def is_staff(db: Connection, *, user_id: int) -> bool:
    return db.execute(_IS_STAFF, {"user_id": user_id}).first() is not None


def staff_ids(db: Connection) -> set[int]:
    return set(db.execute(select(staff_members.c.user_id)).scalars())


def add_staff(db: Connection, *, user_id: int) -> None:
    if not is_staff(db, user_id=user_id):
        db.execute(_ADD, {"user_id": user_id, "since": utcnow()})


def remove_staff(db: Connection, *, user_id: int) -> None:
    db.execute(_REMOVE, {"user_id": user_id})


def replace_staff(db: Connection, user_ids: Iterable[int]) -> None:
    """Make the stored list exactly `user_ids` (a fresh read of the administrators)."""
    wanted = set(user_ids)
    stored = staff_ids(db)
    for user_id in stored - wanted:
        remove_staff(db, user_id=user_id)
    for user_id in wanted - stored:
        db.execute(_ADD, {"user_id": user_id, "since": utcnow()})


def claim_asking(db: Connection, *, now: datetime, every: timedelta) -> bool:
    """Whether Telegram may be asked for the administrators now (at most once per `every`,
    across processes); if so, the time is recorded so that no one else asks."""
    stamp = now.isoformat()
    last = db.execute(_ASKED_AT).scalar()
    if last is None:
        db.execute(insert(settings).values(key=ASKED_AT_KEY, value=stamp))
        return True
    if datetime.fromisoformat(str(last)) > now - every:
        return False
    changed = db.execute(
        update(settings)
        .where(settings.c.key == ASKED_AT_KEY, settings.c.value == last)
        .values(value=stamp)
    )
    return bool(changed.rowcount)


def note_staff_only_notice(db: Connection, *, user_id: int, topic_id: int, day: date) -> bool:
    """Record that this person is told in this topic today; False when they were already."""
    values = {"user_id": user_id, "topic_id": topic_id, "day": day}
    if db.execute(_NOTICE_GIVEN, values).first() is not None:
        return False
    db.execute(insert(staff_only_notices), values)
    return True


def forget_staff_only_notices(db: Connection, *, before: date) -> int:
    """Forget who was told before `before` (the rows only serve the once-a-day rule)."""
    result = db.execute(delete(staff_only_notices).where(staff_only_notices.c.day < before))
    return int(result.rowcount or 0)
