"""Engine, schema migrations and the unit of work: one session and one commit per update."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, event
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(database_url: str) -> Engine:
    """An engine for the URL; SQLite runs in WAL mode with foreign keys on."""
    kwargs: dict[str, Any] = {}
    if database_url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False}
        if database_url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
    engine = create_engine(database_url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
    return engine


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision (Alembic)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


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
