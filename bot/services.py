"""What handlers need besides the update: settings, the store's engine and the translations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Engine

from bot.config import Settings
from bot.domain.office_hours import OfficeHours, QuietHours
from bot.domain.reminders import ReminderPlan
from bot.i18n import Translator
from bot.runtime.metrics import Metrics
from bot.store.models import utcnow


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
    #: The dialogs' contexts made so far, by language (`bot.telegram.context.dialog_context`).
    dialog_contexts: dict[str, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def office_hours(self) -> OfficeHours:
        return OfficeHours.parse(self.settings.office_hours, self.settings.zone)

    @cached_property
    def quiet_hours(self) -> QuietHours | None:
        return QuietHours.parse(self.settings.quiet_hours, self.settings.zone)

    @cached_property
    def reminder_plan(self) -> ReminderPlan:
        return ReminderPlan(self.settings.reminder_leads, self.quiet_hours)

    @property
    def staff_translator(self) -> Translator:
        return self.translators[self.settings.staff_language]
