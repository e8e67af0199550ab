"""Named queries on link codes and the wrong tries that limit guessing them.

Like `bot.store.queries`, they run on the caller's connection and never commit. A code is
redeemed by one conditional update, so two chats redeeming it at once (two workers on
PostgreSQL) cannot both succeed: the second finds no row left to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from bot.store.database import hold_until_commit
from bot.store.tables import guardians, link_codes, link_tries, settings

#: The setting that says when staff were last alerted about wrong codes from everyone.
ALERTED_AT_KEY = "link_tries_alerted_at"
#: The PostgreSQL advisory lock under which one process decides to alert staff.
ALERT_LOCK = 0x07B07003


@dataclass(frozen=True)
class FoundCode:
    id: int
    case_id: int
    used: bool
    expires_at: datetime


_COLUMNS = (link_codes.c.id, link_codes.c.case_id, link_codes.c.used_at, link_codes.c.expires_at)
_BY_LINK = select(*_COLUMNS).where(link_codes.c.link_digest == bindparam("digest"))
_BY_TYPED = select(*_COLUMNS).where(link_codes.c.typed_digest == bindparam("digest"))
_REDEEM = (
    update(link_codes)
    .where(
        link_codes.c.id == bindparam("code_id"),
        link_codes.c.used_at.is_(None),
        link_codes.c.expires_at >= bindparam("now"),
    )
    .values(used_at=bindparam("now"))
)
_IS_GUARDIAN = select(guardians.c.chat_id).where(
    guardians.c.case_id == bindparam("case_id"), guardians.c.chat_id == bindparam("chat_id")
)
_ADD_GUARDIAN = insert(guardians)
_ADD_TRY = insert(link_tries)
_FORGET_TRIES = delete(link_tries).where(link_tries.c.at < bindparam("before"))
_ALL_TRIES = select(func.count()).select_from(link_tries)
_CHAT_TRIES = _ALL_TRIES.where(link_tries.c.chat_id == bindparam("chat_id"))
_ALERTED_AT = select(settings.c.value).where(settings.c.key == ALERTED_AT_KEY)


def find_code(db: Connection, *, digest: str, typed: bool) -> FoundCode | None:
    """The code whose HMAC is `digest` (of a typed code, or of a deep link's)."""
    row = db.execute(_BY_TYPED if typed else _BY_LINK, {"digest": digest}).first()
    if row is None:
        return None
    return FoundCode(row.id, row.case_id, row.used_at is not None, row.expires_at)


def redeem(db: Connection, *, code_id: int, now: datetime) -> bool:
    """Mark an unused, unexpired code used; False when it was not (any more)."""
    return db.execute(_REDEEM, {"code_id": code_id, "now": now}).rowcount == 1


def is_guardian(db: Connection, *, case_id: int, chat_id: int) -> bool:
    return db.execute(_IS_GUARDIAN, {"case_id": case_id, "chat_id": chat_id}).first() is not None


def add_guardian(db: Connection, *, case_id: int, chat_id: int, now: datetime) -> None:
    if not is_guardian(db, case_id=case_id, chat_id=chat_id):
        db.execute(_ADD_GUARDIAN, {"case_id": case_id, "chat_id": chat_id, "linked_at": now})


def forget_tries(db: Connection, *, before: datetime) -> None:
    db.execute(_FORGET_TRIES, {"before": before})


def add_wrong_try(db: Connection, *, chat_id: int, now: datetime) -> None:
    db.execute(_ADD_TRY, {"chat_id": chat_id, "at": now})


def wrong_tries(db: Connection, *, chat_id: int | None = None) -> int:
    """Wrong tries kept (the last hour's): of one chat, or of every chat."""
    if chat_id is None:
        return int(db.execute(_ALL_TRIES).scalar_one())
    return int(db.execute(_CHAT_TRIES, {"chat_id": chat_id}).scalar_one())


def claim_alert(db: Connection, *, now: datetime, since: datetime) -> bool:
    """True for the one caller that may alert staff: nobody did after `since`. Processes
    take turns (a lock until the commit), so two never both alert."""
    hold_until_commit(db, ALERT_LOCK)
    last = db.execute(_ALERTED_AT).scalar()
    if last is not None and datetime.fromisoformat(str(last)) > since:
        return False
    if last is None:
        db.execute(insert(settings).values(key=ALERTED_AT_KEY, value=now.isoformat()))
    else:
        db.execute(
            update(settings).where(settings.c.key == ALERTED_AT_KEY).values(value=now.isoformat())
        )
    return True
