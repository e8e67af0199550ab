"""A family and their visits in Telegram: the outbox's sender of visit messages
(announcements and reminders), the answers to the visit buttons, and "My visits".

The texts and buttons are `bot.dialogs.visits`; the store's side is `bot.domain.visits`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from telegram import Bot, CallbackQuery
from telegram.error import Forbidden

from bot.dialogs import visits as cards
from bot.dialogs.base import DialogContext, Screen
from bot.domain import inbox, visit_status, visits
from bot.i18n import language_for
from bot.outbox import Later
from bot.services import Services
from bot.store import queries
from bot.store.database import current_unit, unit_of_work
from bot.store.queries import ChatState
from bot.telegram.context import BotContext, dialog_context
from bot.telegram.screens import answer, keyboard, owe_screens

log = logging.getLogger(__name__)


#: What the case's topic is told of a family's answer.
STAFF_NOTICES = {
    "confirm": "visit_confirmed",
    "other": "visit_other_time",
    "sure": "visit_cancelled",
}


def view_of(details: visits.VisitDetails, services: Services) -> cards.VisitView:
    visit = details.visit
    return cards.VisitView(
        visit.id,
        visit.starts_at.astimezone(services.settings.zone),
        visit.place,
        visit.note,
        visit.status,
        details.label,
        details.first,
    )


def _view(db: Connection, visit_id: int, services: Services) -> cards.VisitView:
    details = visits.visit_details(db, visit_id)
    assert details is not None
    return view_of(details, services)


class VisitCards:
    """The outbox's sender of `visit_card` jobs. The visit is read when the message goes, so
    it shows the visit as it is then: nothing goes to a chat that is no longer a guardian,
    no reminder of a visit cancelled, moved or begun meanwhile, and no reminder in the quiet
    hours (it waits for their end)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def senders(self) -> dict[str, Any]:
        return {"visit_card": self.send}

    async def send(self, bot: Bot, job: dict[str, Any]) -> Callable[[Connection], None] | None:
        services = self.services
        reason = job["reason"]
        with unit_of_work(services.engine) as db:
            found = visits.details_for_guardian(
                db, visit_id=job["visit_id"], chat_id=job["chat_id"]
            )
        if found is None:
            log.info(
                "chat %s is no longer a guardian of visit %s", job["chat_id"], job["visit_id"]
            )
            return None
        details, language = found
        visit, view = details.visit, view_of(details, services)
        now = services.clock()
        if reason in ("booked", "moved", "reminder") and (
            not visit.active or visit.starts_at <= now
        ):
            log.info("visit %s is no longer ahead; its %s message is not sent", visit.id, reason)
            return None
        if reason == "reminder":
            if job.get("starts_at") not in (None, visit.starts_at.isoformat()):
                log.info("visit %s was moved; its earlier reminder is not sent", visit.id)
                return None
            quiet = services.quiet_hours
            if quiet is not None and quiet.is_quiet(now):
                raise Later((quiet.period(now)[1] - now).total_seconds())
        context = dialog_context(services, language_for(language))
        if reason == "cancelled":
            screen = cards.cancelled(view, context, by_family=False)
        else:
            previous = job.get("previous")
            earlier = (
                datetime.fromisoformat(previous).astimezone(services.settings.zone)
                if previous
                else None
            )
            screen = cards.card(view, context, reason=reason, previous=earlier)
        try:
            await bot.send_message(job["chat_id"], screen.text, reply_markup=keyboard(screen))
        except Forbidden:
            log.info("chat %s has blocked the bot; visit message not sent", job["chat_id"])
            case_id = visit.case_id
            return lambda db: inbox.notify_staff(db, case_id, "blocked")
        if reason == "reminder":
            services.metrics.reminders_sent.inc()
        return None


def on_visit_button(context: BotContext, query: CallbackQuery, chat_id: int) -> None:
    """A press of a button under a visit in a private chat. It acts only for a guardian of
    the visit's case, only while the visit can still be answered so, and tells the topic
    once."""
    services = context.services
    db = current_unit()
    stored = queries.chat_state(db, chat_id=chat_id)
    chat = stored or ChatState(chat_id, language_for(query.from_user.language_code))
    dialog = dialog_context(services, chat.language)
    _ = dialog.translate
    pressed = cards.parse(query.data or "")
    found = (
        visits.details_for_guardian(db, visit_id=pressed.visit_id, chat_id=chat_id)
        if pressed is not None and query.from_user.id == chat_id
        else None
    )
    if pressed is None or found is None:
        answer(query, _(cards.NOTICES["not_yours"]))
        return
    visit, view = found[0].visit, view_of(found[0], services)
    message_id = query.message.message_id if query.message else None
    if pressed.stamp != view.stamp:
        answer(query, _(cards.NOTICES["moved"]))
        _edit(context, chat_id, message_id, _current(view, dialog))
        return
    refusal = cards.refusal(view, pressed.action, services.clock())
    if refusal is not None:
        answer(query, _(cards.NOTICES[refusal]))
        if refusal != "passed":
            _edit(context, chat_id, message_id, _current(view, dialog))
        return
    if pressed.action == "cancel":
        answer(query, None)
        _edit(context, chat_id, message_id, cards.ask_cancel(view, dialog))
        return
    if pressed.action == "keep":
        answer(query, None)
        _edit(context, chat_id, message_id, cards.card(view, dialog))
        return
    trigger = cards.ACTIONS[pressed.action]
    assert trigger is not None
    new = visits.answer(db, visit, trigger)
    assert new is not None
    view = replace(view, status=new.value)
    staff = services.staff_translator
    inbox.notify_staff(
        db, visit.case_id, STAFF_NOTICES[pressed.action], when=staff.moment(view.starts_at)
    )
    log.info("chat %s answered visit %s: %s", chat_id, visit.id, pressed.action)
    answer(query, _(cards.NOTICES[pressed.action]))
    if pressed.action == "sure":
        visits.tell_other_guardians(db, visit, "cancelled", chat_id=chat_id)
        _edit(context, chat_id, message_id, cards.cancelled(view, dialog, by_family=True))
        return
    _edit(context, chat_id, message_id, cards.card(view, dialog))
    if pressed.action == "other":
        # The parent's next message is about this visit: it goes to this case's topic.
        queries.save_chat_state(db, replace(chat, case_id=visit.case_id), old=stored)
        owe_screens(db, chat_id, (cards.ask_times(dialog),))


def _current(view: cards.VisitView, dialog: DialogContext) -> Screen:
    if view.status == visit_status.Status.CANCELLED.value:
        return cards.cancelled(view, dialog, by_family=False)
    return cards.card(view, dialog)


def my_visits(db: Connection, services: Services, chat: ChatState) -> tuple[Screen, ...]:
    """The screens of "My visits" for a chat."""
    dialog = dialog_context(services, chat.language)
    upcoming = visits.upcoming_of_chat(db, chat_id=chat.chat_id, now=services.clock())
    views = [_view(db, visit.id, services) for visit in upcoming]
    return tuple(cards.my_visits(views, dialog, linked=chat.linked))


def _edit(context: BotContext, chat_id: int, message_id: int | None, screen: Screen) -> None:
    owe_screens(current_unit(), chat_id, (screen,), replace=message_id)
