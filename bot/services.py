"""What handlers need besides the update: settings, the store's engine and the translations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.dialogs.base import DialogContext
from bot.domain.office_hours import OfficeHours, QuietHours
from bot.i18n import Translator
from bot.runtime.metrics import Metrics
from bot.store.models import utcnow

if TYPE_CHECKING:
    from bot.domain.visits import ReminderPlan

SERVICES_KEY = "otbot.services"


@dataclass
class Services:
    settings: Settings
    engine: Engine
    translators: dict[str, Translator]
    #: The bot's @username without the @, from the settings or asked from the Bot API.
    bot_username: str | None = None
    #: The key of the link codes' HMACs (`bot.domain.cases.load_secret`).
    secret: bytes = b""
    #: The time now; tests give a fixed clock.
    clock: Callable[[], datetime] = utcnow
    #: What the running bot counts (`GET /metrics`).
    metrics: Metrics = field(default_factory=Metrics)
    _contexts: dict[str, DialogContext] = field(default_factory=dict, repr=False)

    @cached_property
    def office_hours(self) -> OfficeHours:
        return OfficeHours.parse(self.settings.office_hours, self.settings.zone)

    @cached_property
    def quiet_hours(self) -> QuietHours | None:
        return QuietHours.parse(self.settings.quiet_hours, self.settings.zone)

    @cached_property
    def reminder_plan(self) -> ReminderPlan:
        from bot.domain.visits import ReminderPlan

        return ReminderPlan(self.settings.reminder_leads, self.quiet_hours)

    @property
    def staff_translator(self) -> Translator:
        return self.translators[self.settings.staff_language]

    def dialog_context(self, language: str, *, linked: bool = False) -> DialogContext:
        """The dialogs' context in a language, for a chat linked to a case or not; made once."""
        key = f"{language}:{linked}"
        context = self._contexts.get(key)
        if context is None:
            values = {"privacy_url": self.settings.privacy_url}
            context = self._contexts[key] = DialogContext(
                language, self.translators, values, linked=linked
            )
        return context


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's callback context with the bot's services at hand."""

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services


def attach(application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
    application.bot_data[SERVICES_KEY] = services
