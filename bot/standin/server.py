"""The HTTP server: lifecycle, decoding and checking each request against the schema,
recording it as a :class:`~bot.standin.records.Call` and dispatching it to its method.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import socket
from collections.abc import Awaitable
from http import HTTPStatus
from typing import Any, Self

from aiohttp import web

from bot.standin.checks import Checks
from bot.standin.errors import NOT_FOUND, UNAUTHORIZED, ApiError, JSONDict, _bad
from bot.standin.faults import Faults
from bot.standin.records import Call, _Chat, _chat_key, _Request
from bot.standin.schema import _decode_form_value, _kind, _Method

log = logging.getLogger("bot.standin.botapi")

# Methods that send a message: Telegram's flood limits count them. Kept apart from the bot's
# own list (bot.runtime.limits) on purpose: the stand-in plays Telegram, so a method the bot
# forgot to count is refused here instead of agreed with.
_MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendVideoNote",
        "sendAnimation",
        "sendSticker",
        "sendMediaGroup",
        "sendLocation",
        "sendContact",
    }
)


class Server(Checks, Faults):
    """The aiohttp server and the dispatch of every Bot API call."""

    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port (or the one given) and start answering."""
        if self._runner is not None:
            raise RuntimeError("the stand-in is already running")
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self._port))
        site = web.SockSite(runner, sock)
        await site.start()
        self._runner = runner
        self._url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    async def stop(self) -> None:
        """Answer waiting long polls with ``[]``, stop webhook delivery and the server."""
        self._closing = True
        self._closed.set()
        self._notify(updates=True)
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``; the bot's ``base_url`` is ``f"{url}/bot"``."""
        if self._url is None:
            raise RuntimeError("the stand-in is not started")
        return self._url

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        requested = request.match_info["method"]
        spec = self._schema.methods.get(requested.lower())
        name = spec.name if spec is not None else requested
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        filenames: dict[str, str] = {}
        received = asyncio.get_running_loop().time()
        if self.probe is not None:
            problem = self.probe()
            if problem:
                self.violations.append(f"{name}: {problem}")
        try:
            if token != self.token:
                raise ApiError(HTTPStatus.UNAUTHORIZED, UNAUTHORIZED)
            if spec is None:
                self.violations.append(f"{requested}: not a Bot API method")
                raise ApiError(HTTPStatus.NOT_FOUND, NOT_FOUND)
            params = await self._decode(request, spec, files, filenames)
            self._validate(spec, params, files)
            failures = self._failures.get(name)
            if failures:
                error = failures.popleft()
                raise error
            if self.flood_control and name in _MESSAGE_METHODS:
                self._count_against_limits(params.get("chat_id"), received)
            handler = self._handlers.get(name, self._generic)
            outcome = handler(_Request(spec, params, files, filenames))
            if isinstance(outcome, Awaitable):
                outcome = await outcome
            status: int = HTTPStatus.OK
            body: JSONDict = {"ok": True, "result": outcome}
        except ApiError as error:
            status, body = error.status, error.payload()
        except ConnectionResetError:
            # The bot went away before its request was read (a killed process): nothing
            # arrived, and there is no one to answer.
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        except Exception as exc:  # a stand-in bug: make it loud, not a hang
            log.exception("stand-in failed on %s", name)
            self.violations.append(f"{name}: stand-in error {exc!r}")
            status = HTTPStatus.INTERNAL_SERVER_ERROR
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        call = Call(name, params, files, int(status), body, at=received)
        self.calls.append(call)
        self._calls_by_method.setdefault(name, []).append(call)
        self._notify()
        pause = self._delays.get(name, 0.0)
        if name != "getUpdates":
            pause = max(pause, self.latency, self._chat_delays.get(_chat_key(params), 0.0))
            hangs = self._hangs.get(name)
            if hangs:
                pause = max(pause, hangs.popleft())
        if pause:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closed.wait(), pause)
        return web.json_response(body, status=int(status))

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        record = self._file_paths.get(request.match_info["path"])
        if request.match_info["token"] != self.token or record is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": NOT_FOUND}, status=404
            )
        return web.Response(body=record.data, content_type="application/octet-stream")

    async def _decode(
        self,
        request: web.Request,
        spec: _Method,
        files: dict[str, bytes],
        filenames: dict[str, str],
    ) -> dict[str, Any]:
        fields = spec.fields
        params: dict[str, Any] = {}
        for key, raw in request.query.items():
            params[key] = _decode_form_value(fields.get(key), raw)
        if not request.body_exists:
            return params
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise _bad("can't parse JSON object")
            params.update(body)
        elif content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = value.file.read()
                    filenames[key] = value.filename
                else:
                    raw_value = value if isinstance(value, str) else bytes(value).decode()
                    params[key] = _decode_form_value(fields.get(key), raw_value)
        else:
            self.violations.append(f"{spec.name}: unexpected content type {content_type!r}")
            raise _bad(f"unsupported content type {content_type!r}")
        return params

    def _validate(self, spec: _Method, params: dict[str, Any], files: dict[str, bytes]) -> None:
        problems: list[str] = []
        fields = spec.fields
        for key, value in params.items():
            declared = fields.get(key)
            if declared is None:
                problems.append(f"unknown parameter {key!r}")
            elif _kind(value) not in declared.kinds:
                problems.append(
                    f"parameter {key!r} must be {' or '.join(declared.types)}, "
                    f"got {_kind(value)} {value!r:.60}"
                )
        for key in spec.required:
            if key not in params and key not in files:
                problems.append(f"required parameter {key!r} is missing")
        if files:
            attached = {
                ref
                for value in params.values()
                for ref in re.findall(r"attach://([^\"'\s,}\]]+)", json.dumps(value))
            }
            for key in files:
                if key not in fields and key not in attached:
                    problems.append(f"file part {key!r} is neither a parameter nor attached")
        if problems:
            shown = {k: v for k, v in params.items()}
            self.violations.append(f"{spec.name}: {'; '.join(problems)} (params {shown!r:.300})")
            raise _bad(problems[0])

    def _generic(self, req: _Request) -> Any:
        """Any other method: check the chat, then answer plausibly for its return type."""
        params = req.params
        chat: _Chat | None = None
        if "chat_id" in req.spec.fields and params.get("chat_id") is not None:
            chat = self._target(params)
        returns = req.spec.returns
        if returns == ("Message",) and chat is not None:
            self._check_writable(chat)
            kind = req.spec.name.removeprefix("send").lower() or "message"
            extra: JSONDict = {}
            if kind == "location":
                extra["location"] = {
                    "latitude": params.get("latitude"),
                    "longitude": params.get("longitude"),
                }
            markup = self._check_markup(params.get("reply_markup"))
            return self._bot_message(chat, params, kind=kind, markup=markup, extra=extra).to_dict()
        if returns and returns[0].startswith("Array of"):
            return []
        return True
