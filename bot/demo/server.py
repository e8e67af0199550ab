"""The demo's page and the small JSON API it talks to, on 127.0.0.1 only.

Every request that changes something must carry the `X-Otbot-Demo` header: another site
open in the same browser cannot send one without the browser asking first, and this
server never says yes, so only the demo's own page can press buttons in it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.demo.world import DemoWorld

PAGE_DIR = Path(__file__).resolve().parent / "page"
STATIC = {
    "/": ("index.html", "text/html"),
    "/demo.js": ("demo.js", "text/javascript"),
    "/demo.css": ("demo.css", "text/css"),
}
#: How long the page's request for news waits when nothing changes.
LONG_POLL_SECONDS = 20.0
PHOTO_LIMIT = 10 * 1024 * 1024
TEXT_LIMIT = 4096
HEADER = "X-Otbot-Demo"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class DemoServer:
    def __init__(self, world: DemoWorld, zone: ZoneInfo) -> None:
        self.world = world
        self.zone = zone
        self._runner: web.AppRunner | None = None

    def application(self) -> web.Application:
        app = web.Application(client_max_size=PHOTO_LIMIT + 64 * 1024, middlewares=[_guard])
        for path in STATIC:
            app.router.add_get(path, self._static)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/file/{file_id}", self._file)
        app.router.add_post("/api/phone/{who}/text", self._phone_text)
        app.router.add_post("/api/phone/{who}/press", self._phone_press)
        app.router.add_post("/api/phone/{who}/photo", self._phone_photo)
        app.router.add_post("/api/phone/{who}/language", self._phone_language)
        app.router.add_post("/api/staff/text", self._staff_text)
        app.router.add_post("/api/staff/press", self._staff_press)
        app.router.add_post("/api/clock", self._clock)
        return app

    async def start(self, port: int, host: str = "127.0.0.1") -> str:
        runner = web.AppRunner(self.application(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        return f"http://{host}:{port}/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- the page -------------------------------------------------------------------------

    async def _static(self, request: web.Request) -> web.StreamResponse:
        name, kind = STATIC[request.path]
        body = (PAGE_DIR / name).read_bytes()
        return web.Response(
            body=body, content_type=kind, charset="utf-8", headers={"Cache-Control": "no-store"}
        )

    async def _state(self, request: web.Request) -> web.StreamResponse:
        """The chats as they are now, once they differ from the version the page has."""
        after = _int(request.query.get("after", "-1"))
        with contextlib.suppress(TimeoutError):
            await self.world.standin.wait_for(
                lambda: self.world.version() != after, LONG_POLL_SECONDS
            )
        return web.json_response(self.world.snapshot(), headers={"Cache-Control": "no-store"})

    async def _file(self, request: web.Request) -> web.StreamResponse:
        data = self.world.image(request.match_info["file_id"])
        if data is None:
            raise web.HTTPNotFound()
        return web.Response(body=data, content_type="application/octet-stream")

    # -- what the person at the page does ------------------------------------------------------

    def _who(self, request: web.Request) -> str:
        who = request.match_info["who"]
        if who not in self.world.phones:
            raise web.HTTPNotFound(text="no such phone")
        return who

    async def _phone_text(self, request: web.Request) -> web.StreamResponse:
        self.world.phone_text(self._who(request), _text(await request.json()))
        return _done()

    async def _phone_press(self, request: web.Request) -> web.StreamResponse:
        who, body = self._who(request), await request.json()
        return _acted(lambda: self.world.phone_press(who, _int(body.get("id")), _data(body)))

    async def _phone_language(self, request: web.Request) -> web.StreamResponse:
        who, body = self._who(request), await request.json()
        try:
            self.world.phone_language(who, str(body.get("language")))
        except ValueError:
            raise web.HTTPBadRequest(text="fi, sv or en") from None
        return _done()

    async def _phone_photo(self, request: web.Request) -> web.StreamResponse:
        who = self._who(request)
        form = await request.post()
        photo = form.get("photo")
        if not isinstance(photo, web.FileField):
            raise web.HTTPBadRequest(text="no photo")
        data = photo.file.read(PHOTO_LIMIT + 1)
        if not data or len(data) > PHOTO_LIMIT:
            raise web.HTTPBadRequest(text="a photo of at most 10 MB")
        caption = str(form.get("caption") or "").strip()[:1024] or None
        self.world.phone_photo(who, data, caption)
        return _done()

    async def _staff_text(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        thread = body.get("thread")
        reply_to = body.get("reply_to")
        return _acted(
            lambda: self.world.staff_text(
                _text(body),
                _int(thread) if thread is not None else None,
                _int(reply_to) if reply_to is not None else None,
            )
        )

    async def _staff_press(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        return _acted(lambda: self.world.staff_press(_int(body.get("id")), _data(body)))

    async def _clock(self, request: web.Request) -> web.StreamResponse:
        """Move the clock: `{"hours": n}` ahead, or to `{"local": "2026-12-03T09:30"}`."""
        body = await request.json()
        clock = self.world.clock
        if "hours" in body:
            hours = float(body["hours"])
            if not 0 < hours <= 24 * 365:
                raise web.HTTPBadRequest(text="hours ahead: more than 0, at most a year")
            clock.advance(timedelta(hours=hours))
        else:
            try:
                local = datetime.fromisoformat(str(body.get("local")))
            except ValueError:
                raise web.HTTPBadRequest(text="a local time like 2026-12-03T09:30") from None
            clock.set(local.replace(tzinfo=self.zone))
        # The bot's scheduler looks at the clock every second; the page sees the move now.
        await asyncio.sleep(0)
        return _done()


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Only this machine's browser, by the name it was given, and changes only from the
    demo's own page."""
    host = request.host.rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost"):
        raise web.HTTPForbidden(text="the demo answers only on 127.0.0.1")
    if request.method != "GET" and request.headers.get(HEADER) != "1":
        raise web.HTTPForbidden(text="only the demo's page may do that")
    return await handler(request)


def _done() -> web.StreamResponse:
    return web.json_response({"ok": True})


def _acted(act: Callable[[], None]) -> web.StreamResponse:
    try:
        act()
    except AssertionError:  # the message, button or topic is gone: the page was behind
        return web.json_response({"ok": False}, status=HTTPStatus.CONFLICT)
    return _done()


def _text(body: Any) -> str:
    text = str(body.get("text") or "").strip() if isinstance(body, dict) else ""
    if not text or len(text) > TEXT_LIMIT:
        raise web.HTTPBadRequest(text="a message of 1 to 4096 characters")
    return text


def _data(body: Any) -> str:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, str) or not data:
        raise web.HTTPBadRequest(text="which button?")
    return data


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise web.HTTPBadRequest(text="a number was expected") from None
