"""The bot's profile in Telegram: its command menu and descriptions, in each language.

These calls are nice to have: a failure is logged and the bot serves all the same.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, Translator

log = logging.getLogger(__name__)

COMMANDS = [
    # Translators: the command menu in Telegram; at most 256 characters.
    ("start", N_("Main menu")),
    # Translators: the command menu in Telegram; for families linked to a case.
    ("visits", N_("My visits")),
    # Translators: the command menu in Telegram.
    ("language", N_("Change the language")),
    # Translators: the command menu in Telegram.
    ("privacy", N_("Privacy and your data")),
    # Translators: the command menu in Telegram.
    ("forget", N_("Erase your data from the bot")),
    # Translators: the command menu in Telegram.
    ("help", N_("Help")),
]

# Translators: the bot's description, shown in an empty chat before /start; at most 512
# characters.
DESCRIPTION = N_(
    "The chat assistant of the City of Helsinki's paediatric occupational therapy. Advice for "
    "babies who cry a lot, eat or sleep poorly or are oversensitive to sensations, and facts "
    "about occupational therapy. In an emergency, call 112."
)
# Translators: the bot's short description on its profile; at most 120 characters.
SHORT_DESCRIPTION = N_(
    "City of Helsinki paediatric occupational therapy: baby advice and our service"
)


async def publish_profile(bot: Bot, translators: dict[str, Translator]) -> None:
    """Register the command menu and descriptions per language (and a default in English)."""
    for language in (*LANGUAGES, None):
        _ = translators[language or DEFAULT_LANGUAGE]
        try:
            await bot.set_my_commands(
                [BotCommand(name, _(text)) for name, text in COMMANDS], language_code=language
            )
            await bot.set_my_description(_(DESCRIPTION), language_code=language)
            await bot.set_my_short_description(_(SHORT_DESCRIPTION), language_code=language)
        except TelegramError as exc:
            log.warning(
                "could not publish the bot's profile (%s): %s", language or "default", exc.message
            )
