"""The outbox table's named queries: record what is owed, claim lane heads, finish, retry.

A lane is a private chat or one topic of the staff group; its jobs go strictly in order,
so only the head (lowest id) of a lane may be claimed. A claim names its process and
lasts until `not_before`, a lease its process renews while it lives; a claim left by a
process that died is taken over once the lease ends (or at once, with `release_claims`, when
only one process can be running).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, insert, or_, select, update

from bot.store.models import utcnow
from bot.store.tables import outbox_jobs

#: Lanes of the staff group start with these; the rest are private chats.
GROUP_LANES = ("case:", "staff:")


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    lane: str
    payload: dict[str, Any]
    attempts: int
    priority: int


def record(
    db: Connection, kind: str, jobs: Iterable[tuple[str, dict[str, Any]]], *, priority: int
) -> None:
    """Insert jobs of a kind, each `(lane, payload)`, due now and unclaimed, in one statement."""
    now = utcnow()
    rows = [
        {
            "kind": kind,
            "lane": lane,
            "payload": json.dumps(payload, ensure_ascii=False),
            "attempts": 0,
            "priority": priority,
            "not_before": now,
            "created_at": now,
        }
        for lane, payload in jobs
    ]
    if rows:
        db.execute(insert(outbox_jobs), rows)


def _heads() -> Any:
    return select(func.min(outbox_jobs.c.id)).group_by(outbox_jobs.c.lane)


_RETURNED = (
    outbox_jobs.c.id,
    outbox_jobs.c.kind,
    outbox_jobs.c.lane,
    outbox_jobs.c.payload,
    outbox_jobs.c.attempts,
    outbox_jobs.c.priority,
)


#: Claim one lane's head when it is due and unclaimed (built once: a statement built anew
#: for every update cost more than the work it asks of the database).
_CLAIM_HEAD = (
    update(outbox_jobs)
    .where(
        outbox_jobs.c.id
        == select(func.min(outbox_jobs.c.id))
        .where(outbox_jobs.c.lane == bindparam("head_of"))
        .scalar_subquery(),
        outbox_jobs.c.not_before <= bindparam("now"),
    )
    .values(
        claimed_by=bindparam("owner"),
        not_before=bindparam("until"),
        attempts=outbox_jobs.c.attempts + 1,
    )
    .returning(*_RETURNED)
)
_FINISH = delete(outbox_jobs).where(
    outbox_jobs.c.id == bindparam("job"), outbox_jobs.c.claimed_by == bindparam("owner")
)


def claim_heads(
    db: Connection,
    *,
    owner: str,
    lease: timedelta,
    lanes: Collection[str] | None = None,
    group: bool | None = None,
    limit: int = 64,
    now: datetime | None = None,
) -> list[Job]:
    """Claim the due, unclaimed heads of lanes: of `lanes` when given (all of them, in one
    statement), else up to `limit` of the staff group's lanes or the others as `group`
    says, answers before reminders, oldest first."""
    if limit <= 0 or (lanes is not None and not lanes):
        return []
    now = now or utcnow()
    if lanes is not None:
        params = {"now": now, "until": now + lease, "owner": owner}
        rows: Sequence[Row[Any]] = [
            row
            for lane in sorted(lanes)
            for row in db.execute(_CLAIM_HEAD, {"head_of": lane, **params})
        ]
    else:
        query = select(outbox_jobs.c.id).where(
            outbox_jobs.c.id.in_(_heads()), outbox_jobs.c.not_before <= now
        )
        if group is not None:
            in_group = or_(*(outbox_jobs.c.lane.startswith(prefix) for prefix in GROUP_LANES))
            query = query.where(in_group if group else ~in_group)
        ids = (
            db.execute(query.order_by(outbox_jobs.c.priority, outbox_jobs.c.id).limit(limit))
            .scalars()
            .all()
        )
        if not ids:
            return []
        claim = update(outbox_jobs).where(
            outbox_jobs.c.not_before <= now, outbox_jobs.c.id.in_(ids)
        )
        rows = db.execute(
            claim.values(
                claimed_by=owner, not_before=now + lease, attempts=outbox_jobs.c.attempts + 1
            ).returning(*_RETURNED)
        ).all()
    jobs = [
        Job(row.id, row.kind, row.lane, json.loads(row.payload), row.attempts, row.priority)
        for row in rows
    ]
    return sorted(jobs, key=lambda job: (job.priority, job.id))


def finish(db: Connection, job: Job, *, owner: str) -> None:
    """The job is done (sent, or refused for good): it is deleted."""
    db.execute(_FINISH, {"job": job.id, "owner": owner})


def retry_later(
    db: Connection, job: Job, *, owner: str, seconds: float, count_try: bool = True
) -> None:
    """Release the claim; the job is due again after `seconds` (its lane waits for it)."""
    db.execute(
        update(outbox_jobs)
        .where(outbox_jobs.c.id == job.id, outbox_jobs.c.claimed_by == owner)
        .values(
            claimed_by=None,
            not_before=utcnow() + timedelta(seconds=seconds),
            attempts=job.attempts if count_try else job.attempts - 1,
        )
    )


def drop_unsent(db: Connection, *, lanes: Collection[str]) -> int:
    """Delete the jobs of `lanes` that no process is sending (what is no longer owed)."""
    if not lanes:
        return 0
    result = db.execute(
        delete(outbox_jobs).where(
            outbox_jobs.c.lane.in_(sorted(lanes)), outbox_jobs.c.claimed_by.is_(None)
        )
    )
    return result.rowcount or 0


def renew_claims(db: Connection, *, owner: str, ids: Collection[int], lease: timedelta) -> None:
    """Extend the lease of the jobs this process is sending."""
    if ids:
        db.execute(
            update(outbox_jobs)
            .where(outbox_jobs.c.claimed_by == owner, outbox_jobs.c.id.in_(sorted(ids)))
            .values(not_before=utcnow() + lease)
        )


def release_claims(db: Connection, *, owner: str | None = None) -> int:
    """Release the claims of `owner` (at its stop), or every claim (at start, when this is
    the only process that can send)."""
    held = (
        outbox_jobs.c.claimed_by.is_not(None)
        if owner is None
        else outbox_jobs.c.claimed_by == owner
    )
    result = db.execute(
        update(outbox_jobs).where(held).values(claimed_by=None, not_before=utcnow())
    )
    return result.rowcount or 0


def due_soon(db: Connection, *, within: timedelta) -> int:
    """Jobs due now or within `within`, claimed or not (what "settled" waits for)."""
    return int(
        db.execute(
            select(func.count())
            .select_from(outbox_jobs)
            .where(
                or_(
                    outbox_jobs.c.not_before <= utcnow() + within,
                    outbox_jobs.c.claimed_by.is_not(None),
                )
            )
        ).scalar_one()
    )


def due_heads(db: Connection) -> int:
    """Lane heads due now that no process holds: what this process could send now."""
    return int(
        db.execute(
            select(func.count())
            .select_from(outbox_jobs)
            .where(
                outbox_jobs.c.id.in_(_heads()),
                outbox_jobs.c.claimed_by.is_(None),
                outbox_jobs.c.not_before <= utcnow(),
            )
        ).scalar_one()
    )


def count(db: Connection) -> int:
    return int(db.execute(select(func.count()).select_from(outbox_jobs)).scalar_one())


def backlog(db: Connection) -> tuple[int, datetime | None]:
    """How many jobs are owed (waiting or being sent), and when the oldest was written."""
    owed, oldest = db.execute(
        select(func.count(), func.min(outbox_jobs.c.created_at)).select_from(outbox_jobs)
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return int(owed), oldest
