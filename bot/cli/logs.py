"""The log lines of `otbot run`: no tokens, no message texts; plain or JSON."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    pass


class _RedactToken(logging.Filter):
    """Belt and braces: no log line ever carries the bot token."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "<token>")
            record.args = None
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and the
    exception's traceback if any; the token never appears."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        line = json.dumps(entry, ensure_ascii=False)
        return line.replace(self.token, "<token>") if self.token else line


def configure_logging(settings: Settings) -> None:
    """Log to stderr without tokens or message texts (httpx would log the token's URL): a
    line per event, or a JSON object per line with OTBOT_LOG_FORMAT=json."""
    token = settings.token.get_secret_value() if settings.token is not None else None
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonLines(token))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if token:
        handler.addFilter(_RedactToken(token))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    quiet_libraries()


#: Libraries whose debug lines would carry message texts (PTB logs every request and
#: answer) or the token (httpx logs request URLs). They log warnings and up only.
CHATTY_LIBRARIES = ("telegram", "httpx", "httpcore", "apscheduler", "alembic", "transitions")


def quiet_libraries() -> None:
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
