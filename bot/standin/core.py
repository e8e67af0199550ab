"""The stand-in's state, kept in one ``__init__`` for every part of it, its chats and the queue
of updates the bot has yet to confirm."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.standin.errors import ApiError, JSONDict
from bot.standin.people import SimGroup, SimUser
from bot.standin.records import Call, ChatMessage, _Chat, _File, _Poll, _Request
from bot.standin.schema import DEFAULT_SCHEMA_PATH, _load_schema

_BOT_FIRST_NAME = "otbot"


class Core:
    """Everything the stand-in keeps (the one ``__init__``), its chats and the queue of updates
    the bot has yet to confirm. The other parts of :class:`~bot.standin.BotApiStandIn` build
    on it."""

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
        self._handlers: dict[str, Callable[[_Request], Any]] = self._method_handlers()

    def _method_handlers(self) -> dict[str, Callable[[_Request], Any]]:
        """The Bot API methods answered by a handler of their own, by name (the composed
        stand-in lists them); any other is answered generically."""
        raise NotImplementedError

    @property
    def bot_user(self) -> JSONDict:
        """The bot as a Telegram ``User`` (as it appears in ``from`` of its messages)."""
        return self._bot_user

    def chat_messages(self, chat_id: int) -> list[ChatMessage]:
        """Every live message in a chat (the bot's and the people's), by id."""
        return [m for m in self._chat(chat_id).messages.values() if not m.deleted]

    def _chat(self, chat_id: int) -> _Chat:
        try:
            return self._chats[chat_id]
        except KeyError:
            raise AssertionError(f"no simulated chat {chat_id}") from None

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

    def _notify(self, *, updates: bool = False) -> None:
        event = self._any_event
        self._any_event = asyncio.Event()
        event.set()
        if updates:
            event = self._update_event
            self._update_event = asyncio.Event()
            event.set()
