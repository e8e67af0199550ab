"""The package as a container build or a deploy installs it: a wheel in a fresh virtualenv,
used from a folder that is not the checkout."""

from __future__ import annotations

import ast
import asyncio
import importlib.metadata
import os
import re
import signal
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import aiohttp
import pytest
from conftest import TOKEN
from support.net import free_port

from bot.standin import BotApiStandIn

ROOT = Path(__file__).resolve().parent.parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result.stdout


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("OTBOT_", "PYTHON"))}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, installed with its dependencies into a new venv."""
    place = tmp_path_factory.mktemp("installed")
    dist = place / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, ROOT, cwd=place)
    (wheel,) = dist.glob("otbot-*.whl")
    venv = place / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=place)
    pip = (venv / "bin" / "pip", "install", "-q", "-c", ROOT / "constraints.txt")
    _run(*pip, f"{wheel}[postgres]", cwd=place, env=_clean_env())
    return venv / "bin"


def test_the_wheel_carries_the_catalogs_and_the_migrations(installed: Path) -> None:
    (wheel,) = installed.parent.parent.glob("dist/otbot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for language in ("fi", "sv", "en"):
        assert f"bot/locales/{language}/LC_MESSAGES/bot.po" in names
    assert "bot/locales/bot.pot" in names
    assert "bot/store/migrations/env.py" in names
    assert any(name.startswith("bot/store/migrations/versions/0001_") for name in names)
    # `otbot demo`: the Bot API stand-in with its schema and the schema's licence, the page.
    for shipped in ("standin/schema/api.json", "standin/schema/LICENSE", "demo/page/demo.js"):
        assert f"bot/{shipped}" in names
    assert any(name.endswith("/licenses/LICENSE") or name.endswith("/LICENSE") for name in names)


def test_the_installed_command_works_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    env = _clean_env()
    version = _run(installed / "otbot", "--version", cwd=tmp_path, env=env)
    assert version.strip() == f"otbot {importlib.metadata.version('otbot')}"
    _run(installed / "otbot", "i18n", "check", "--quiet", cwd=tmp_path, env=env)
    where = _run(
        installed / "python",
        "-c",
        "import bot, bot.i18n as i; t = i.load_translators(); "
        "print(bot.__file__); print(i.LOCALES_DIR); print(len(t['fi'].messages))",
        cwd=tmp_path,
        env=env,
    ).split("\n")
    assert where[0].startswith(str(installed.parent)), "the wheel's bot, not the checkout's"
    assert where[1].startswith(str(installed.parent))
    assert int(where[2]) > 100


async def test_an_installed_bot_greets_a_finnish_parent_in_finnish(
    installed: Path, standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = {**_clean_env(), "OTBOT_TOKEN": TOKEN, "OTBOT_API_URL": standin.url}
    process = await asyncio.create_subprocess_exec(
        installed / "otbot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        parent = standin.user(5101, language_code="fi")
        parent.send_text("/start")
        await standin.wait_for(lambda: bool(parent.bot_messages()), timeout=60)
        assert "Helsingin kaupungin" in parent.bot_messages()[0].text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert "catalog missing" not in stderr.decode()


async def test_the_installed_demo_serves_its_page_with_no_settings(
    installed: Path, tmp_path: Path
) -> None:
    process = await asyncio.create_subprocess_exec(
        installed / "otbot",
        "demo",
        "--port",
        str(free_port()),
        cwd=tmp_path,
        env=_clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=120)).decode()
        (url,) = re.findall(r"http://127\.0\.0\.1:\d+/", line)
        async with aiohttp.ClientSession() as session:
            for path in ("", "demo.js", "demo.css"):
                async with session.get(url + path) as answer:
                    assert answer.status == 200
            async with session.get(url + "api/state") as answer:
                state = await answer.json()
        assert state["staff"]["topics"], "the seeded case has its topic"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()


def _imported_top_modules() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"bot", "__future__"}


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match is not None
    return match.group(0).lower().replace("_", "-")


def test_every_imported_distribution_is_declared() -> None:
    declared = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    distributions = importlib.metadata.packages_distributions()
    undeclared = {
        module: distributions.get(module)
        for module in _imported_top_modules()
        if not {_requirement_name(d) for d in distributions.get(module, [])} & declared
    }
    assert undeclared == {}, "imported by bot/ but not in pyproject's dependencies"


def test_dependencies_have_upper_bounds() -> None:
    unbounded = [r for r in PYPROJECT["project"]["dependencies"] if "<" not in r]
    assert unbounded == []


def test_the_constraints_pin_every_dependency() -> None:
    pinned = {
        _requirement_name(line)
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    declared = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert declared - pinned == set()


def test_the_systemd_unit_runs_unprivileged_restarts_and_is_hardened() -> None:
    unit = (ROOT / "deploy" / "otbot.service").read_text()
    settings = {line.split("=", 1)[0] for line in unit.splitlines() if "=" in line}
    assert "User=otbot" in unit
    assert "Restart=on-failure" in unit
    assert "RestartPreventExitStatus=2" in unit, "a setting that cannot work is not retried"
    assert {"NoNewPrivileges", "ProtectSystem", "PrivateTmp", "CapabilityBoundingSet"} <= settings


def test_the_proxy_snippet_exposes_the_webhook_path_only() -> None:
    snippet = (ROOT / "deploy" / "nginx-otbot.conf").read_text()
    proxied = [line for line in snippet.splitlines() if line.strip().startswith("location")]
    assert sum("proxy_pass" in line for line in snippet.splitlines()) == 1
    assert all("metrics" not in line or "404" in line for line in proxied)
