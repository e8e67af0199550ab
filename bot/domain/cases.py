"""Cases and the one-time codes that link a family's chat to their case.

A code is random (`secrets`), single use and valid `OTBOT_LINK_CODE_DAYS`. Only an HMAC of
it is stored, keyed with `OTBOT_SECRET`, or with a secret generated once and kept beside the
database. The deep link carries a long code; the code a parent types is short, from an
alphabet without look-alikes (no 0/O, 1/I).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from bot.config import SECRET_MIN_LENGTH, Settings, SettingsError
from bot.domain.identity_codes import holds_identity_code
from bot.domain.visits import visits_ahead
from bot.i18n import N_
from bot.store import cases as store
from bot.store.database import hold_until_commit
from bot.store.models import utcnow

TYPED_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TYPED_LENGTH = 8
LINK_BYTES = 24  # 32 characters of A-Za-z0-9_- : a deep link takes up to 64
LABEL_LENGTH = 64
SECRET_FILE = "otbot.secret"
#: The PostgreSQL advisory lock under which a case takes the next reference number.
REFERENCE_LOCK = 0x07B07002
#: A case's status as staff read it in the group.
CASE_STATUS_NAMES = {
    # Translators: a case's status, in /status in the staff group.
    "open": N_("open"),
    # Translators: a case's status, in /status in the staff group.
    "closed": N_("closed"),
}


class CaseError(Exception):
    """A case operation that cannot be done; the message is one line for staff. A `text`
    marked for the catalogs (with `values` for its placeholders) is shown translated in
    the staff group; the command line prints it in English."""

    def __init__(self, text: str, **values: object) -> None:
        super().__init__(text.format(**values) if values else text)
        self.text, self.values = text, values


@dataclass(frozen=True)
class IssuedCode:
    """A code just made: the only moment the codes themselves exist."""

    reference: str
    label: str
    code: str
    link_code: str
    expires_at: datetime

    def link(self, bot_username: str) -> str:
        return f"https://t.me/{bot_username}?start={self.link_code}"


@dataclass(frozen=True)
class CaseSummary:
    reference: str
    label: str
    status: str
    guardians: int
    created_at: datetime


def load_secret(settings: Settings) -> bytes:
    """`OTBOT_SECRET`, else the secret kept beside the database, made on first need."""
    if settings.secret is not None:
        return settings.secret.get_secret_value().encode()
    path = secret_path(settings.database_url)
    if not path.exists():
        _create_secret(path)
    secret = path.read_text().strip()
    if len(secret) < SECRET_MIN_LENGTH:
        raise SettingsError(
            f"{path} holds no secret of at least {SECRET_MIN_LENGTH} characters: set "
            "OTBOT_SECRET, or delete the file to have a new one made (the link codes given "
            "out so far stop working)"
        )
    return secret.encode()


def _create_secret(path: Path) -> None:
    """Make the secret file whole or not at all: written under a temporary name beside it
    (mode 0600), then linked to its name unless another process got there first (whose
    secret everyone then reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{SECRET_FILE}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def check_secret_setting(settings: Settings) -> None:
    """With a database server, every process must share one secret: OTBOT_SECRET, never a
    file in whatever folder a process happens to start in."""
    if settings.secret is None and not settings.database_url.startswith("sqlite"):
        raise SettingsError(
            "OTBOT_SECRET is not set: with a database server every process needs the same "
            "secret (for example `python3 -c 'import secrets; print(secrets.token_hex(32))'`)"
        )


def secret_path(database_url: str) -> Path:
    """Beside a SQLite file; in the working directory for any other database."""
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///:memory:":
        return Path(database_url.removeprefix("sqlite:///")).resolve().parent / SECRET_FILE
    return Path.cwd() / SECRET_FILE


def digest(secret: bytes, code: str) -> str:
    return hmac.new(secret, code.encode(), hashlib.sha256).hexdigest()


def typed_form(code: str) -> str:
    """A typed code as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s-]", "", code).upper()


def check_label(label: str) -> str:
    label = " ".join(label.split())
    if not label:
        # Translators: why /newcase opened no case.
        raise CaseError(N_("the label is empty"))
    if len(label) > LABEL_LENGTH:
        # Translators: why /newcase opened no case.
        raise CaseError(N_("the label is longer than {limit} characters"), limit=LABEL_LENGTH)
    if holds_identity_code(label):
        # Translators: why /newcase opened no case.
        raise CaseError(N_("the label looks like it holds a personal identity code; leave it out"))
    return label


def open_case(db: Connection, *, label: str, secret: bytes, days: int) -> IssuedCode:
    """A new open case with its first code."""
    now = utcnow()
    label = check_label(label)
    reference = _next_reference(db, now)
    case_id = store.insert_case(db, reference=reference, label=label, created_at=now)
    return _issue(db, case_id, reference, label, secret=secret, days=days, now=now)


def new_code(db: Connection, *, reference: str, secret: bytes, days: int) -> IssuedCode:
    """Another code for a case, for another guardian."""
    case = find_case(db, reference=reference)
    if case.status != "open":
        # Translators: why /link made no code.
        raise CaseError(
            N_("case {reference} is closed; reopen it first"), reference=case.reference
        )
    return _issue(db, case.id, case.reference, case.label, secret=secret, days=days, now=utcnow())


def close_case(db: Connection, *, reference: str) -> Any:
    """Close a case; refused while it has visits ahead (cancel them first). Returns the
    closed case's row."""
    case = find_case(db, reference=reference)
    ahead = visits_ahead(db, case_id=case.id, now=utcnow())
    if ahead:
        raise CaseError(
            f"case {case.reference} has {len(ahead)} visit(s) ahead; cancel them first "
            "(otbot visit list, otbot visit cancel)"
        )
    store.set_status(db, case_id=case.id, status="closed", closed_at=utcnow())
    return store.case_by_id(db, case_id=case.id)


def reopen_case(db: Connection, *, reference: str) -> bool:
    """Open a closed case again; False when it is open already. A case erased after the
    retention period (its label blanked, its links and visits gone) cannot be reopened."""
    case = find_case(db, reference=reference)
    if case.status == "open":
        return False
    if erased(case.status, case.label):
        raise CaseError(
            # Translators: why a case was not reopened.
            N_(
                "case {reference} was erased after the retention period and cannot be "
                "reopened; open a new case"
            ),
            reference=case.reference,
        )
    store.set_status(db, case_id=case.id, status="open", closed_at=None)
    return True


def erased(status: str, label: str) -> bool:
    """A case erased after the retention period: closed, its label blanked."""
    return status == "closed" and not label


def list_cases(db: Connection) -> list[CaseSummary]:
    return [
        CaseSummary(row.reference, row.label, row.status, row.n or 0, row.created_at)
        for row in store.summaries(db)
    ]


def find_case(db: Connection, *, reference: str) -> Any:
    """The case's row with a reference (any letter case); a CaseError when there is none."""
    case = store.case_by_reference(db, reference=reference.strip().upper())
    if case is None:
        raise CaseError(f"no case {reference!r}")
    return case


def _next_reference(db: Connection, now: datetime) -> str:
    """The year's next number; cases opened at once take turns (a lock until the commit)."""
    hold_until_commit(db, REFERENCE_LOCK)
    prefix = f"OT-{now.year}-"
    latest = store.latest_reference(db, prefix=prefix)
    number = int(latest.removeprefix(prefix)) + 1 if latest else 1
    return f"{prefix}{number:04d}"


def _issue(
    db: Connection,
    case_id: int,
    reference: str,
    label: str,
    *,
    secret: bytes,
    days: int,
    now: datetime,
) -> IssuedCode:
    code = "".join(secrets.choice(TYPED_ALPHABET) for _ in range(TYPED_LENGTH))
    link_code = secrets.token_urlsafe(LINK_BYTES)
    expires_at = now + timedelta(days=days)
    store.add_code(
        db,
        case_id=case_id,
        link_digest=digest(secret, link_code),
        typed_digest=digest(secret, code),
        created_at=now,
        expires_at=expires_at,
    )
    return IssuedCode(reference, label, code, link_code, expires_at)
