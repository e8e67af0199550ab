"""A local stand-in for the Telegram Bot API: the tests' and `otbot demo`'s Telegram.

It answers the bot's HTTP calls the way Telegram does and checks each against the Bot API
schema in `schema/` (with its licence and source). See :mod:`bot.standin.botapi`.
"""

from bot.standin.botapi import (
    DEFAULT_SCHEMA_PATH,
    ApiError,
    BotApiStandIn,
    Call,
    ChatMessage,
    SimGroup,
    SimUser,
)

__all__ = [
    "DEFAULT_SCHEMA_PATH",
    "ApiError",
    "BotApiStandIn",
    "Call",
    "ChatMessage",
    "SimGroup",
    "SimUser",
]
