"""The key of the link codes' HMACs: long enough, and one secret file however many processes
start at once."""

from __future__ import annotations

import multiprocessing
import stat
import threading
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest
from conftest import TOKEN
from support.process import finished, otbot

from bot.config import SECRET_MIN_LENGTH, SettingsError, load_settings
from bot.domain.cases import SECRET_FILE, load_secret

SHORT = "a-secret-too-short-to-keep"
STARTING = 8
#: A race is lost only now and then: run it a few times.
ROUNDS = 5


async def test_a_short_secret_is_refused_naming_the_setting_but_not_the_value(
    tmp_path: Path,
) -> None:
    assert len(SHORT) < SECRET_MIN_LENGTH
    env = {"OTBOT_TOKEN": TOKEN, "OTBOT_SECRET": SHORT}
    code, stderr = await finished(await otbot("run", env=env, cwd=tmp_path))
    assert code == 2
    assert stderr.strip().count("\n") == 0, stderr
    assert "OTBOT_SECRET" in stderr
    assert f"at least {SECRET_MIN_LENGTH} characters" in stderr
    assert SHORT not in stderr
    with pytest.raises(SettingsError, match="OTBOT_SECRET") as refused:
        load_settings(secret=SHORT)
    assert SHORT not in str(refused.value)
    assert load_settings(secret="x" * SECRET_MIN_LENGTH).secret is not None


def _start(database_url: str, barrier: Barrier, secrets: Any) -> None:
    barrier.wait()
    secrets.put(load_secret(load_settings(database_url=database_url, secret=None)))


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_processes_starting_at_once_share_one_secret(tmp_path: Path, round_: int) -> None:
    url = f"sqlite:///{tmp_path / 'otbot.sqlite3'}"
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(STARTING)
    secrets = context.Queue()
    processes = [
        context.Process(target=_start, args=(url, barrier, secrets)) for _ in range(STARTING)
    ]
    for process in processes:
        process.start()
    read = [secrets.get(timeout=30) for _ in processes]
    for process in processes:
        process.join(30)
        assert process.exitcode == 0
    assert len(set(read)) == 1, "every process read the same secret"
    assert len(read[0]) == 64
    assert [p.name for p in tmp_path.iterdir()] == [SECRET_FILE], "no temporary file is left"
    assert stat.S_IMODE((tmp_path / SECRET_FILE).stat().st_mode) == 0o600


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_threads_starting_at_once_share_one_secret(tmp_path: Path, round_: int) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'otbot.sqlite3'}", secret=None)
    barrier = threading.Barrier(STARTING)
    read: list[bytes] = []

    def start() -> None:
        barrier.wait()
        read.append(load_secret(settings))

    threads = [threading.Thread(target=start) for _ in range(STARTING)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(read) == STARTING
    assert len(set(read)) == 1
    assert read[0] == (tmp_path / SECRET_FILE).read_text().encode()


def test_an_empty_secret_file_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / SECRET_FILE).write_text("")
    with pytest.raises(SettingsError, match="OTBOT_SECRET"):
        load_secret(
            load_settings(database_url=f"sqlite:///{tmp_path / 'otbot.sqlite3'}", secret=None)
        )
