"""A local stand-in for the Telegram Bot API: the tests' and `otbot demo`'s Telegram.

It answers the bot's HTTP calls the way Telegram does and checks each against the Bot API
schema in `schema/` (with its licence and source). See :mod:`bot.standin.botapi`
(the server) and the modules it is made of.
"""

from bot.standin.botapi import BotApiStandIn
from bot.standin.errors import ApiError
from bot.standin.people import SimGroup, SimUser
from bot.standin.records import Call, ChatMessage
from bot.standin.schema import DEFAULT_SCHEMA_PATH

__all__ = [
    "DEFAULT_SCHEMA_PATH",
    "ApiError",
    "BotApiStandIn",
    "Call",
    "ChatMessage",
    "SimGroup",
    "SimUser",
]
