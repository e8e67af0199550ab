"""A linked family's messages: linking with a code, choosing the child a message is about,
holding back identity codes, relaying to the case's topic and saying when staff answer."""

from __future__ import annotations

import html
import logging
from dataclasses import replace
from datetime import UTC

from sqlalchemy import Connection
from telegram import CallbackQuery, Message, Update

from bot.dialogs import customer
from bot.dialogs.base import (
    Button,
    Screen,
)
from bot.dialogs.menu_pages import NOTICES
from bot.domain import inbox, visits
from bot.domain.identity_codes import message_holds_identity_code
from bot.domain.inbox import LinkedCase
from bot.domain.linking import Outcome, link_by_code
from bot.i18n import language_for
from bot.store import queries
from bot.store.database import current_unit
from bot.store.queries import ChatState
from bot.telegram.context import BotContext
from bot.telegram.conversing import converse
from bot.telegram.screens import answer, owe_screens

log = logging.getLogger(__name__)

#: Callback data of a guardian's "which child" buttons: this prefix and the case's id.
CHILD_BUTTON = "child:"


def link(context: BotContext, update: Update, code: str, *, typed: bool) -> None:
    """Link the chat to a case with a code, and tell the parent (and the case's topic)."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    assert chat is not None
    db = current_unit()
    result = link_by_code(
        db, chat_id=chat.id, code=code, secret=context.services.secret, typed=typed
    )
    log.info(
        "chat %s tried a %s code: %s", chat.id, "typed" if typed else "link", result.outcome.value
    )
    if result.outcome not in (Outcome.LINKED, Outcome.ALREADY):
        context.services.metrics.link_refused.labels(result.outcome.value).inc()
    if result.outcome is Outcome.LINKED and result.case_id is not None:
        case_id = result.case_id
        inbox.tell_staff_linked(db, case_id=case_id, chat_id=chat.id)
        visits.tell_new_guardian(
            db, case_id=case_id, chat_id=chat.id, now=context.services.clock()
        )
    if result.alert:
        log.error("wrong link codes from every chat piled up this hour: staff are alerted")
        inbox.alert_staff(db, "codes_guessed")
    outcome = result.outcome.value
    converse(
        context,
        chat.id,
        None,
        language_code=user.language_code,
        decide=lambda context_: customer.link_reply(outcome, context_),
    )


def chosen_case(db: Connection, chat_id: int, linked: list[LinkedCase]) -> LinkedCase | None:
    """The case a guardian's messages go to: the only one, or the one they chose."""
    if len(linked) == 1:
        return linked[0]
    stored = queries.chat_state(db, chat_id=chat_id)
    chosen = stored.case_id if stored else None
    return next((case for case in linked if case.id == chosen), None)


def ask_which_child(
    context: BotContext,
    chat_id: int,
    linked: list[LinkedCase],
    *,
    pending: int | None,
    language_code: str | None,
) -> None:
    """Ask a guardian of several children which one a message is about (keeping the message
    to send once they choose)."""
    db = current_unit()
    stored = queries.chat_state(db, chat_id=chat_id)
    chat = stored or ChatState(chat_id, language_for(language_code))
    _ = context.services.translators[chat.language]
    rows = tuple((Button(case.label, f"{CHILD_BUTTON}{case.id}"),) for case in linked)
    owe_screens(db, chat_id, (Screen(_(inbox.FAMILY_NOTICES["which_child"]), rows),))
    queries.save_chat_state(
        db, replace(chat, case_id=None, pending_message_id=pending), old=stored
    )


def choose_child(context: BotContext, query: CallbackQuery, chat_id: int) -> None:
    """A guardian chose which child's case their messages go to."""
    db = current_unit()
    linked = inbox.cases_of(db, chat_id=chat_id)
    wanted = (query.data or "").removeprefix(CHILD_BUTTON)
    case = next((c for c in linked if str(c.id) == wanted), None)
    stored = queries.chat_state(db, chat_id=chat_id)
    chat = stored or ChatState(chat_id, language_for(query.from_user.language_code))
    _ = context.services.translators[chat.language]
    if case is None:
        answer(query, _(NOTICES["outdated"]))
        return
    answer(query, None)
    if query.message is not None:
        text = _(inbox.FAMILY_NOTICES["child_chosen"], label=html.escape(case.label))
        owe_screens(db, chat_id, (Screen(text),), replace=query.message.message_id)
    pending = chat.pending_message_id
    queries.save_chat_state(
        db, replace(chat, case_id=case.id, pending_message_id=None), old=stored
    )
    if pending is not None and context.services.settings.staff_chat_id is not None:
        inbox.relay_from_family(
            db, case_id=case.id, status=case.status, chat_id=chat_id, message_id=pending
        )


def relay_from_family(
    context: BotContext,
    message: Message,
    case: LinkedCase,
    *,
    edited: bool,
    language_code: str | None,
) -> None:
    """A linked family's message (checked for identity codes already) goes to their case's
    topic."""
    case_id, status = case.id, case.status
    db = current_unit()
    if context.services.settings.staff_chat_id is None:
        tell_family(context, message.chat_id, "offline", language_code)
        return
    inbox.relay_from_family(
        db, case_id=case_id, status=status, chat_id=message.chat_id, message_id=message.message_id
    )
    if edited:
        inbox.notify_staff(db, case_id, "edited")
    note_off_hours(context, message.chat_id, language_code)


def held_back(
    context: BotContext, message: Message, cases: list[LinkedCase], language_code: str | None
) -> bool:
    """A linked family's message that holds an identity code is never relayed: not at once,
    and not later, when a guardian of several children has chosen the child. The family is
    asked to send it again without the code, and the topics it could have gone to are told."""
    if context.services.settings.staff_chat_id is None:
        return False
    if not message_holds_identity_code(message):
        return False
    db = current_unit()
    for case in cases:
        inbox.hold_back(db, case_id=case.id)
    stored = queries.chat_state(db, chat_id=message.chat_id)
    if stored and stored.pending_message_id == message.message_id:  # edited while waiting
        queries.save_chat_state(db, replace(stored, pending_message_id=None), old=stored)
    tell_family(context, message.chat_id, "held_back", language_code)
    return True


def note_off_hours(context: BotContext, chat_id: int, language_code: str | None) -> None:
    """Outside office hours, say when an answer can be expected: once per off period."""
    services = context.services
    now = services.clock()
    hours = services.office_hours
    if hours.is_open(now):
        return
    opening = hours.off_period(now)
    period = opening.astimezone(UTC).replace(tzinfo=None)
    db = current_unit()
    stored = queries.chat_state(db, chat_id=chat_id)
    chat = stored or ChatState(chat_id, language_for(language_code))
    noted = chat.off_hours_noted
    if noted is not None and noted.replace(tzinfo=None) == period:
        return
    _ = services.translators[chat.language]
    text = _(inbox.FAMILY_NOTICES["off_hours"], day=_.weekday_date(opening), time=_.time(opening))
    owe_screens(db, chat_id, (Screen(text),))
    queries.save_chat_state(db, replace(chat, off_hours_noted=period), old=stored)


def tell_family(context: BotContext, chat_id: int, notice: str, language_code: str | None) -> None:
    db = current_unit()
    stored = queries.chat_state(db, chat_id=chat_id)
    _ = context.services.translators[stored.language if stored else language_for(language_code)]
    owe_screens(db, chat_id, (Screen(_(inbox.FAMILY_NOTICES[notice])),))
