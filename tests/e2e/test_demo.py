"""`otbot demo` in this process, through the JSON API its page uses: a translator's saved
catalog is used from the next message on (`--reload`), and only the demo's page may act."""

from __future__ import annotations

import asyncio
import functools
import shutil
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from babel.messages.pofile import write_po
from support.net import free_port

from bot.demo import run_demo
from bot.dialogs.menu_pages import NOTICES
from bot.i18n import BABEL_LOCALES, LOCALES_DIR, catalog_path, load_translators, read_catalog
from bot.runtime import runner

HEADERS = {"X-Otbot-Demo": "1"}
EDITED = "Käytän nyt kanssasi suomea (muokattu käännös)."


class Demo:
    def __init__(self, url: str, session: aiohttp.ClientSession) -> None:
        self.url = url
        self.session = session

    async def state(self, after: int = -1) -> Any:
        async with self.session.get(f"{self.url}api/state?after={after}") as answer:
            return await answer.json()

    async def post(self, path: str, body: dict[str, Any]) -> int:
        async with self.session.post(f"{self.url}api/{path}", json=body, headers=HEADERS) as r:
            return r.status

    async def parent_popups(self) -> list[str]:
        return [p["text"] for p in (await self.state())["popups"] if p["side"] == "anna"]

    async def anna(self) -> list[Any]:
        state = await self.state()
        return next(p["messages"] for p in state["phones"] if p["key"] == "anna")


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the catalogs, which the demo's bot reads instead of the real ones."""
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, copy)
    monkeypatch.setattr(runner, "load_translators", functools.partial(load_translators, copy))
    return copy


@pytest.fixture
async def demo(locales: Path) -> AsyncIterator[Demo]:
    stop = asyncio.Event()
    urls: list[str] = []
    task = asyncio.create_task(
        run_demo(free_port(), reload=True, ready=urls.append, stop=stop, locales_dir=locales)
    )
    for _ in range(600):
        if urls or task.done():
            break
        await asyncio.sleep(0.1)
    if task.done():
        task.result()
    try:
        async with aiohttp.ClientSession() as session:
            yield Demo(urls[0], session)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


def edit_catalog(locales: Path, language: str, msgid: str, text: str) -> None:
    path = catalog_path(language, locales)
    catalog = read_catalog(path, BABEL_LOCALES[language])
    message = catalog[msgid]
    assert message is not None
    message.string = text
    with path.open("wb") as handle:
        write_po(handle, catalog, width=99)


async def choose_finnish(demo: Demo) -> None:
    """The parent presses 🌐 on the menu and then "suomi"."""
    assert await demo.post("phone/anna/text", {"text": "/start"}) == 200
    for label in ("🌐", "suomi"):
        for _ in range(100):
            messages = await demo.anna()
            pressable = [
                (m["id"], b["data"])
                for m in messages
                if m["bot"]
                for row in m["buttons"]
                for b in row
                if label in b["text"]
            ]
            if pressable:
                break
            await asyncio.sleep(0.1)
        message_id, data = pressable[-1]
        assert await demo.post("phone/anna/press", {"id": message_id, "data": data}) == 200


async def test_a_saved_catalog_is_used_from_the_next_message(demo: Demo, locales: Path) -> None:
    await choose_finnish(demo)
    original = load_translators(locales)["fi"](NOTICES["language"])
    await _until(lambda popups: original in popups, demo)

    edit_catalog(locales, "fi", NOTICES["language"], EDITED)
    await asyncio.sleep(1.5)  # the demo notices the save and restarts its bot
    await choose_finnish(demo)
    await _until(lambda popups: EDITED in popups, demo)


async def test_a_catalog_that_does_not_read_leaves_the_texts_as_they_were(
    demo: Demo, locales: Path
) -> None:
    catalog_path("fi", locales).write_text('msgid "broken\n', encoding="utf-8")
    await asyncio.sleep(1.5)
    await choose_finnish(demo)
    original = load_translators(LOCALES_DIR)["fi"](NOTICES["language"])
    await _until(lambda popups: original in popups, demo)


async def test_only_the_demos_page_may_act(demo: Demo) -> None:
    before = len(await demo.anna())
    text = f"{demo.url}api/phone/anna/text"
    async with demo.session.post(text, json={"text": "hi"}) as answer:
        assert answer.status == 403
    elsewhere = {**HEADERS, "Host": "evil.test"}
    async with demo.session.post(text, json={"text": "hi"}, headers=elsewhere) as answer:
        assert answer.status == 403
    assert await demo.post("phone/nobody/text", {"text": "hi"}) == 404
    assert len(await demo.anna()) == before


async def _until(check: Any, demo: Demo, seconds: float = 20) -> None:
    popups: list[str] = []
    for _ in range(int(seconds * 10)):
        popups = await demo.parent_popups()
        if check(popups):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not seen in the pop-ups: {popups}")


def test_a_port_in_use_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "bot", "demo", "--port", str(port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"otbot: port {port} on 127.0.0.1 is in use: choose another with --port"
    )
    assert "http://" not in result.stdout
