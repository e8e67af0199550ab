"""Linking a family's chat to their case with a one-time code (deep link or typed).

Wrong codes, typed or in a deep link, are limited per chat: after `WRONG_PER_CHAT` in an
hour the chat is told to try again later, whatever it sends, until the hour has passed.
When wrong tries pile up across all chats (`WRONG_FOR_EVERYONE` an hour) staff are alerted,
once an hour; a right code still works in every chat within its own limit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from bot.domain.cases import digest, typed_form
from bot.store import links
from bot.store.models import utcnow

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


@dataclass(frozen=True)
class LinkResult:
    outcome: Outcome
    case_id: int | None = None
    #: Whether staff should hear that wrong tries from everyone piled up (once an hour).
    alert: bool = False


def forget_old_tries(db: Connection, *, now: datetime) -> None:
    """Wrong tries are kept for the hour they limit, not longer (they name a chat)."""
    links.forget_tries(db, before=now - WINDOW)


def over_limit(db: Connection, *, chat_id: int) -> bool:
    """Whether a chat has used up its wrong tries this hour (then no code is read from it)."""
    forget_old_tries(db, now=utcnow())
    return links.wrong_tries(db, chat_id=chat_id) >= WRONG_PER_CHAT


def link_by_code(
    db: Connection, *, chat_id: int, code: str, secret: bytes, typed: bool
) -> LinkResult:
    """Redeem a code for a chat that has wrong tries left this hour."""
    if over_limit(db, chat_id=chat_id):
        return LinkResult(Outcome.TOO_MANY)
    now = utcnow()
    value = digest(secret, typed_form(code) if typed else code.strip())
    found = links.find_code(db, digest=value, typed=typed)
    if found is None:
        links.add_wrong_try(db, chat_id=chat_id, now=now)
        alert = links.wrong_tries(db) >= WRONG_FOR_EVERYONE and links.claim_alert(
            db, now=now, since=now - WINDOW
        )
        return LinkResult(Outcome.WRONG, alert=alert)
    if links.redeem(db, code_id=found.id, now=now):
        links.add_guardian(db, case_id=found.case_id, chat_id=chat_id, now=now)
        return LinkResult(Outcome.LINKED, found.case_id)
    # Used (perhaps a moment ago, by another chat) or expired: read it again to tell which.
    found = links.find_code(db, digest=value, typed=typed) or found
    if found.used:
        linked = links.is_guardian(db, case_id=found.case_id, chat_id=chat_id)
        return LinkResult(Outcome.ALREADY if linked else Outcome.USED, found.case_id)
    return LinkResult(Outcome.EXPIRED, found.case_id)
