"""PTB's callback context with the bot's services at hand, and where the application keeps them."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.dialogs.base import DialogContext
from bot.services import Services

SERVICES_KEY = "otbot.services"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's callback context with the bot's services at hand."""

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services


def attach(application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
    application.bot_data[SERVICES_KEY] = services


def dialog_context(services: Services, language: str, *, linked: bool = False) -> DialogContext:
    """The dialogs' context in a language, for a chat linked to a case or not; made once."""
    key = f"{language}:{linked}"
    context: DialogContext | None = services.dialog_contexts.get(key)
    if context is None:
        values = {"privacy_url": services.settings.privacy_url}
        context = services.dialog_contexts[key] = DialogContext(
            language, services.translators, values, linked=linked
        )
    return context
