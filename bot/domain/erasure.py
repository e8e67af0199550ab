"""Erasure: what the bot keeps goes when it is no longer needed.

- A case closed longer than `OTBOT_RETENTION_DAYS` ago loses its links, relayed ids, unused
  codes, visits and reminders; its row keeps only the reference, the dates and the status
  (the label and the topic id are blanked); and its topic in the staff group, with every
  copied message and photo, is deleted through the outbox. When the bot may not delete
  topics, staff are told once in the general topic.
- A chat that sends /forget loses its relayed ids and what was still owed to it at once.
- The dialog state of a chat idle longer than `OTBOT_IDLE_DAYS` is deleted (a chat linked
  to a case keeps it while the link lasts: the link is erased with the case).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import Connection

from bot.domain.inbox import alert_staff
from bot.outbox import case_lane, chat_lane, enqueue, reminder_lane
from bot.store import cases as store_cases
from bot.store import outbox as jobs
from bot.store import queries, relays
from bot.store.models import utcnow

log = logging.getLogger(__name__)


#: The outbox job that deletes an erased case's topic.
DELETE_TOPIC = "delete_topic"
#: Remembered once staff were told the bot may not delete topics (until one is deleted).
TOLD_NO_RIGHTS = "told_topics_not_deleted"


def erase_closed_cases(db: Connection, *, older_than: timedelta) -> int:
    """Erase the cases closed longer than `older_than` ago and not erased yet; returns how
    many. Their topics are deleted through the outbox."""
    cutoff = utcnow() - older_than
    rows = store_cases.closed_to_erase(db, closed_before=cutoff)
    old = [row.id for row in rows]
    if not old:
        return 0
    store_cases.erase_rows(db, case_ids=old)
    # Nothing is owed to the topic of an erased case any more.
    jobs.drop_unsent(db, lanes=[case_lane(case_id) for case_id in old])
    for row in rows:
        if row.topic_id is not None:
            enqueue(db, DELETE_TOPIC, lane=case_lane(row.id), topic_id=row.topic_id)
    store_cases.blank(db, case_ids=old)
    return len(old)


def forget_relays(db: Connection, *, chat_id: int) -> None:
    """/forget: the chat's relayed ids go at once, and so does what was still owed to it."""
    relays.forget_chat(db, chat_id=chat_id)
    jobs.drop_unsent(db, lanes=[chat_lane(chat_id), reminder_lane(chat_id)])


def erase_idle_chats(db: Connection, *, older_than: timedelta) -> int:
    """Delete the dialog state of chats idle longer than `older_than` (not linked ones)."""
    return queries.forget_idle_chats(db, idle_since=utcnow() - older_than)


def topic_deleted(db: Connection) -> None:
    """A topic was deleted: should the bot lose the right again, staff are told again."""
    queries.forget_remembered(db, key=TOLD_NO_RIGHTS)


def topic_not_deleted(db: Connection) -> None:
    """The bot may not delete topics: staff are told once, and erasure goes on."""
    if queries.remembered(db, key=TOLD_NO_RIGHTS) is None:
        queries.remember(db, key=TOLD_NO_RIGHTS, value=utcnow().isoformat())
        alert_staff(db, "topics_not_deleted")
