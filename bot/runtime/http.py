"""How the bot's Bot API calls travel: over aiohttp, with a pool of kept-alive connections.

python-telegram-bot's default client (httpx) looks at every connection of its pool, and asks
the socket of each idle one whether it is still usable, each time a request starts or ends.
A bot that sends many messages side by side keeps many connections, so that cost grows with
the very concurrency it exists for (measured: more CPU per message than the whole of the
bot's own work). aiohttp's connector takes an idle connection off a queue instead.

The limits count a message from when its request is written (`message_leaves`), not from
when it was let go: a new connection or a busy event loop may hold it back for a while.

Errors are the library's own: a timeout is `TimedOut` (the call may have reached Telegram),
anything else on the way is `NetworkError`.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.runtime.limits import message_leaves

#: python-telegram-bot's own defaults, in seconds.
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
#: Writing a request that uploads a file may take longer.
MEDIA_WRITE_TIMEOUT = 20.0


class AiohttpRequest(BaseRequest):
    """Bot API requests through one aiohttp session of at most `connections` connections
    (a call waits for a free one; waiting is not a timeout)."""

    def __init__(self, *, connections: int, read_timeout: float | None = READ_TIMEOUT) -> None:
        self._connections = connections
        self._read_timeout = read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            leaving = aiohttp.TraceConfig()
            # The headers may wait in a buffer to go with the body, written a step later
            # (on a busy event loop, over 100 ms later): the message leaves with its body.
            leaving.on_request_headers_sent.append(_left)
            leaving.on_request_chunk_sent.append(_left)
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
                skip_auto_headers={"Accept-Encoding"},
                trace_configs=[leaving],
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("the Bot API client is not initialized")
        uploads = request_data is not None and request_data.contains_files
        read = _given(read_timeout, self._read_timeout)
        write = _given(write_timeout, MEDIA_WRITE_TIMEOUT if uploads else WRITE_TIMEOUT)
        connect = _given(connect_timeout, CONNECT_TIMEOUT)
        # aiohttp has no write timeout of its own: the request's whole time is bounded by
        # the three together; the read timeout also bounds each wait for the answer.
        total = None if None in (read, write, connect) else read + write + connect  # type: ignore[operator]
        timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


async def _left(*_: object) -> None:
    message_leaves()


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """The request's parameters as a form (url-encoded, or multipart with its files)."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
