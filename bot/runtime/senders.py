"""Which sender executes which outbox row: the outbox of a running bot, with the senders of
screens, visit messages and staff answers always, and the inbox's with a staff group."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from bot.domain.erasure import DELETE_TOPIC
from bot.i18n import Translator, language_for
from bot.outbox import Sender
from bot.runtime.sending import Outbox
from bot.services import Services
from bot.store import queries
from bot.store.database import unit_of_work
from bot.telegram.app import BotApplication
from bot.telegram.family_visits import VisitCards
from bot.telegram.groups import LEAVE, send_leave
from bot.telegram.inbox import Inbox
from bot.telegram.screens import SCREEN, send_screen
from bot.telegram.staff_access import StaffAccessSenders
from bot.telegram.staff_relays import StaffSenders
from bot.telegram.topics import TopicDeleter

log = logging.getLogger(__name__)


def build_outbox(services: Services, application: BotApplication, retry_base: float) -> Outbox:
    """The outbox and its senders: screens, visit messages and staff answers always; the
    inbox's with a staff group."""
    staff_chat_id = services.settings.staff_chat_id
    senders: dict[str, Sender] = {
        SCREEN: send_screen,
        LEAVE: send_leave,
        **VisitCards(services).senders(),
        **StaffSenders(services.staff_translator).senders(),
    }
    on_uncertain: Callable[[Connection, str, dict[str, Any]], None] = _nothing_uncertain

    def family_language(chat_id: int) -> Translator:
        with unit_of_work(services.engine) as db:
            state = queries.chat_state(db, chat_id=chat_id)
        return services.translators[language_for(state.language if state else None)]

    if staff_chat_id is None:
        senders["notify_staff"] = _no_staff_group
        senders[DELETE_TOPIC] = _no_staff_group
    else:
        inbox = Inbox(
            staff_chat_id=staff_chat_id,
            engine=services.engine,
            staff=services.staff_translator,
            family_language=family_language,
        )
        senders.update(inbox.senders())
        senders.update(StaffAccessSenders(staff_chat_id, services.staff_translator).senders())
        senders.update(TopicDeleter(staff_chat_id).senders())
        on_uncertain = inbox.on_uncertain
    return Outbox(
        application.bot,
        services.engine,
        senders,
        on_uncertain=on_uncertain,
        retry_base=retry_base,
        only_process=services.engine.dialect.name == "sqlite",
        metrics=services.metrics,
    )


def count_call(services: Services) -> Callable[[str, str], None]:
    metrics = services.metrics

    def count(method: str, outcome: str) -> None:
        metrics.api_calls.labels(method, outcome).inc()
        if outcome == "retry_after":
            metrics.retry_after.inc()

    return count


def _nothing_uncertain(db: Connection, kind: str, payload: dict[str, Any]) -> None:
    """A visit message that may not have arrived: the family still has "My visits"."""


async def _no_staff_group(bot: object, job: dict[str, Any]) -> None:
    log.info("no staff group is set: a %s job was dropped", job.get("notice", "staff group"))
