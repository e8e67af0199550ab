"""Starting on the store as an operator meets it: a URL that cannot work is one line, a server
that does not answer is waited for, migrations run once, and `otbot db` keeps the schema."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from conftest import fresh_postgres
from sqlalchemy import text
from support.family import SECRET
from typer.testing import CliRunner

from bot.cli import app
from bot.config import load_settings
from bot.store.database import (
    StoreError,
    StoreUnavailableError,
    backup_sqlite,
    open_store,
    schema_status,
)


def otbot(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env or {})
    return result.exit_code, result.stdout, result.stderr


class FakeTime:
    """A monotonic clock that `sleep` moves, so waiting takes no time in tests."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("oracle+nothing://u@h/d", "Can't load plugin"),
        ("mysql://u:hunter2@db/otbot", "postgresql+psycopg"),
        ("not a url at all", "Could not parse"),
        ("sqlite:///{tmp}/a-file/otbot.sqlite3", "unable to open database file"),
        ("sqlite:///{tmp}/no/such/folder/otbot.sqlite3", "unable to open database file"),
    ],
)
def test_a_url_that_cannot_work_is_one_line_at_once(url: str, said: str, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    settings = load_settings(database_url=url.format(tmp=tmp_path), database_wait=30)
    waited = FakeTime()
    with pytest.raises(StoreError) as raised:
        open_store(settings, migrate=True, sleep=waited.sleep, clock=waited.clock)
    message = str(raised.value)
    assert said in message
    assert "OTBOT_DATABASE_URL" in message
    assert "\n" not in message
    assert "hunter2" not in message, "a password is never printed"
    assert waited.sleeps == [], "nothing to wait for"


def test_a_server_that_does_not_answer_is_waited_for_then_given_up() -> None:
    settings = load_settings(
        database_url="postgresql+psycopg://otbot:hunter2@127.0.0.1:9/otbot", database_wait=20
    )
    waited = FakeTime()
    with pytest.raises(StoreUnavailableError) as raised:
        open_store(settings, migrate=True, sleep=waited.sleep, clock=waited.clock)
    assert waited.sleeps[:4] == [0.5, 1.0, 2.0, 4.0], "backoff"
    assert max(waited.sleeps) <= 10.0
    assert sum(waited.sleeps) == pytest.approx(20.0)
    assert "OTBOT_DATABASE_WAIT" in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_migrating_is_asked_for(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'otbot.sqlite3'}")
    engine = open_store(settings, migrate=False)
    status = schema_status(engine)
    assert status.current is None
    assert not status.up_to_date
    engine.dispose()
    engine = open_store(settings, migrate=True)
    assert schema_status(engine).up_to_date
    engine.dispose()


def test_workers_starting_together_migrate_once_on_postgresql() -> None:
    settings = load_settings(database_url=fresh_postgres())
    failures: list[BaseException] = []

    def start() -> None:
        try:
            open_store(settings, migrate=True).dispose()
        except BaseException as exc:
            failures.append(exc)

    workers = [threading.Thread(target=start, daemon=True) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert failures == []
    engine = open_store(settings, migrate=False)
    assert schema_status(engine).up_to_date
    engine.dispose()


def test_a_backup_is_a_consistent_copy_while_the_store_is_open(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'otbot.sqlite3'}")
    engine = open_store(settings, migrate=True)
    with engine.begin() as db:
        db.execute(text("INSERT INTO setting (key, value) VALUES ('x', 'kept')"))
    backup_sqlite(engine, tmp_path / "copy.sqlite3")
    with pytest.raises(StoreError, match="exists already"):
        backup_sqlite(engine, tmp_path / "copy.sqlite3")
    engine.dispose()
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("SELECT value FROM setting WHERE key = 'x'").fetchone() == ("kept",)
    copy.close()


def test_db_check_says_behind_then_current_after_upgrade() -> None:
    code, _, err = otbot("db", "check")
    assert code == 1
    assert "otbot db upgrade" in err
    code, out, _ = otbot("db", "upgrade")
    assert code == 0
    assert "current" in out
    code, out, _ = otbot("db", "check")
    assert (code, out.startswith("the store is current")) == (0, True)


def test_db_commands_with_a_url_that_cannot_work_exit_2_in_one_line() -> None:
    for command in (("db", "check"), ("db", "upgrade"), ("case", "list")):
        code, _, err = otbot(*command, env={"OTBOT_DATABASE_URL": "nosuch://x"})
        assert code == 2, command
        assert err.count("\n") == 1
        assert "OTBOT_DATABASE_URL" in err


def test_db_backup_copies_sqlite_and_sends_postgresql_to_pg_dump(tmp_path: Path) -> None:
    otbot("db", "upgrade")
    code, out, _ = otbot("db", "backup", str(tmp_path / "otbot-copy.sqlite3"))
    assert code == 0
    assert (tmp_path / "otbot-copy.sqlite3").exists()
    assert "otbot.secret" in out, "the secret is part of a backup"
    code, _, err = otbot(
        "db",
        "backup",
        "x.dump",
        env={"OTBOT_DATABASE_URL": fresh_postgres(), "OTBOT_SECRET": SECRET},
    )
    assert code == 2
    assert "pg_dump" in err


def test_run_without_migrating_refuses_a_store_that_is_behind() -> None:
    code, _, err = otbot("run", "--no-migrate", env={"OTBOT_TOKEN": "123:abc"})
    assert code == 1
    assert "otbot db upgrade" in err
    assert err.count("\n") == 1


def test_run_with_a_url_that_cannot_work_exits_2_in_one_line() -> None:
    env = {"OTBOT_TOKEN": "123:abc", "OTBOT_DATABASE_URL": "sqlite:////proc/otbot/x.sqlite3"}
    code, _, err = otbot("run", env=env)
    assert code == 2
    assert err.count("\n") == 1
    assert "Traceback" not in err
