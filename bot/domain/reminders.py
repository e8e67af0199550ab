"""A visit's reminders: when they go out (`ReminderPlan`), and claiming those due, which
queues their messages (the scheduler in `bot.runtime.reminders` calls it every tick)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from bot.domain.office_hours import QuietHours
from bot.domain.visit_status import ACTIVE_VALUES, Status, next_status
from bot.outbox import enqueue_all, reminder_lane
from bot.store import visits as store
from bot.store.models import aware, utcnow

#: A reminder that would go out this soon after the booking is left out: the booking's own
#: message has just told the family.
FRESH = timedelta(minutes=30)


@dataclass(frozen=True)
class ReminderPlan:
    """When a visit's reminders go out: `OTBOT_REMINDER_HOURS`, out of `OTBOT_QUIET_HOURS`."""

    leads: tuple[int, ...]
    quiet: QuietHours | None

    def due_times(self, starts_at: datetime, now: datetime) -> list[tuple[int, datetime]]:
        """(lead hours, when to send) for each reminder still ahead. A lead time already
        passed at booking, or only minutes away, gets none: the booking's own message tells
        the family."""
        planned: dict[datetime, int] = {}
        for lead in self.leads:
            due = starts_at - timedelta(hours=lead)
            if due <= now:
                continue
            send = self.quiet.deliver_at(due, now) if self.quiet else due
            if send - now >= FRESH and send < starts_at:
                planned.setdefault(send.astimezone(UTC), lead)
        return sorted(((lead, due) for due, lead in planned.items()), key=lambda p: p[1])


class ClaimConflict(Exception):  # noqa: N818 (not an error: another process was first)
    """Another process claimed some of the same reminders first."""


def claim_due_reminders(db: Connection, *, now: datetime, limit: int) -> int:
    """Claim the due reminders of up to `limit` visits and queue their messages; returns
    how many visits were claimed. A visit's reminders due together make one message, and a
    visit already begun, no longer active or of a closed case gets none. The claimed rows
    are deleted in the same transaction as the messages are queued, so a reminder is sent
    once even with several processes: on PostgreSQL each locks the visits it claims and
    skips those another has locked; SQLite has one writer."""
    locked = store.lock_due(db, now=now, limit=limit)
    if not locked:
        return 0
    claimed = store.due_reminders(db, visit_ids=locked, now=now)
    taken = store.take_reminders(db, reminder_ids=[r.id for r in claimed])
    if not claimed or taken != len(claimed):
        # Another process took some of them first: this transaction is rolled back.
        raise ClaimConflict
    visit_ids = sorted({row.visit_id for row in claimed})
    rows = store.reminder_targets(db, visit_ids=visit_ids, now=now, statuses=ACTIVE_VALUES)
    # The start time goes with each job: a visit moved before it is sent gets none.
    enqueue_all(
        db,
        "visit_card",
        [
            (
                reminder_lane(row.chat_id),
                {
                    "visit_id": row.id,
                    "chat_id": row.chat_id,
                    "reason": "reminder",
                    "starts_at": aware(row.starts_at).isoformat(),
                },
            )
            for row in rows
        ],
        priority=1,
    )
    first_reminded = sorted({row.id for row in rows if row.status == Status.SCHEDULED.value})
    reminded = next_status(Status.SCHEDULED.value, "remind")
    if first_reminded and reminded is not None:
        store.set_statuses(
            db,
            visit_ids=first_reminded,
            status=reminded.value,
            expected=Status.SCHEDULED.value,
            updated_at=utcnow(),
        )
    return len(visit_ids)
