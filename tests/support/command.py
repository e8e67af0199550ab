"""`otbot` commands run in the test's process (Typer's runner), with the bot's username set."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import app

USERNAME = {"OTBOT_BOT_USERNAME": "hel_ot_bot"}


def otbot(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env if env is not None else USERNAME)
    return result.exit_code, result.stdout, result.stderr
