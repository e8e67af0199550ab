"""A local stand-in for the Telegram Bot API, for end-to-end tests and benchmarks.

The stand-in is an aiohttp server on 127.0.0.1 that answers the HTTP requests
python-telegram-bot makes the way Telegram does: same URLs, same body encodings, same
JSON envelopes and the error descriptions listed in DESIGN.md ("Testing"). It checks every
call against the Bot API schema (``bot/standin/schema/api.json``) and records it, so a test can
say what the bot sent and a fixture can assert that the bot never broke the contract::

    async with BotApiStandIn() as standin:
        anna = standin.user(1001, "Anna", language_code="fi")
        anna.send_text("/start")
        call = await standin.wait_for_call("sendMessage")
        assert "Hei" in anna.last_bot_message().text
        assert standin.violations == []

Configure the bot with ``base_url=f"{standin.url}/bot"`` (and
``base_file_url=f"{standin.url}/file/bot"``).

Simulated people (:class:`SimUser`, :class:`SimGroup`) push realistic updates; the bot reads
them with ``getUpdates`` (long polling, offsets, 409 conflicts) or receives them on a
webhook set with ``setWebhook``. Faults are injected with :meth:`BotApiStandIn.fail_next`
and :meth:`BotApiStandIn.delay`.

Deliberate simplifications (documented so nobody trusts them by accident):

* bare ``&`` and ``<`` in ``parse_mode=HTML`` text are errors (Telegram is lenient with a
  bare ``&``; the bot must escape anyway), Markdown is not parsed;
* ``getUpdates`` accepts a fractional ``timeout`` so tests can long-poll briefly;
* a schema violation (unknown or missing parameter, wrong JSON type) is answered with 400,
  where Telegram would often silently ignore an unknown parameter;
* webhook updates are POSTed one at a time, in order; an answer other than 2xx (or none,
  within :attr:`BotApiStandIn.webhook_timeout`) is followed by the same update again, after a
  short backoff. The public HTTPS URL given to ``setWebhook`` reaches a local listener through
  :meth:`BotApiStandIn.route_webhook`, the way a reverse proxy would pass it on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import math
import re
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.standin.errors import (
    BLOCKED,
    BUTTON_DATA_INVALID,
    CAPTION_LIMIT,
    CAPTION_TOO_LONG,
    CHAT_NOT_FOUND,
    CONFLICT_POLLING,
    CONFLICT_WEBHOOK,
    EDIT_NOT_FOUND,
    NOT_FOUND,
    NOT_MODIFIED,
    QUERY_INVALID,
    TEXT_EMPTY,
    TEXT_LIMIT,
    TEXT_TOO_LONG,
    THREAD_NOT_FOUND,
    UNAUTHORIZED,
    WEBHOOK_CONNECTIONS_BAD,
    WEBHOOK_NOT_HTTPS,
    WEBHOOK_PORT,
    WEBHOOK_SECRET_BAD,
    ApiError,
    JSONDict,
    _bad,
)
from bot.standin.formatting import render_text, utf16_len
from bot.standin.people import SimGroup, SimUser
from bot.standin.records import (
    _BOT_COMMAND,
    _BUTTON_ACTIONS,
    _MEDIA_KINDS,
    _MIME,
    Call,
    ChatMessage,
    _Chat,
    _chat_key,
    _File,
    _member_dict,
    _Poll,
    _Request,
    _Topic,
)
from bot.standin.schema import (
    DEFAULT_SCHEMA_PATH,
    _decode_form_value,
    _kind,
    _load_schema,
    _Method,
)

log = logging.getLogger(__name__)

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

# Update types Telegram leaves out unless asked for by name in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_BOT_FIRST_NAME = "otbot"


# --------------------------------------------------------------------------------------
# The server


class BotApiStandIn:
    """A Telegram Bot API server on 127.0.0.1 that records and checks every call.

    State worth reading in tests: :attr:`calls`, :attr:`violations`, :attr:`commands`,
    :attr:`scoped_commands`, :attr:`descriptions`, :attr:`short_descriptions`,
    :attr:`names`, :attr:`menu_buttons`, :attr:`callback_answers`, :attr:`webhook`.
    """

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_id: int = 123456,
        bot_username: str = "otbot_test_bot",
        schema_path: str | Path | None = None,
        port: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.clock = clock
        path = Path(schema_path) if schema_path is not None else DEFAULT_SCHEMA_PATH
        self._schema = _load_schema(str(path.resolve()))
        self._port = port

        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.commands: dict[str, list[JSONDict]] = {}
        """Commands for the default scope by language code ("" for all languages)."""
        self.scoped_commands: dict[tuple[str, str], list[JSONDict]] = {}
        """Commands by (scope key, language code); scope keys: "default",
        "all_private_chats", "all_group_chats", "all_chat_administrators", "chat:ID",
        "chat_administrators:ID", "chat_member:ID:USER"."""
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self.callback_answers: dict[str, JSONDict] = {}
        self.webhook: JSONDict | None = None
        self.webhook_deliveries = 0
        self.webhook_answers: list[tuple[int, int | None]] = []
        """Each webhook delivery as (update_id, HTTP status), None when no answer came."""
        self.webhook_timeout = 30.0
        """Seconds a webhook delivery waits for its answer before it counts as failed."""
        self.webhook_targets: dict[str, int] = {}
        """Webhook deliveries answered with a 2xx, by where they went (after routing)."""
        self.webhook_connections = 1
        """Updates posted at once (at most the webhook's max_connections); a chat's next
        update is posted only once its previous one got a 2xx."""
        self._webhook_routes: dict[str, Any] = {}
        self._lose_answers = 0

        self._calls_by_method: dict[str, list[Call]] = {}
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, SimUser] = {}
        self._groups: dict[int, SimGroup] = {}
        self._files: dict[str, _File] = {}
        self._file_paths: dict[str, _File] = {}
        self._file_counter = itertools.count(1)
        self._callback_counter = itertools.count(1)
        self._media_group_counter = itertools.count(1)
        self._touch_counter = itertools.count(1)
        self._open_callbacks: dict[str, JSONDict] = {}
        self._failures: dict[str, deque[ApiError]] = {}
        self._delays: dict[str, float] = {}
        self._chat_delays: dict[int, float] = {}
        self._hangs: dict[str, deque[float]] = {}
        self.offered_at: dict[int, float] = {}
        """When each update was first handed to the bot (the event loop's clock), by update id:
        the start of an answer's latency, for benchmarks."""
        self.polls_started = 0
        """getUpdates requests received so far (a restarted bot's first poll adds one)."""
        self.latency = 0.0
        """Seconds every call but getUpdates waits before its answer (a real network's delay)."""
        self.probe: Callable[[], str | None] | None = None
        """Asked at every request; a text it returns is recorded as a violation (the tests
        ask whether the bot holds a transaction open while it calls)."""
        self.settled: Callable[[], bool] | None = None
        """Whether the bot has nothing left to send; :meth:`wait_idle` waits for it too."""
        self.newcomer_status = "member"
        """The status in a group of someone who writes there without having been added
        (:meth:`SimGroup.set_member`, :meth:`SimGroup.change_member`)."""
        self.flood_control = False
        """Answer 429 as Telegram does to a message over 30 a second overall or 20 a minute
        into one group (off by default: most tests raise or ignore the bot's limits)."""
        self._sent_at: deque[float] = deque()
        self._sent_to_group_at: dict[int, deque[float]] = {}

        self._queue: deque[JSONDict] = deque()
        self._next_update_id = 1
        self._last_update_id = 0
        self._allowed_updates: frozenset[str] | None = None
        self._poll: _Poll | None = None
        self._update_event = asyncio.Event()
        self._any_event = asyncio.Event()
        self._closing = False
        self._closed = asyncio.Event()
        self._webhook_task: asyncio.Task[None] | None = None

        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": _BOT_FIRST_NAME,
            "username": bot_username,
        }
        self._handlers: dict[str, Callable[[_Request], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "copyMessage": self._copy_message,
            "copyMessages": self._copy_messages,
            "forwardMessage": self._forward_message,
            "forwardMessages": self._forward_messages,
            "sendMediaGroup": self._send_media_group,
            "setMessageReaction": self._set_message_reaction,
            "sendChatAction": self._send_chat_action,
            "answerCallbackQuery": self._answer_callback_query,
            "leaveChat": self._leave_chat,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMemberCount": self._get_chat_member_count,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": self._set_my_description,
            "getMyDescription": self._get_my_description,
            "setMyShortDescription": self._set_my_short_description,
            "getMyShortDescription": self._get_my_short_description,
            "setMyName": self._set_my_name,
            "getMyName": self._get_my_name,
            "createForumTopic": self._create_forum_topic,
            "editForumTopic": self._edit_forum_topic,
            "closeForumTopic": self._close_forum_topic,
            "reopenForumTopic": self._reopen_forum_topic,
            "deleteForumTopic": self._delete_forum_topic,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getFile": self._get_file,
        }
        for method in _MEDIA_KINDS:
            self._handlers[method] = self._send_media

    # -- lifecycle --------------------------------------------------------------------

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

    async def __aenter__(self) -> BotApiStandIn:
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

    @property
    def polling(self) -> bool:
        """True while a getUpdates request is being answered (a long poll is waiting).

        :meth:`wait_for` is woken when a long poll starts waiting.
        """
        return self._poll is not None

    @property
    def bot_user(self) -> JSONDict:
        """The bot as a Telegram ``User`` (as it appears in ``from`` of its messages)."""
        return self._bot_user

    # -- people and chats -------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Anna",
        language_code: str | None = "fi",
        username: str | None = None,
    ) -> SimUser:
        """A person with a private chat with the bot (chat id = user id)."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        info: JSONDict = {"id": user_id, "type": "private", "first_name": first_name}
        if username is not None:
            info["username"] = username
        chat = _Chat(user_id, "private", info)
        chat.members[user_id] = (user, "member")
        self._chats[user_id] = chat
        sim = SimUser(self, chat, user)
        self._users[user_id] = sim
        return sim

    def group(
        self,
        chat_id: int,
        title: str = "Some group",
        *,
        forum: bool = False,
        type: str = "supergroup",
        bot_status: str = "administrator",
    ) -> SimGroup:
        """A group (``type`` "group"/"supergroup"; ``forum`` for topics).

        The bot is already in it with ``bot_status`` (so it may send at once);
        :meth:`SimGroup.add_bot` pushes the my_chat_member update of being added.
        """
        existing = self._groups.get(chat_id)
        if existing is not None:
            return existing
        info: JSONDict = {"id": chat_id, "type": type, "title": title}
        if forum:
            info["is_forum"] = True
        chat = _Chat(chat_id, type, info, forum=forum, bot_status=bot_status)
        self._chats[chat_id] = chat
        sim = SimGroup(self, chat)
        self._groups[chat_id] = sim
        return sim

    def chat_messages(self, chat_id: int) -> list[ChatMessage]:
        """Every live message in a chat (the bot's and the people's), by id."""
        return [m for m in self._chat(chat_id).messages.values() if not m.deleted]

    def _chat(self, chat_id: int) -> _Chat:
        try:
            return self._chats[chat_id]
        except KeyError:
            raise AssertionError(f"no simulated chat {chat_id}") from None

    # -- updates ----------------------------------------------------------------------

    def push_update(self, update: JSONDict) -> int:
        """Queue an update for the bot; sets and returns its ``update_id``."""
        update_id = self._next_update_id
        self._next_update_id += 1
        self._last_update_id = update_id
        update["update_id"] = update_id
        problems = self._schema.check("Update", update)
        if problems:
            raise AssertionError(f"the stand-in made an update the schema refuses: {problems}")
        self._queue.append(update)
        self._notify(updates=True)
        return update_id

    @property
    def last_update_id(self) -> int:
        """The ``update_id`` of the update pushed last (0 before the first)."""
        return self._last_update_id

    def schema_problems(self, type_name: str, value: Any) -> list[str]:
        """What is wrong with ``value`` as a ``type_name`` of the schema (``[]``: nothing)."""
        return self._schema.check(type_name, value)

    def skip_update_ids(self, n: int) -> None:
        """Make the next update id jump by ``n`` (Telegram's ids are not contiguous)."""
        self._next_update_id += n

    def pending_updates(self) -> int:
        """Updates pushed but not yet confirmed (by a later offset or a webhook 2xx)."""
        return len(self._queue)

    def route_webhook(self, public: str, *local: str) -> None:
        """Deliver what is posted to URLs starting with ``public`` (``https://host``) to
        ``local`` (``http://127.0.0.1:PORT``) instead, path kept: the reverse proxy. Given
        several, requests go to each in turn (a load balancer)."""
        targets = [target.rstrip("/") for target in local]
        self._webhook_routes[public.rstrip("/")] = itertools.cycle(targets)

    def lose_webhook_answers(self, n: int = 1) -> None:
        """Ignore the answers to the next ``n`` webhook deliveries, as if the connection
        broke after the bot took the update: the update is delivered again."""
        self._lose_answers += n

    def expire_callback_queries(self) -> None:
        """Make every open callback query too old to answer."""
        self._open_callbacks.clear()

    # -- fault injection ----------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = HTTPStatus.TOO_MANY_REQUESTS,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (after validation, before effect).

        429 defaults to ``retry_after=1`` and ``"Too Many Requests: retry after N"`` with
        ``parameters.retry_after``; other statuses default to Telegram-like wording.
        """
        parameters: JSONDict | None = None
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        if retry_after is not None:
            parameters = {"retry_after": retry_after}
        if description is None:
            defaults = {400: "Bad Request", 403: "Forbidden", 409: "Conflict", 502: "Bad Gateway"}
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            description = defaults.get(status, phrase)
        queue = self._failures.setdefault(self._canonical(method), deque())
        for _ in range(times):
            queue.append(ApiError(status, description, parameters))

    def recover(self, method: str) -> None:
        """Forget the failures still waiting for ``method`` (the API is well again)."""
        self._failures.pop(self._canonical(method), None)

    def delay(self, method: str, seconds: float) -> None:
        """Answer calls of ``method`` ``seconds`` late (0 removes the delay).

        The call takes effect at once; only the answer is late, like a slow network:
        a client that times out does not know whether its message was sent.
        """
        key = self._canonical(method)
        if seconds > 0:
            self._delays[key] = seconds
        else:
            self._delays.pop(key, None)

    def hang_next(self, method: str, seconds: float) -> None:
        """Answer only the next call of ``method`` ``seconds`` late (its effect is at once):
        one hung call, as a client that times out meets it."""
        self._hangs.setdefault(self._canonical(method), deque()).append(seconds)

    def _count_against_limits(self, chat_id: object, now: float) -> None:
        """Refuse a message over Telegram's limits (429, as Telegram does), else count it."""
        windows = [(self._sent_at, 30, 1.0)]
        if isinstance(chat_id, int) and chat_id < 0:
            windows.append((self._sent_to_group_at.setdefault(chat_id, deque()), 20, 60.0))
        for times, limit, period in windows:
            while times and times[0] <= now - period:
                times.popleft()
            if len(times) >= limit:
                wait = max(1, math.ceil(times[0] + period - now))
                self.violations.append(f"over Telegram's limit of {limit} in {period:g} s")
                raise ApiError(
                    HTTPStatus.TOO_MANY_REQUESTS,
                    f"Too Many Requests: retry after {wait}",
                    {"retry_after": wait},
                )
        for times, _limit, _period in windows:
            times.append(now)

    def delay_chat(self, chat_id: int, seconds: float) -> None:
        """Answer every call about chat ``chat_id`` ``seconds`` late (0 removes it): a chat
        whose calls hang."""
        if seconds > 0:
            self._chat_delays[chat_id] = seconds
        else:
            self._chat_delays.pop(chat_id, None)

    def _canonical(self, method: str) -> str:
        spec = self._schema.methods.get(method.lower())
        if spec is None:
            raise ValueError(f"{method!r} is not a Bot API method")
        return spec.name

    # -- waiting ------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls of one method (name case-insensitive)."""
        spec = self._schema.methods.get(method.lower())
        return list(self._calls_by_method.get(spec.name if spec else method, ()))

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline is the point of this helper
    ) -> None:
        """Wait until ``predicate()`` holds; re-checked after every call and update change.

        Raises :class:`TimeoutError` describing the recent calls when it does not.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"condition not met within {timeout}s\n{self.describe_recent()}"
                )
            event = self._any_event
            with contextlib.suppress(TimeoutError):
                # Re-checked now and then too: the bot's own state may change between calls.
                await asyncio.wait_for(event.wait(), min(remaining, 0.02))

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline is the point of this helper
    ) -> Call:
        """The earliest call of ``method`` (matching ``predicate``) not yet handed out.

        Each call is handed out once: two waits for "sendMessage" return the first and the
        second message. Calls made before the wait count too, so there is no race.
        Failed calls count as well; check ``call.ok`` if that matters.
        """
        name = self._canonical(method)
        found: list[Call] = []

        def match() -> bool:
            for call in self._calls_by_method.get(name, ()):
                if not call.consumed and (predicate is None or predicate(call)):
                    found.append(call)
                    return True
            return False

        try:
            await self.wait_for(match, timeout)
        except TimeoutError as exc:
            raise TimeoutError(f"no {name} call within {timeout}s\n{exc}") from None
        found[0].consumed = True
        return found[0]

    async def wait_idle(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every pushed update is confirmed (the bot asked for a later offset) and
        the bot has sent what it owes (when it tells, through :attr:`settled`)."""
        settled = self.settled
        try:
            await self.wait_for(
                lambda: not self._queue and (settled is None or settled()), timeout
            )
        except TimeoutError as exc:
            raise TimeoutError(
                f"{len(self._queue)} update(s) still unconfirmed "
                f"(ids {[u['update_id'] for u in list(self._queue)[:10]]})\n{exc}"
            ) from None

    def describe_recent(self, count: int = 12) -> str:
        lines = [f"pending updates: {len(self._queue)}; last {count} calls:"]
        for call in self.calls[-count:]:
            params = {k: v for k, v in call.params.items() if k != "reply_markup"}
            text = repr(params)
            if len(text) > 160:
                text = text[:157] + "..."
            extra = "" if call.ok else f" -> {call.description}"
            lines.append(f"  {call.method} {call.status} {text}{extra}")
        if self.violations:
            lines.append(f"violations: {self.violations[-5:]!r}")
        return "\n".join(lines)

    def _notify(self, *, updates: bool = False) -> None:
        event = self._any_event
        self._any_event = asyncio.Event()
        event.set()
        if updates:
            event = self._update_event
            self._update_event = asyncio.Event()
            event.set()

    # -- HTTP -------------------------------------------------------------------------

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

    # -- shared checks --------------------------------------------------------------------

    def _now(self) -> int:
        return int(self.clock())

    def _find_chat(self, value: Any) -> _Chat | None:
        if isinstance(value, str):
            if value.startswith("@"):
                name = value[1:].lower()
                for chat in self._chats.values():
                    if str(chat.info.get("username", "")).lower() == name:
                        return chat
                return None
            try:
                value = int(value)
            except ValueError:
                return None
        if isinstance(value, int) and not isinstance(value, bool):
            return self._chats.get(value)
        return None

    def _target(self, params: dict[str, Any], key: str = "chat_id") -> _Chat:
        chat = self._find_chat(params.get(key))
        if chat is None:
            raise ApiError(HTTPStatus.BAD_REQUEST, CHAT_NOT_FOUND)
        return chat

    @staticmethod
    def _check_writable(chat: _Chat) -> None:
        if chat.type == "private":
            if chat.blocked:
                raise ApiError(HTTPStatus.FORBIDDEN, BLOCKED)
        elif chat.bot_status == "kicked":
            raise ApiError(
                HTTPStatus.FORBIDDEN, f"Forbidden: bot was kicked from the {chat.type} chat"
            )
        elif chat.bot_status == "left":
            raise ApiError(
                HTTPStatus.FORBIDDEN, f"Forbidden: bot is not a member of the {chat.type} chat"
            )

    @staticmethod
    def _check_thread(chat: _Chat, params: dict[str, Any]) -> int | None:
        thread_id = params.get("message_thread_id")
        if thread_id is None or chat.type == "private":
            return thread_id
        known = thread_id in chat.topics if chat.forum else chat.live(thread_id) is not None
        if not known:
            raise ApiError(HTTPStatus.BAD_REQUEST, THREAD_NOT_FOUND)
        return int(thread_id)

    @staticmethod
    def _check_reply(chat: _Chat, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict):
            return None
        target = reply.get("message_id")
        if chat.live(target) is None:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return int(reply["message_id"])

    @staticmethod
    def _check_markup(markup: Any) -> JSONDict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad(
                'can\'t parse inline keyboard button: field "inline_keyboard" must be '
                "an Array of Arrays"
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _bad("can't parse inline keyboard button: Text must be a String")
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                        raise ApiError(HTTPStatus.BAD_REQUEST, BUTTON_DATA_INVALID)
                elif "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not re.match(r"(https?|tg)://\S", url):
                        raise _bad(f"inline keyboard button URL {url!r} is invalid")
                elif not any(action in button for action in _BUTTON_ACTIONS):
                    raise _bad(
                        "can't parse inline keyboard button: Text buttons are "
                        "unallowed in the inline keyboard"
                    )
        return markup

    @staticmethod
    def _render_text(text: Any, parse_mode: Any) -> tuple[str, list[JSONDict]]:
        plain, entities = render_text(str(text), parse_mode)
        if not plain.strip():
            raise ApiError(HTTPStatus.BAD_REQUEST, TEXT_EMPTY)
        if utf16_len(plain) > TEXT_LIMIT:
            raise ApiError(HTTPStatus.BAD_REQUEST, TEXT_TOO_LONG)
        return plain, entities

    @staticmethod
    def _render_caption(caption: Any, parse_mode: Any) -> tuple[str | None, list[JSONDict]]:
        if caption is None:
            return None, []
        plain, entities = render_text(str(caption), parse_mode)
        if utf16_len(plain) > CAPTION_LIMIT:
            raise ApiError(HTTPStatus.BAD_REQUEST, CAPTION_TOO_LONG)
        return (plain or None), entities

    def _store(self, chat: _Chat, msg: ChatMessage) -> ChatMessage:
        msg.touched = next(self._touch_counter)
        chat.messages[msg.message_id] = msg
        return msg

    def _bot_message(self, chat: _Chat, params: dict[str, Any], **fields: Any) -> ChatMessage:
        thread_id = self._check_thread(chat, params)
        reply_to = self._check_reply(chat, params)
        msg = ChatMessage(
            chat=chat.info,
            message_id=chat.allocate_id(),
            date=self._now(),
            from_bot=True,
            sender=self._bot_user,
            message_thread_id=thread_id,
            is_topic_message=chat.forum and thread_id is not None,
            protect_content=bool(params.get("protect_content")),
            reply_to_message_id=reply_to,
            **fields,
        )
        return self._store(chat, msg)

    # -- files ------------------------------------------------------------------------

    def _new_file(
        self, kind: str, data: bytes, file_name: str | None = None, mime_type: str | None = None
    ) -> _File:
        n = next(self._file_counter)
        suffix = Path(file_name).suffix if file_name else ""
        folder = {"photo": "photos", "voice": "voice", "video": "videos"}.get(kind, "documents")
        record = _File(
            file_id=f"{kind.upper()}-{n:06d}-{self.bot_id}",
            file_unique_id=f"U{n:06d}",
            data=data,
            file_path=f"{folder}/file_{n}{suffix}",
            file_name=file_name,
            mime_type=mime_type or _MIME.get(kind),
        )
        self._files[record.file_id] = record
        self._file_paths[record.file_path] = record
        return record

    def _resolve_file(self, req: _Request, value: Any, part: str, kind: str) -> _File:
        if value is None and part in req.files:
            name = part
        elif isinstance(value, str) and value.startswith("attach://"):
            name = value[len("attach://") :]
            if name not in req.files:
                raise _bad(f"file {value!r} is not attached")
        elif isinstance(value, str):
            known = self._files.get(value)
            if known is not None:
                return known
            if re.match(r"https?://\S", value):
                return self._new_file(kind, b"", Path(value).name or None)
            raise _bad("wrong file identifier/HTTP URL specified")
        else:
            raise _bad(f"there is no {kind} in the request")
        data = req.files[name]
        if not data:
            raise _bad("file must be non-empty")
        return self._new_file(kind, data, req.filenames.get(name))

    @staticmethod
    def _media_object(kind: str, record: _File, params: dict[str, Any]) -> JSONDict:
        base: JSONDict = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": len(record.data),
        }
        duration = params.get("duration", 3)
        if kind == "photo":
            return {"photo": [{**base, "width": 1280, "height": 960}]}
        if kind == "document":
            base["file_name"] = record.file_name or "document"
        elif kind in {"voice", "audio"}:
            base["duration"] = duration
        elif kind in {"video", "animation"}:
            base.update(width=params.get("width", 640), height=params.get("height", 360))
            base["duration"] = duration
        elif kind == "video_note":
            base.update(length=params.get("length", 240), duration=duration)
        elif kind == "sticker":
            base.update(
                type="regular",
                width=512,
                height=512,
                is_animated=False,
                is_video=False,
                emoji=params.get("emoji", "🙂"),
            )
        if record.mime_type and kind not in {"sticker", "video_note"}:
            base["mime_type"] = record.mime_type
        return {kind: base}

    # -- methods: bot, updates, webhook -----------------------------------------------------

    def _get_me(self, req: _Request) -> JSONDict:
        return {
            **self._bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _confirm(self, offset: int) -> None:
        queue = self._queue
        if offset < 0:
            keep = -offset
            while len(queue) > keep:
                queue.popleft()
            return
        dropped = False
        while queue and queue[0]["update_id"] < offset:
            queue.popleft()
            dropped = True
        if dropped:
            self._notify()

    def _allowed(self, update: JSONDict, allowed: frozenset[str] | None) -> bool:
        kind = next((key for key in update if key != "update_id"), "")
        if allowed is None:
            return kind not in _OPT_IN_UPDATES
        return kind in allowed

    def _take(self, limit: int, allowed: frozenset[str] | None) -> list[JSONDict]:
        batch: list[JSONDict] = []
        unwanted: list[JSONDict] = []
        for update in self._queue:
            if self._allowed(update, allowed):
                batch.append(update)
                if len(batch) >= limit:
                    break
            else:
                unwanted.append(update)
        if unwanted:  # Telegram never delivers them: they are gone
            gone = {id(u) for u in unwanted}
            self._queue = deque(u for u in self._queue if id(u) not in gone)
            self._notify()
        return batch

    @staticmethod
    def _allowed_set(value: Any) -> frozenset[str] | None:
        if not isinstance(value, list):
            return None
        return frozenset(str(v) for v in value) if value else None

    async def _get_updates(self, req: _Request) -> list[JSONDict]:
        params = req.params
        self.polls_started += 1
        if self.webhook is not None:
            raise ApiError(HTTPStatus.CONFLICT, CONFLICT_WEBHOOK)
        if self._poll is not None:
            self._poll.terminated = CONFLICT_POLLING
            self._notify(updates=True)
        poll = _Poll()
        self._poll = poll
        try:
            if "offset" in params:
                self._confirm(int(params["offset"]))
            if "allowed_updates" in params:
                self._allowed_updates = self._allowed_set(params["allowed_updates"])
            limit = max(1, min(100, int(params.get("limit") or 100)))
            loop = asyncio.get_running_loop()
            deadline = loop.time() + max(0.0, float(params.get("timeout") or 0))
            waiting = False
            while True:
                if poll.terminated is not None:
                    raise ApiError(HTTPStatus.CONFLICT, poll.terminated)
                if self._closing:
                    return []
                batch = self._take(limit, self._allowed_updates)
                remaining = deadline - loop.time()
                if batch or remaining <= 0:
                    now = loop.time()
                    for update in batch:
                        self.offered_at.setdefault(update["update_id"], now)
                    return batch
                event = self._update_event
                if not waiting:  # let wait_for(lambda: standin.polling) see it
                    waiting = True
                    self._notify()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            if self._poll is poll:
                self._poll = None

    def _set_webhook(self, req: _Request) -> bool:
        params = req.params
        url = str(params.get("url", ""))
        if params.get("drop_pending_updates"):
            self._queue.clear()
        if not url:
            self._remove_webhook()
            return True
        match = re.match(r"https://[^/:\s]+(?::(\d+))?(?:/\S*)?$", url)
        if match is None:
            raise ApiError(HTTPStatus.BAD_REQUEST, WEBHOOK_NOT_HTTPS)
        if int(match.group(1) or 443) not in (80, 88, 443, 8443):
            raise ApiError(HTTPStatus.BAD_REQUEST, WEBHOOK_PORT)
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError(HTTPStatus.BAD_REQUEST, WEBHOOK_SECRET_BAD)
        connections = int(params.get("max_connections", 40))
        if not 1 <= connections <= 100:
            raise ApiError(HTTPStatus.BAD_REQUEST, WEBHOOK_CONNECTIONS_BAD)
        if "allowed_updates" in params:
            self._allowed_updates = self._allowed_set(params["allowed_updates"])
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": connections,
        }
        if self._poll is not None:
            self._poll.terminated = CONFLICT_WEBHOOK
        self._notify(updates=True)
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhooks())
        return True

    def _remove_webhook(self) -> None:
        self.webhook = None
        self._notify(updates=True)

    def _delete_webhook(self, req: _Request) -> bool:
        if req.params.get("drop_pending_updates"):
            self._queue.clear()
            self._notify(updates=True)
        self._remove_webhook()
        return True

    def _get_webhook_info(self, req: _Request) -> JSONDict:
        info: JSONDict = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.webhook is not None:
            info["url"] = self.webhook["url"]
            info["max_connections"] = self.webhook["max_connections"]
            if self._allowed_updates is not None:
                info["allowed_updates"] = sorted(self._allowed_updates)
            if "last_error_date" in self.webhook:
                info["last_error_date"] = self.webhook["last_error_date"]
                info["last_error_message"] = self.webhook["last_error_message"]
        return info

    def _routed(self, url: str) -> str:
        for public, targets in self._webhook_routes.items():
            if url == public or url.startswith(public + "/"):
                local: str = next(targets)
                return local + url[len(public) :]
        return url

    @staticmethod
    def _update_chat(update: JSONDict) -> Any:
        """The chat an update is about (its user's for a button without a message)."""
        for key, value in update.items():
            if key == "update_id" or not isinstance(value, dict):
                continue
            if "chat" in value:
                return value["chat"]["id"]
            if isinstance(value.get("message"), dict):
                return value["message"]["chat"]["id"]
            if "from" in value:
                return value["from"]["id"]
        return None

    def _next_delivery(self, busy: set[Any]) -> JSONDict | None:
        """The first queued update whose chat has nothing in flight."""
        for update in self._take(len(self._queue) or 1, self._allowed_updates):
            chat = self._update_chat(update)
            if id(update) not in busy and chat not in busy:
                return update
        return None

    async def _deliver_webhooks(self) -> None:
        busy: set[Any] = set()
        in_flight: set[asyncio.Task[None]] = set()
        async with aiohttp.ClientSession() as session:
            try:
                while self.webhook is not None and not self._closing:
                    hook = self.webhook
                    limit = max(1, min(self.webhook_connections, int(hook["max_connections"])))
                    update = self._next_delivery(busy) if len(in_flight) < limit else None
                    if update is None:
                        waits: set[asyncio.Future[Any]] = set(in_flight)
                        waits.add(asyncio.ensure_future(self._update_event.wait()))
                        _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                        for future in pending - in_flight:
                            future.cancel()
                        continue
                    keys = {id(update), self._update_chat(update)}
                    busy.update(keys)
                    task = asyncio.ensure_future(self._deliver_one(session, hook, update))
                    in_flight.add(task)

                    def finished(done: asyncio.Task[None], keys: set[Any] = keys) -> None:
                        in_flight.discard(done)
                        busy.difference_update(keys)
                        self._notify(updates=True)

                    task.add_done_callback(finished)
            finally:
                for task in in_flight:
                    task.cancel()
                if in_flight:
                    await asyncio.wait(in_flight)

    async def _deliver_one(
        self, session: aiohttp.ClientSession, hook: JSONDict, update: JSONDict
    ) -> None:
        """Post one update; on anything but a 2xx, wait a little (its chat waits too)."""
        headers = {}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(hook["secret_token"])
        status: int | None = None
        target = self._routed(hook["url"])
        try:
            async with session.post(
                target,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as resp:
                status = resp.status
                ok = 200 <= resp.status < 300
                error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            ok, error = False, f"Connection failed: {exc!r}"
        if self._lose_answers:
            self._lose_answers -= 1
            ok, status, error = False, None, "Connection failed: the answer was lost"
        self.webhook_answers.append((update["update_id"], status))
        if ok:
            origin = target.split("/", 3)[2]
            self.webhook_targets[origin] = self.webhook_targets.get(origin, 0) + 1
            hook["failures"] = 0
            with contextlib.suppress(ValueError):
                self._queue.remove(update)
            self.webhook_deliveries += 1
            self._notify()
            return
        failures = hook["failures"] = hook.get("failures", 0) + 1
        hook["last_error_date"] = self._now()
        hook["last_error_message"] = error
        self._notify()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closed.wait(), min(0.05 * 2 ** (failures - 1), 1.0))

    # -- methods: messages ------------------------------------------------------------

    def _writable_target(self, params: dict[str, Any]) -> _Chat:
        chat = self._target(params)
        self._check_writable(chat)
        return chat

    def _send_message(self, req: _Request) -> JSONDict:
        params = req.params
        chat = self._writable_target(params)
        plain, entities = self._render_text(params["text"], params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        msg = self._bot_message(
            chat,
            params,
            text=plain,
            entities=entities,
            source=str(params["text"]),
            parse_mode=params.get("parse_mode"),
            markup=markup,
        )
        return msg.to_dict()

    def _send_media(self, req: _Request) -> JSONDict:
        params = req.params
        kind = _MEDIA_KINDS[req.spec.name]
        chat = self._writable_target(params)
        caption, entities = self._render_caption(params.get("caption"), params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        self._check_thread(chat, params)
        record = self._resolve_file(req, params.get(kind), kind, kind)
        msg = self._bot_message(
            chat,
            params,
            kind=kind,
            caption=caption,
            entities=entities,
            source=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            media=self._media_object(kind, record, params),
            markup=markup,
        )
        return msg.to_dict()

    def _send_media_group(self, req: _Request) -> list[JSONDict]:
        params = req.params
        chat = self._writable_target(params)
        media = params["media"]
        if not 2 <= len(media) <= 10:
            raise _bad("wrong number of media in the album: must be 2-10")
        prepared = []
        for item in media:
            if not isinstance(item, dict) or item.get("type") not in {
                "photo",
                "video",
                "document",
                "audio",
            }:
                raise _bad("can't parse InputMedia: unknown type")
            kind = str(item["type"])
            caption, entities = self._render_caption(item.get("caption"), item.get("parse_mode"))
            record = self._resolve_file(req, item.get("media"), "", kind)
            prepared.append((kind, caption, entities, item, record))
        group_id = f"{next(self._media_group_counter):012d}"
        out = []
        for kind, caption, entities, item, record in prepared:
            msg = self._bot_message(
                chat,
                params,
                kind=kind,
                caption=caption,
                entities=entities,
                source=item.get("caption"),
                parse_mode=item.get("parse_mode"),
                media=self._media_object(kind, record, item),
                media_group_id=group_id,
            )
            out.append(msg.to_dict())
        return out

    def _edit_target(self, params: dict[str, Any]) -> ChatMessage | None:
        if params.get("inline_message_id") is not None:
            return None
        chat = self._writable_target(params)
        if params.get("message_id") is None:
            raise _bad("message identifier is not specified")
        msg = chat.live(params["message_id"])
        if msg is None:
            raise ApiError(HTTPStatus.BAD_REQUEST, EDIT_NOT_FOUND)
        if not msg.from_bot:
            raise _bad("message can't be edited")
        return msg

    def _touch(self, msg: ChatMessage) -> JSONDict:
        msg.edit_date = self._now()
        msg.touched = next(self._touch_counter)
        return msg.to_dict()

    def _edit_message_text(self, req: _Request) -> JSONDict | bool:
        params = req.params
        msg = self._edit_target(params)
        plain, entities = self._render_text(params["text"], params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        if msg is None:
            return True
        if msg.text is None:
            raise _bad("there is no text in the message to edit")
        new_rows = (markup or {}).get("inline_keyboard") or []
        if plain == msg.text and entities == msg.entities and new_rows == msg.reply_markup:
            raise ApiError(HTTPStatus.BAD_REQUEST, NOT_MODIFIED)
        msg.text, msg.entities = plain, entities
        msg.source, msg.parse_mode = str(params["text"]), params.get("parse_mode")
        msg.markup = markup
        return self._touch(msg)

    def _edit_message_caption(self, req: _Request) -> JSONDict | bool:
        params = req.params
        msg = self._edit_target(params)
        caption, entities = self._render_caption(params.get("caption"), params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        if msg is None:
            return True
        if msg.text is not None:
            raise _bad("there is no caption in the message to edit")
        new_rows = (markup or {}).get("inline_keyboard") or []
        if caption == msg.caption and entities == msg.entities and new_rows == msg.reply_markup:
            raise ApiError(HTTPStatus.BAD_REQUEST, NOT_MODIFIED)
        msg.caption, msg.entities = caption, entities
        msg.source, msg.parse_mode = params.get("caption"), params.get("parse_mode")
        msg.markup = markup
        return self._touch(msg)

    def _edit_message_reply_markup(self, req: _Request) -> JSONDict | bool:
        params = req.params
        msg = self._edit_target(params)
        markup = self._check_markup(params.get("reply_markup"))
        if msg is None:
            return True
        new_rows = (markup or {}).get("inline_keyboard") or []
        if new_rows == msg.reply_markup:
            raise ApiError(HTTPStatus.BAD_REQUEST, NOT_MODIFIED)
        msg.markup = markup
        return self._touch(msg)

    def _delete_message(self, req: _Request) -> bool:
        chat = self._target(req.params)
        msg = chat.live(req.params["message_id"])
        if msg is None:
            raise _bad("message to delete not found")
        msg.deleted = True
        self._notify()
        return True

    def _delete_messages(self, req: _Request) -> bool:
        chat = self._target(req.params)
        for message_id in req.params["message_ids"]:
            msg = chat.live(message_id)
            if msg is not None:
                msg.deleted = True
        self._notify()
        return True

    def _source_message(self, params: dict[str, Any], message_id: Any, verb: str) -> ChatMessage:
        source_chat = self._target(params, "from_chat_id")
        source = source_chat.live(message_id)
        if source is None:
            raise _bad(f"message to {verb} not found")
        if source.kind == "service":
            raise _bad(
                "message can't be copied" if verb == "copy" else "message can't be forwarded"
            )
        return source

    def _copy_one(self, chat: _Chat, params: dict[str, Any], source: ChatMessage) -> ChatMessage:
        caption, entities, source_text = source.caption, source.entities, source.source
        if source.text is None and "caption" in params:
            caption, entities = self._render_caption(params["caption"], params.get("parse_mode"))
            source_text = params["caption"]
        return self._bot_message(
            chat,
            params,
            kind=source.kind,
            text=source.text,
            caption=caption,
            entities=list(entities),
            source=source_text,
            parse_mode=params.get("parse_mode", source.parse_mode),
            media=dict(source.media),
            markup=self._check_markup(params.get("reply_markup")),
            copied_from=(source.chat_id, source.message_id),
            extra={k: v for k, v in source.extra.items() if k in {"location", "contact"}},
        )

    def _copy_message(self, req: _Request) -> JSONDict:
        params = req.params
        chat = self._writable_target(params)
        source = self._source_message(params, params["message_id"], "copy")
        self._check_thread(chat, params)
        return {"message_id": self._copy_one(chat, params, source).message_id}

    def _copy_messages(self, req: _Request) -> list[JSONDict]:
        params = req.params
        chat = self._writable_target(params)
        self._check_thread(chat, params)
        sources = [self._source_message(params, m, "copy") for m in params["message_ids"]]
        plain = {k: v for k, v in params.items() if k not in {"caption", "reply_markup"}}
        return [{"message_id": self._copy_one(chat, plain, s).message_id} for s in sources]

    def _forward_one(
        self, chat: _Chat, params: dict[str, Any], source: ChatMessage
    ) -> ChatMessage:
        origin: JSONDict = {"type": "user", "sender_user": source.sender, "date": source.date}
        if source.sender is None:
            origin = {"type": "chat", "sender_chat": source.chat, "date": source.date}
        return self._bot_message(
            chat,
            params,
            kind=source.kind,
            text=source.text,
            caption=source.caption,
            entities=list(source.entities),
            source=source.source,
            parse_mode=source.parse_mode,
            media=dict(source.media),
            forwarded_from=(source.chat_id, source.message_id),
            extra={
                "forward_origin": origin,
                **{k: v for k, v in source.extra.items() if k in {"location", "contact"}},
            },
        )

    def _forward_message(self, req: _Request) -> JSONDict:
        params = req.params
        chat = self._writable_target(params)
        source = self._source_message(params, params["message_id"], "forward")
        return self._forward_one(chat, params, source).to_dict()

    def _forward_messages(self, req: _Request) -> list[JSONDict]:
        params = req.params
        chat = self._writable_target(params)
        sources = [self._source_message(params, m, "forward") for m in params["message_ids"]]
        return [{"message_id": self._forward_one(chat, params, s).message_id} for s in sources]

    def _set_message_reaction(self, req: _Request) -> bool:
        chat = self._target(req.params)
        msg = chat.live(req.params["message_id"])
        if msg is None:
            raise _bad("message to react not found")
        msg.reactions = list(req.params.get("reaction") or [])
        return True

    def _send_chat_action(self, req: _Request) -> bool:
        chat = self._writable_target(req.params)
        self._check_thread(chat, req.params)
        return True

    def _answer_callback_query(self, req: _Request) -> bool:
        query_id = str(req.params["callback_query_id"])
        if self._open_callbacks.pop(query_id, None) is None:
            raise ApiError(HTTPStatus.BAD_REQUEST, QUERY_INVALID)
        self.callback_answers[query_id] = dict(req.params)
        return True

    # -- methods: chats ---------------------------------------------------------------

    def _leave_chat(self, req: _Request) -> bool:
        chat = self._target(req.params)
        if chat.type == "private":
            raise _bad("chat member status can't be changed in private chats")
        if chat.bot_status in {"left", "kicked"}:
            raise ApiError(
                HTTPStatus.FORBIDDEN, f"Forbidden: bot is not a member of the {chat.type} chat"
            )
        chat.bot_status = "left"
        return True

    def _get_chat(self, req: _Request) -> JSONDict:
        chat = self._target(req.params)
        return {
            **chat.info,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_chat_member(self, req: _Request) -> JSONDict:
        chat = self._target(req.params)
        user_id = req.params["user_id"]
        if user_id == self.bot_id:
            status = chat.bot_status if chat.type != "private" else "member"
            return _member_dict(self._bot_user, status)
        if user_id in chat.members:
            return chat.member(user_id)
        if chat.type == "private":
            raise _bad("user not found")
        known = self._users.get(user_id)
        user = known.user if known else {"id": user_id, "is_bot": False, "first_name": "?"}
        return _member_dict(user, "left")

    def _get_chat_administrators(self, req: _Request) -> list[JSONDict]:
        chat = self._target(req.params)
        admins = [
            chat.member(user_id)
            for user_id, (_user, status) in chat.members.items()
            if status in {"creator", "administrator"}
        ]
        if chat.bot_status == "administrator":
            admins.append(_member_dict(self._bot_user, "administrator"))
        problems = self._schema.check("Array of ChatMember", admins)
        if problems:
            raise AssertionError(f"the stand-in's administrators break the schema: {problems}")
        return admins

    def _get_chat_member_count(self, req: _Request) -> int:
        chat = self._target(req.params)
        people = sum(1 for _, s in chat.members.values() if s not in {"left", "kicked"})
        return people + (0 if chat.bot_status in {"left", "kicked"} else 1)

    # -- methods: commands, profile, menu -------------------------------------------------

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not isinstance(scope, dict) or scope.get("type", "default") == "default":
            return "default"
        kind = str(scope["type"])
        if kind in {"chat", "chat_administrators"}:
            return f"{kind}:{scope.get('chat_id')}"
        if kind == "chat_member":
            return f"{kind}:{scope.get('chat_id')}:{scope.get('user_id')}"
        return kind

    def _set_my_commands(self, req: _Request) -> bool:
        commands = req.params["commands"]
        if len(commands) > 100:
            raise _bad("too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand")
            name = command.get("command")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise _bad("command description is invalid")
        scope = self._scope_key(req.params.get("scope"))
        lang = str(req.params.get("language_code") or "")
        self.scoped_commands[(scope, lang)] = list(commands)
        if scope == "default":
            self.commands[lang] = list(commands)
        return True

    def _get_my_commands(self, req: _Request) -> list[JSONDict]:
        scope = self._scope_key(req.params.get("scope"))
        lang = str(req.params.get("language_code") or "")
        return self.scoped_commands.get((scope, lang), [])

    def _delete_my_commands(self, req: _Request) -> bool:
        scope = self._scope_key(req.params.get("scope"))
        lang = str(req.params.get("language_code") or "")
        self.scoped_commands.pop((scope, lang), None)
        if scope == "default":
            self.commands.pop(lang, None)
        return True

    @staticmethod
    def _set_text(store: dict[str, str], req: _Request, key: str, limit: int) -> bool:
        value = str(req.params.get(key) or "")
        lang = str(req.params.get("language_code") or "")
        if len(value) > limit:
            raise _bad(f"{key} is too long")
        if value:
            store[lang] = value
        else:
            store.pop(lang, None)
        return True

    @staticmethod
    def _get_text(store: dict[str, str], req: _Request, key: str) -> JSONDict:
        lang = str(req.params.get("language_code") or "")
        return {key: store.get(lang, store.get("", ""))}

    def _set_my_description(self, req: _Request) -> bool:
        return self._set_text(self.descriptions, req, "description", 512)

    def _get_my_description(self, req: _Request) -> JSONDict:
        return self._get_text(self.descriptions, req, "description")

    def _set_my_short_description(self, req: _Request) -> bool:
        return self._set_text(self.short_descriptions, req, "short_description", 120)

    def _get_my_short_description(self, req: _Request) -> JSONDict:
        return self._get_text(self.short_descriptions, req, "short_description")

    def _set_my_name(self, req: _Request) -> bool:
        return self._set_text(self.names, req, "name", 64)

    def _get_my_name(self, req: _Request) -> JSONDict:
        result = self._get_text(self.names, req, "name")
        return result if result["name"] else {"name": _BOT_FIRST_NAME}

    def _set_chat_menu_button(self, req: _Request) -> bool:
        chat_id = req.params.get("chat_id")
        if chat_id is not None:
            self._target(req.params)
        button = req.params.get("menu_button") or {"type": "default"}
        self.menu_buttons[chat_id] = button
        return True

    def _get_chat_menu_button(self, req: _Request) -> JSONDict:
        chat_id = req.params.get("chat_id")
        return self.menu_buttons.get(chat_id, self.menu_buttons.get(None, {"type": "default"}))

    def _get_file(self, req: _Request) -> JSONDict:
        record = self._files.get(str(req.params["file_id"]))
        if record is None:
            raise _bad("invalid file_id")
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": len(record.data),
            "file_path": record.file_path,
        }

    # -- methods: forum topics --------------------------------------------------------

    def _forum(self, params: dict[str, Any]) -> _Chat:
        chat = self._writable_target(params)
        if not chat.forum:
            raise _bad("the chat is not a forum")
        if chat.bot_status not in {"administrator", "creator"}:
            raise _bad("not enough rights to manage topics")
        return chat

    def _topic(self, params: dict[str, Any]) -> tuple[_Chat, _Topic]:
        chat = self._forum(params)
        topic = chat.topics.get(params["message_thread_id"])
        if topic is None:
            raise ApiError(HTTPStatus.BAD_REQUEST, THREAD_NOT_FOUND)
        return chat, topic

    def _create_topic(
        self, chat: _Chat, name: str, sender: JSONDict, icon_color: int, emoji: str | None
    ) -> ChatMessage:
        if not 1 <= len(name) <= 128:
            raise _bad("TOPIC_TITLE_EMPTY" if not name else "topic name is too long")
        thread_id = chat.allocate_id()
        created: JSONDict = {"name": name, "icon_color": icon_color}
        if emoji:
            created["icon_custom_emoji_id"] = emoji
        chat.topics[thread_id] = _Topic(name, icon_color, emoji)
        msg = ChatMessage(
            chat=chat.info,
            message_id=thread_id,
            date=self._now(),
            from_bot=sender is self._bot_user,
            sender=sender,
            kind="service",
            message_thread_id=thread_id,
            is_topic_message=True,
            extra={"forum_topic_created": created},
        )
        return self._store(chat, msg)

    def _create_forum_topic(self, req: _Request) -> JSONDict:
        params = req.params
        chat = self._forum(params)
        color = int(params.get("icon_color", 7322096))
        emoji = params.get("icon_custom_emoji_id")
        msg = self._create_topic(chat, str(params["name"]), self._bot_user, color, emoji)
        result: JSONDict = {
            "message_thread_id": msg.message_id,
            **msg.extra["forum_topic_created"],
        }
        return result

    def _edit_forum_topic(self, req: _Request) -> bool:
        _, topic = self._topic(req.params)
        name = req.params.get("name", topic.name)
        emoji = req.params.get("icon_custom_emoji_id", topic.icon_custom_emoji_id)
        if name == topic.name and emoji == topic.icon_custom_emoji_id:
            raise _bad("TOPIC_NOT_MODIFIED")
        if not 1 <= len(str(name)) <= 128:
            raise _bad("TOPIC_TITLE_EMPTY")
        topic.name, topic.icon_custom_emoji_id = str(name), emoji or None
        return True

    def _close_forum_topic(self, req: _Request) -> bool:
        _, topic = self._topic(req.params)
        if topic.closed:
            raise _bad("TOPIC_NOT_MODIFIED")
        topic.closed = True
        return True

    def _reopen_forum_topic(self, req: _Request) -> bool:
        _, topic = self._topic(req.params)
        if not topic.closed:
            raise _bad("TOPIC_NOT_MODIFIED")
        topic.closed = False
        return True

    def _delete_forum_topic(self, req: _Request) -> bool:
        chat, _ = self._topic(req.params)
        self._drop_topic(chat, int(req.params["message_thread_id"]))
        return True

    def _drop_topic(self, chat: _Chat, thread_id: int) -> None:
        chat.topics.pop(thread_id, None)
        for msg in chat.messages.values():
            if msg.message_thread_id == thread_id:
                msg.deleted = True
        self._notify()

    # -- methods: everything else -------------------------------------------------------

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

    # -- helpers for the simulated people ---------------------------------------------

    def _user_message(
        self,
        chat: _Chat,
        sender: JSONDict,
        *,
        kind: str = "text",
        text: str | None = None,
        caption: str | None = None,
        media: JSONDict | None = None,
        extra: JSONDict | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        if thread_id is not None and chat.forum and thread_id not in chat.topics:
            raise AssertionError(f"chat {chat.id} has no open topic {thread_id}")
        extra = dict(extra or {})
        if text is not None:
            command = _BOT_COMMAND.match(text)
            if command:
                extra["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(command.group(0))}
                ]
        if reply_to is not None:
            target = chat.live(reply_to)
            if target is None:
                raise AssertionError(f"no message {reply_to} to reply to in chat {chat.id}")
            extra["reply_to_message"] = target.to_dict()
        elif thread_id is not None and chat.forum:
            # As Telegram does: a message in a topic replies to the topic's first message
            # (the one that says who created the topic and its name).
            opening = chat.live(thread_id)
            if opening is not None:
                extra["reply_to_message"] = opening.to_dict()
        msg = ChatMessage(
            chat=chat.info,
            message_id=chat.allocate_id(),
            date=self._now(),
            from_bot=False,
            sender=sender,
            kind=kind,
            text=text,
            caption=caption,
            media=media or {},
            message_thread_id=thread_id,
            is_topic_message=chat.forum and thread_id is not None,
            reply_to_message_id=reply_to,
            extra=extra,
        )
        self._store(chat, msg)
        message = msg.to_dict()
        self.push_update({"message": message})
        return message

    def _user_media(self, kind: str, params: JSONDict, file_name: str | None = None) -> JSONDict:
        data = f"simulated {kind} {next(self._file_counter)}".encode()
        record = self._new_file(kind, data, file_name)
        return self._media_object(kind, record, params)

    def _user_edit(self, chat: _Chat, sender: JSONDict, message_id: int, text: str) -> JSONDict:
        msg = chat.live(message_id)
        if msg is None or msg.from_bot or msg.sender is None or msg.sender["id"] != sender["id"]:
            raise AssertionError(f"user {sender['id']} has no message {message_id} to edit")
        if msg.text is None:
            msg.caption = text
        else:
            msg.text = text
        msg.edit_date = self._now()
        message = msg.to_dict()
        self.push_update({"edited_message": message})
        return message

    def _press(
        self, chat: _Chat, sender: JSONDict, message_id: int, data: str, check: bool
    ) -> str:
        msg = chat.live(message_id)
        if msg is None or not msg.from_bot:
            raise AssertionError(f"no bot message {message_id} to press in chat {chat.id}")
        if check and data not in [target for _, target in msg.buttons()]:
            raise AssertionError(
                f"message {message_id} has no button with data {data!r}; "
                f"buttons: {msg.buttons()!r}"
            )
        query_id = f"{chat.id & 0xFFFFFF}{next(self._callback_counter):08d}"
        query: JSONDict = {
            "id": query_id,
            "from": sender,
            "message": msg.to_dict(),
            "chat_instance": f"{abs(chat.id) * 7919 % 10**12}",
            "data": data,
        }
        self._open_callbacks[query_id] = query
        self.push_update({"callback_query": query})
        return query_id

    def _member_update(
        self,
        chat: _Chat,
        by: JSONDict,
        old: JSONDict,
        new: JSONDict,
        kind: str = "my_chat_member",
    ) -> JSONDict:
        update: JSONDict = {
            kind: {
                "chat": chat.info,
                "from": by,
                "date": self._now(),
                "old_chat_member": old,
                "new_chat_member": new,
            }
        }
        self.push_update(update)
        return update

    @staticmethod
    def _last_bot_message(
        chat: _Chat, thread_id: int | None = None, *, any_thread: bool = True
    ) -> ChatMessage:
        candidates = [
            m
            for m in chat.messages.values()
            if m.from_bot
            and not m.deleted
            and m.kind != "service"
            and (any_thread or m.message_thread_id == thread_id)
        ]
        if not candidates:
            where = f"chat {chat.id}" + ("" if any_thread else f" topic {thread_id}")
            raise AssertionError(f"the bot has no message in {where}")
        return max(candidates, key=lambda m: m.touched)
