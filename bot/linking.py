"""Linking a family's chat to their case with a one-time code (deep link or typed).

Wrong typed codes are limited per chat (`WRONG_PER_CHAT` an hour). When wrong tries pile up
across all chats (`WRONG_FOR_EVERYONE` an hour), typed codes are refused for everyone for
the rest of that hour and staff are alerted; deep links, too long to guess, keep working.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, delete, func
from sqlmodel import Session, col, select

from bot.cases import digest, typed_form
from bot.store.models import Case, Guardian, LinkAttempt, LinkCode, utcnow

WRONG_PER_CHAT = 5
WRONG_FOR_EVERYONE = 50
WINDOW = timedelta(hours=1)


class Outcome(enum.Enum):
    LINKED = "linked"
    ALREADY = "already"  # this chat was linked to the case already
    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"
    TOO_MANY = "too many"  # this chat tried too many wrong codes
    BUSY = "busy"  # too many wrong codes from everyone: typed codes rest for a while


@dataclass(frozen=True)
class LinkResult:
    outcome: Outcome
    case: Case | None = None
    #: Whether this try tipped the wrong tries of everyone over the limit (alert staff once).
    alert: bool = False


def link_by_code(
    db: Connection, *, chat_id: int, code: str, secret: bytes, typed: bool
) -> LinkResult:
    """Redeem a code for a chat; a typed code first passes the limits on wrong tries."""
    session = Session(bind=db)
    now = utcnow()
    session.execute(delete(LinkAttempt).where(col(LinkAttempt.at) < now - WINDOW))
    if typed:
        everyone = _wrong_tries(session)
        if everyone >= WRONG_FOR_EVERYONE:
            return LinkResult(Outcome.BUSY)
        if _wrong_tries(session, chat_id) >= WRONG_PER_CHAT:
            return LinkResult(Outcome.TOO_MANY)
    field = LinkCode.typed_digest if typed else LinkCode.link_digest
    value = digest(secret, typed_form(code) if typed else code.strip())
    found = session.exec(select(LinkCode).where(field == value)).first()
    if found is None:
        if not typed:
            return LinkResult(Outcome.WRONG)
        session.add(LinkAttempt(chat_id=chat_id, at=now))
        session.flush()
        return LinkResult(Outcome.WRONG, alert=_wrong_tries(session) == WRONG_FOR_EVERYONE)
    case = session.get(Case, found.case_id)
    assert case is not None
    assert case.id is not None
    if found.used_at is not None:
        linked = session.get(Guardian, (case.id, chat_id)) is not None
        return LinkResult(Outcome.ALREADY if linked else Outcome.USED, case)
    if found.expires_at.replace(tzinfo=now.tzinfo) < now:
        return LinkResult(Outcome.EXPIRED, case)
    found.used_at = now
    session.add(found)
    if session.get(Guardian, (case.id, chat_id)) is None:
        session.add(Guardian(case_id=case.id, chat_id=chat_id, linked_at=now))
    session.flush()
    return LinkResult(Outcome.LINKED, case)


def _wrong_tries(session: Session, chat_id: int | None = None) -> int:
    query = select(func.count()).select_from(LinkAttempt)
    if chat_id is not None:
        query = query.where(LinkAttempt.chat_id == chat_id)
    return int(session.exec(query).one())
