"""Engine, schema migrations and the unit of work: one session and one commit per update.

`open_store` is how a process starts on the store: a URL that cannot work is one line
(`StoreError`), a server that does not answer is waited for (`OTBOT_DATABASE_WAIT`), and the
schema is migrated by one process at a time.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
#: The PostgreSQL advisory lock held while one process migrates (others wait for it).
MIGRATION_LOCK = 0x07B07001
#: Words of a server's refusal that waiting will not change: the URL itself is wrong.
_REFUSALS = ("password authentication failed", "does not exist", "no password supplied")


class StoreError(Exception):
    """The store's URL cannot work (exit status 2); the message is one line, no password."""


class StoreUnavailableError(Exception):
    """The database server did not answer within OTBOT_DATABASE_WAIT (exit status 1)."""


def open_store(
    settings: Settings,
    *,
    migrate: bool,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Engine:
    """An engine on `OTBOT_DATABASE_URL` that has answered, its schema migrated if asked.

    A URL that cannot work (unknown dialect, missing driver, SQLite file that cannot be
    opened, refused login) raises `StoreError` at once. A server that does not answer is
    tried again with backoff for `OTBOT_DATABASE_WAIT` seconds, then `StoreUnavailableError`,
    so a service manager restarts the bot through an outage.
    """
    url = settings.database_url
    try:
        engine = make_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        reason = _first_line(exc)
        if isinstance(exc, ImportError):
            reason += " (use sqlite:///FILE, or postgresql+psycopg://… with otbot[postgres])"
        raise StoreError(f"OTBOT_DATABASE_URL cannot work: {_hidden(url)}: {reason}") from None
    try:
        _wait_until_answered(engine, settings.database_wait, sleep, clock)
        if migrate:
            _migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _wait_until_answered(
    engine: Engine, wait: float, sleep: Callable[[float], None], clock: Callable[[], float]
) -> None:
    deadline = clock() + wait
    delay = 0.5
    while True:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return
        except DBAPIError as exc:
            reason = _first_line(exc.orig if exc.orig is not None else exc)
            where = _hidden(engine.url)
            if engine.dialect.name == "sqlite" or any(r in reason for r in _REFUSALS):
                raise StoreError(f"OTBOT_DATABASE_URL cannot work: {where}: {reason}") from None
            left = deadline - clock()
            if left <= 0:
                raise StoreUnavailableError(
                    f"the database at {where} did not answer within {wait:.0f} s "
                    f"(OTBOT_DATABASE_WAIT): {reason}"
                ) from None
            log.warning(
                "the database at %s does not answer (%s); trying again in %.1f s",
                where,
                reason,
                min(delay, left),
            )
            sleep(min(delay, left))
            delay = min(delay * 2, 10.0)


def _hidden(url: object) -> str:
    try:
        return make_url(str(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "the URL given"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__


def make_engine(database_url: str) -> Engine:
    """An engine for the URL. A statement's parameters never reach an error message or the
    log (a visit note may hold an address). SQLite runs in WAL mode with foreign keys on,
    overwrites what it deletes, and a new store file is readable by its owner only."""
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if database_url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False}
        if database_url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
    engine = create_engine(database_url, **kwargs)
    if engine.dialect.name == "sqlite":
        _create_private(engine.url.database)
        event.listen(engine, "connect", _tune_sqlite)
    return engine


def _create_private(database: str | None) -> None:
    """Create a SQLite store file that does not exist yet with mode 0600 (its -wal and -shm
    files take the same mode). An existing file keeps its mode."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return  # a missing folder is reported when the store is opened
    # Another process may make it at the same moment; a file that cannot be made at all is
    # reported by SQLite when the store is opened.
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # What is deleted or changed is overwritten with zeros, not left in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision (Alembic). On PostgreSQL one
    process migrates while the others wait for it (an advisory lock held until the commit),
    then find nothing left to do."""
    config = _alembic_config()
    with engine.begin() as connection:
        hold_until_commit(connection, MIGRATION_LOCK)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def hold_until_commit(db: Connection, key: int) -> None:
    """On PostgreSQL, wait for and hold a lock named by `key` until the transaction ends, so
    processes doing the same thing take turns. SQLite has one writer at a time already."""
    if db.dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def wait_for_locks_at_most(db: Connection, seconds: float) -> None:
    """On PostgreSQL, let the rest of the transaction wait at most `seconds` for any one lock
    (a statement that would wait longer fails). SQLite has one writer at a time already."""
    if db.dialect.name == "postgresql":
        db.execute(text(f"SET LOCAL lock_timeout = {round(seconds * 1000)}"))


#: `migrate` under a name `open_store`'s keyword does not hide.
_migrate = migrate


@dataclass(frozen=True)
class SchemaStatus:
    """Where the store's schema is against this version's migrations."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    def __str__(self) -> str:
        at = f"at revision {self.current}" if self.current else "empty"
        return f"the store is {at}, this version's revision is {self.head}"


def schema_status(engine: Engine) -> SchemaStatus:
    """The store's revision (None when empty) and the newest this version knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return SchemaStatus(current, head)


def backup_sqlite(engine: Engine, target: Path) -> None:
    """Copy a SQLite store to `target` with SQLite's online backup API: the bot may keep
    running and writing, and the copy is consistent."""
    if engine.dialect.name != "sqlite":
        raise StoreError(
            f"otbot db backup copies SQLite stores; back up {engine.dialect.name} "
            "with pg_dump (README, Backing up)"
        )
    if target.exists():
        raise StoreError(f"{target} exists already; give a new file")
    _create_private(str(target))  # a copy of the store is as private as the store
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise StoreError(f"cannot write {target}: {exc}") from None
    finally:
        raw.close()


_current: contextvars.ContextVar[Connection] = contextvars.ContextVar("otbot_unit_of_work")
_open = 0


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Connection]:
    """A transaction that commits once when the block ends without error, else rolls back.

    While the block runs, `current_unit()` returns its connection, so handlers deep in an
    update's processing share one transaction without passing it along by hand. (SQLModel
    sessions can join it: `Session(bind=connection)`.)
    """
    global _open
    with engine.begin() as connection:
        token = _current.set(connection)
        _open += 1
        try:
            yield connection
        finally:
            _open -= 1
            _current.reset(token)


def open_units() -> int:
    """How many units of work are open in this process now. The bot never calls Telegram
    while one is (the tests ask at every call)."""
    return _open


def current_unit() -> Connection:
    """The connection of the unit of work this code runs in."""
    try:
        return _current.get()
    except LookupError:
        raise RuntimeError("no unit of work is open") from None
