"""Telegram's error answers: the descriptions as Telegram words them, its length limits and
:class:`ApiError`, the error a Bot API method answers with.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

JSONDict = dict[str, Any]

# Error descriptions, worded the way Telegram words them (DESIGN.md, "Testing").
TEXT_EMPTY = "Bad Request: message text is empty"
TEXT_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
CANT_PARSE = "Bad Request: can't parse entities: "
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
THREAD_NOT_FOUND = "Bad Request: message thread not found"
CHAT_NOT_FOUND = "Bad Request: chat not found"
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BLOCKED = "Forbidden: bot was blocked by the user"
CONFLICT_POLLING = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
WEBHOOK_NOT_HTTPS = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
WEBHOOK_PORT = "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
WEBHOOK_SECRET_BAD = "Bad Request: secret token contains unallowed characters"
WEBHOOK_CONNECTIONS_BAD = "Bad Request: max_connections must be between 1 and 100"
UNAUTHORIZED = "Unauthorized"
NOT_FOUND = "Not Found"

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


class ApiError(Exception):
    """A Telegram-shaped error answer: HTTP status, ``description`` and ``parameters``."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(f"{status} {description}")
        self.status = int(status)
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {description}")
