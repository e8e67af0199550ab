"""`otbot` as an operator runs it: clear one-line errors, and a real process serving /start."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import pytest
from conftest import TOKEN
from support.net import free_port
from support.process import finished, otbot

from bot.standin import BotApiStandIn


async def test_run_without_a_token_names_the_setting(tmp_path: Path) -> None:
    code, stderr = await finished(await otbot("run", env={}, cwd=tmp_path))
    assert code == 2
    assert stderr.strip().count("\n") == 0, stderr
    assert "OTBOT_TOKEN" in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OTBOT_TIMEZONE", "Mars/Olympus"),
        ("OTBOT_STAFF_CHAT_ID", "the-staff"),
        ("OTBOT_LOG_LEVEL", "LOUD"),
        ("OTBOT_API_URL", "ftp://example.org"),
    ],
)
async def test_a_bad_setting_is_one_clear_line(name: str, value: str, tmp_path: Path) -> None:
    env = {"OTBOT_TOKEN": TOKEN, name: value}
    code, stderr = await finished(await otbot("run", env=env, cwd=tmp_path))
    assert code == 2
    assert stderr.strip().count("\n") == 0, stderr
    assert name in stderr


async def test_the_token_is_read_from_dot_env(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("OTBOT_TOKEN=123:abc\nOTBOT_TIMEZONE=Nowhere/Else\n")
    code, stderr = await finished(await otbot("run", env={}, cwd=tmp_path))
    assert code == 2
    assert "OTBOT_TIMEZONE" in stderr


async def test_a_refused_token_is_one_clear_line(standin: BotApiStandIn, tmp_path: Path) -> None:
    env = {"OTBOT_TOKEN": "999:WRONG", "OTBOT_API_URL": standin.url}
    code, stderr = await finished(await otbot("run", env=env, cwd=tmp_path))
    assert code == 2
    assert "refused OTBOT_TOKEN" in stderr
    assert "Traceback" not in stderr
    assert "999:WRONG" not in stderr


async def test_otbot_run_answers_start_and_stops_on_sigterm(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = {"OTBOT_TOKEN": TOKEN, "OTBOT_API_URL": standin.url, "OTBOT_LOG_LEVEL": "DEBUG"}
    process = await otbot("run", env=env, cwd=tmp_path)
    parent = standin.user(5001, language_code="sv")
    parent.send_text("/start")
    parent.send_text("Vår Eetu-Kalervo gråter")
    await standin.wait_idle(timeout=30)
    assert "Helsingfors stads" in parent.bot_messages()[0].text
    process.send_signal(signal.SIGTERM)
    code, stderr = await finished(process)
    assert code == 0, stderr
    assert TOKEN not in stderr, "the token must never be logged"
    assert "Eetu-Kalervo" not in stderr, "a parent's words must never be logged"
    assert "DEBUG" in stderr
    assert "Traceback" not in stderr
    assert (tmp_path / "otbot.sqlite3").exists()


async def test_json_logs_are_one_object_a_line_without_personal_data(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = {
        "OTBOT_TOKEN": TOKEN,
        "OTBOT_API_URL": standin.url,
        "OTBOT_LOG_LEVEL": "DEBUG",
        "OTBOT_LOG_FORMAT": "json",
    }
    process = await otbot("run", env=env, cwd=tmp_path)
    parent = standin.user(5002, language_code="fi")
    parent.send_text("/start")
    parent.send_text("Eetu-Kalervo 010120A123D itkee koko ajan")
    await standin.wait_idle(timeout=30)
    process.send_signal(signal.SIGTERM)
    code, stderr = await finished(process)
    assert code == 0, stderr
    lines = stderr.strip().splitlines()
    entries = [json.loads(line) for line in lines]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(entry["level"] == "DEBUG" for entry in entries)
    assert TOKEN not in stderr
    assert "Eetu-Kalervo" not in stderr
    assert "010120A123D" not in stderr


async def test_a_first_case_before_the_bot_ever_ran_asks_telegram_for_the_username(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = {"OTBOT_TOKEN": TOKEN, "OTBOT_API_URL": standin.url}
    process = await otbot("case", "new", "--label", "Eetu 4 kk", env=env, cwd=tmp_path)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert f"https://t.me/{standin.bot_username}?start=" in stdout.decode()
    assert len(standin.calls_to("getMe")) == 1
    again = await otbot("case", "new", "--label", "Aino", env=env, cwd=tmp_path)
    await asyncio.wait_for(again.communicate(), timeout=30)
    assert len(standin.calls_to("getMe")) == 1, "the username is remembered"


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"OTBOT_WEBHOOK_URL": "https://otbot.example.fi/hook"}, "OTBOT_WEBHOOK_SECRET"),
        (
            {"OTBOT_WEBHOOK_URL": "https://otbot.example.fi/hook", "OTBOT_WEBHOOK_SECRET": "a b"},
            "OTBOT_WEBHOOK_SECRET",
        ),
        ({"OTBOT_WEBHOOK_URL": "http://otbot.example.fi/hook"}, "OTBOT_WEBHOOK_URL"),
        ({"OTBOT_LISTEN": "localhost"}, "OTBOT_LISTEN"),
        ({"OTBOT_WORKERS": "2"}, "OTBOT_WORKERS"),
    ],
    ids=["no-secret", "bad-secret", "not-https", "bad-listen", "workers-polling-sqlite"],
)
async def test_a_webhook_that_cannot_work_is_one_clear_line(
    settings: dict[str, str], named: str, tmp_path: Path
) -> None:
    env = {"OTBOT_TOKEN": TOKEN, **settings}
    code, stderr = await finished(await otbot("run", env=env, cwd=tmp_path))
    assert code == 2
    assert stderr.strip().count("\n") == 0, stderr
    assert named in stderr
    assert "a b" not in stderr


async def test_otbot_run_in_webhook_mode_answers_and_leaves_the_webhook_at_a_stop(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    port = free_port()
    standin.route_webhook("https://otbot.example.fi", f"http://127.0.0.1:{port}")
    env = {
        "OTBOT_TOKEN": TOKEN,
        "OTBOT_API_URL": standin.url,
        "OTBOT_WEBHOOK_URL": "https://otbot.example.fi/telegram/hook",
        "OTBOT_WEBHOOK_SECRET": "webhook-secret-of-a-real-process",
        "OTBOT_LISTEN": f"127.0.0.1:{port}",
    }
    process = await otbot("run", env=env, cwd=tmp_path)
    parent = standin.user(5003, language_code="fi")
    parent.send_text("/start")
    await standin.wait_for(lambda: bool(parent.bot_messages()), timeout=30)
    assert "Helsingin kaupungin" in parent.bot_messages()[0].text
    process.send_signal(signal.SIGTERM)
    code, stderr = await finished(process)
    assert code == 0, stderr
    assert standin.webhook is not None
    assert standin.calls_to("deleteWebhook") == []
    assert "webhook-secret-of-a-real-process" not in stderr
    assert "/telegram/hook" not in stderr
    assert "Traceback" not in stderr
