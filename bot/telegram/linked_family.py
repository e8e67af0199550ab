"""A linked family's messages, carried out: the family flow (`bot.dialogs.family`) decides
on a message, a command or a "which child" button, and this module does what it says in the
update's unit of work: shows the screens, remembers the choice, relays to the case's topic,
holds back identity codes, links the chat with a code, or hands the event to the menu."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC

from telegram import CallbackQuery, Message

from bot.dialogs import customer
from bot.dialogs import family as flow
from bot.dialogs.base import Command, Event, Screen, Text
from bot.domain import inbox, visits
from bot.domain.identity_codes import message_holds_identity_code
from bot.domain.inbox import LinkedCase
from bot.domain.linking import Outcome, link_by_code
from bot.i18n import language_for
from bot.store import queries
from bot.store.database import current_unit
from bot.store.queries import ChatState
from bot.telegram.context import BotContext, dialog_context
from bot.telegram.conversing import converse
from bot.telegram.screens import answer, owe_screens

log = logging.getLogger(__name__)

CHILD_BUTTON = flow.CHILD_BUTTON


def on_message(
    context: BotContext, message: Message, event: Event, *, edited: bool, language_code: str | None
) -> None:
    """A message (not a command) or an edit in a private chat."""
    db = current_unit()
    chat_id = message.chat_id
    stored = queries.chat_state(db, chat_id=chat_id)
    cases = inbox.cases_of(db, chat_id=chat_id) if stored and stored.linked else []
    said = flow.Message(
        message.message_id,
        text=event.text if isinstance(event, Text) else None,
        edited=edited,
        identity_code=bool(cases) and message_holds_identity_code(message),
    )
    _carry_out(context, chat_id, said, event, stored, cases, language_code=language_code)


def on_command(
    context: BotContext, chat_id: int, command: Command, *, language_code: str | None
) -> None:
    """A command in a private chat: a link code, /child, or one for the menu."""
    db = current_unit()
    stored = queries.chat_state(db, chat_id=chat_id)
    cases = inbox.cases_of(db, chat_id=chat_id) if command.name == "child" else []
    _carry_out(context, chat_id, command, command, stored, cases, language_code=language_code)


def on_child_button(context: BotContext, query: CallbackQuery, chat_id: int) -> None:
    """A guardian chose which child's case their messages go to."""
    db = current_unit()
    stored = queries.chat_state(db, chat_id=chat_id)
    cases = inbox.cases_of(db, chat_id=chat_id)
    pressed = query.message.message_id if query.message is not None else None
    chosen = flow.ChildChosen(query.data or "", pressed)
    language_code = query.from_user.language_code
    _carry_out(
        context, chat_id, chosen, None, stored, cases, language_code=language_code, query=query
    )


def _carry_out(
    context: BotContext,
    chat_id: int,
    event: flow.FamilyEvent,
    original: Event | None,
    stored: ChatState | None,
    cases: list[LinkedCase],
    *,
    language_code: str | None,
    query: CallbackQuery | None = None,
) -> None:
    """Step the family flow and do what it decided, in order."""
    services = context.services
    db = current_unit()
    chat = stored or ChatState(chat_id, language_for(language_code))
    family = flow.Family(
        tuple(cases),
        chosen=chat.case_id,
        pending=chat.pending_message_id,
        menu_state=chat.state,
        staff_online=services.settings.staff_chat_id is not None,
    )
    dialog = dialog_context(services, chat.language, linked=chat.linked)
    for effect in flow.step(family, event, dialog).effects:
        match effect:
            case flow.Show(screens=screens, replace=pressed):
                owe_screens(db, chat_id, screens, replace=pressed)
            case flow.Answer(notice=notice):
                assert query is not None
                answer(query, notice)
            case flow.Remember(chosen=chosen, pending=pending):
                new = replace(chat, case_id=chosen, pending_message_id=pending)
                queries.save_chat_state(db, new, old=stored)
                chat = stored = new
            case flow.HoldBack(case_id=case_id):
                inbox.hold_back(db, case_id=case_id)
            case flow.Relay(case=case, message_id=message_id, edited=edited):
                inbox.relay_from_family(
                    db, case_id=case.id, status=case.status, chat_id=chat_id, message_id=message_id
                )
                if edited:
                    inbox.notify_staff(db, case.id, "edited")
            case flow.NoteOffHours():
                note_off_hours(context, chat_id, language_code)
            case flow.Link(code=code, typed=typed):
                link(context, chat_id, code, typed=typed, language_code=language_code)
            case flow.Converse():
                assert original is not None
                converse(context, chat_id, original, language_code=language_code, stored=stored)


def link(
    context: BotContext, chat_id: int, code: str, *, typed: bool, language_code: str | None
) -> None:
    """Link the chat to a case with a code, and tell the parent (and the case's topic)."""
    db = current_unit()
    result = link_by_code(
        db, chat_id=chat_id, code=code, secret=context.services.secret, typed=typed
    )
    log.info(
        "chat %s tried a %s code: %s", chat_id, "typed" if typed else "link", result.outcome.value
    )
    if result.outcome not in (Outcome.LINKED, Outcome.ALREADY):
        context.services.metrics.link_refused.labels(result.outcome.value).inc()
    if result.outcome is Outcome.LINKED and result.case_id is not None:
        case_id = result.case_id
        inbox.tell_staff_linked(db, case_id=case_id, chat_id=chat_id)
        visits.tell_new_guardian(
            db, case_id=case_id, chat_id=chat_id, now=context.services.clock()
        )
    if result.alert:
        log.error("wrong link codes from every chat piled up this hour: staff are alerted")
        inbox.alert_staff(db, "codes_guessed")
    outcome = result.outcome.value
    converse(
        context,
        chat_id,
        None,
        language_code=language_code,
        decide=lambda context_: customer.link_reply(outcome, context_),
    )


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
