"""What handlers need besides the update: settings, the store's engine and the translations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Engine
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.dialogs.base import DialogContext
from bot.i18n import Translator
from bot.office_hours import OfficeHours
from bot.store.models import utcnow

SERVICES_KEY = "otbot.services"


@dataclass
class Services:
    settings: Settings
    engine: Engine
    translators: dict[str, Translator]
    #: The bot's @username without the @, from the settings or asked from the Bot API.
    bot_username: str | None = None
    #: The key of the link codes' HMACs (`bot.cases.load_secret`).
    secret: bytes = b""
    #: The time now; tests give a fixed clock.
    clock: Callable[[], datetime] = utcnow
    _contexts: dict[str, DialogContext] = field(default_factory=dict, repr=False)

    @cached_property
    def office_hours(self) -> OfficeHours:
        return OfficeHours.parse(self.settings.office_hours, self.settings.zone)

    @property
    def staff_translator(self) -> Translator:
        return self.translators[self.settings.staff_language]

    def dialog_context(self, language: str) -> DialogContext:
        """The dialogs' context in a language, made once."""
        context = self._contexts.get(language)
        if context is None:
            values = {"privacy_url": self.settings.privacy_url}
            context = self._contexts[language] = DialogContext(language, self.translators, values)
        return context


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's callback context with the bot's services at hand."""

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services


def attach(application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
    application.bot_data[SERVICES_KEY] = services
