"""Thin handlers: turn an update into a dialog event, run the dialog, save, show the reply.

Every handler runs inside the update's unit of work (see `bot.polling`): the store is read
and written through `current_unit()` and committed once when the update is done.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC
from functools import partial
from typing import Any

from sqlalchemy import Connection
from telegram import Bot, CallbackQuery, Chat, ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden

from bot import dialogs, family_visits, inbox, visits
from bot.dialogs import customer
from bot.dialogs import visits as cards
from bot.dialogs.base import (
    Button,
    Command,
    DialogContext,
    Event,
    Press,
    Reply,
    Screen,
    Text,
    Unsupported,
)
from bot.dialogs.menu import NOTICES, State
from bot.erasure import forget_relays
from bot.i18n import language_for
from bot.identity_codes import message_holds_identity_code
from bot.inbox import LinkedCase
from bot.linking import Outcome, link_by_code, over_limit
from bot.outbox import enqueue
from bot.screens import answer, owe_screens
from bot.services import BotContext
from bot.staff import on_staff_edit, refuse_identity_code, staff_command
from bot.staff_access import acts_as_staff
from bot.store import queries
from bot.store.database import current_unit
from bot.store.queries import ChatState

log = logging.getLogger(__name__)

CUSTOMER_CODE = State.CUSTOMER_CODE.value
MY_VISITS = State.MY_VISITS.value


class Unread:
    """Marks a chat state not read yet (None means read, and there is none)."""


UNREAD = Unread()
#: Callback data of a guardian's "which child" buttons: this prefix and the case's id.
CHILD_BUTTON = "child:"
#: Callback data of the buttons under a visit (`bot.dialogs.visits`).
VISIT_BUTTON = f"{cards.PREFIX}:"
#: The outbox job that leaves a group that is not the staff group.
LEAVE = "leave_group"

_PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def on_private_message(update: Update, context: BotContext) -> None:
    """A message or an edit in a private chat: a linking code, a linked family's message for
    their therapist, or something for the dialogs."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    edited = update.edited_message is not None
    event = message_event(message, edited=edited)
    language_code = _language_code(update)
    db = current_unit()
    if isinstance(event, Command) and event.name == "start" and event.argument:
        _link(context, update, event.argument, typed=False)
        return
    if isinstance(event, Command) and event.name == "child":
        linked = inbox.cases_of(db, chat_id=chat.id)
        if len(linked) > 1:
            _ask_which_child(context, chat.id, linked, pending=None, language_code=language_code)
            return
    if not isinstance(event, Command):
        stored = queries.chat_state(db, chat_id=chat.id)
        linked = inbox.cases_of(db, chat_id=chat.id) if stored and stored.linked else []
        if linked:
            case = _chosen_case(db, chat.id, linked)
            if _held_back(context, message, [case] if case else linked, language_code):
                return
            if case is None:
                _ask_which_child(
                    context,
                    chat.id,
                    linked,
                    pending=message.message_id,
                    language_code=language_code,
                )
                return
            _relay_from_family(context, message, case, edited=edited, language_code=language_code)
            return
        if stored and stored.state == CUSTOMER_CODE and isinstance(event, Text):
            _link(context, update, event.text, typed=True)
            return
        _converse(context, chat.id, event, language_code=language_code, stored=stored)
        return
    _converse(context, chat.id, event, language_code=language_code)


def _link(context: BotContext, update: Update, code: str, *, typed: bool) -> None:
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
    _converse(
        context,
        chat.id,
        None,
        language_code=user.language_code,
        decide=lambda context_: customer.link_reply(outcome, context_),
    )


def _chosen_case(db: Connection, chat_id: int, linked: list[LinkedCase]) -> LinkedCase | None:
    """The case a guardian's messages go to: the only one, or the one they chose."""
    if len(linked) == 1:
        return linked[0]
    stored = queries.chat_state(db, chat_id=chat_id)
    chosen = stored.case_id if stored else None
    return next((case for case in linked if case.id == chosen), None)


def _ask_which_child(
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


def _choose_child(context: BotContext, query: CallbackQuery, chat_id: int) -> None:
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


def _relay_from_family(
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
        _tell_family(context, message.chat_id, "offline", language_code)
        return
    inbox.relay_from_family(
        db, case_id=case_id, status=status, chat_id=message.chat_id, message_id=message.message_id
    )
    if edited:
        inbox.notify_staff(db, case_id, "edited")
    _note_off_hours(context, message.chat_id, language_code)


def _held_back(
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
    _tell_family(context, message.chat_id, "held_back", language_code)
    return True


def _note_off_hours(context: BotContext, chat_id: int, language_code: str | None) -> None:
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


def _tell_family(
    context: BotContext, chat_id: int, notice: str, language_code: str | None
) -> None:
    db = current_unit()
    stored = queries.chat_state(db, chat_id=chat_id)
    _ = context.services.translators[stored.language if stored else language_for(language_code)]
    owe_screens(db, chat_id, (Screen(_(inbox.FAMILY_NOTICES[notice])),))


async def on_staff_message(update: Update, context: BotContext) -> None:
    """A message in the staff group. In a case's topic, a command acts on the case and
    anything else goes to the family; outside case topics nothing is sent anywhere. Only
    staff act (the group's administrators, `bot.staff_access`): not other members, not
    anonymous admins posting as the group, not bots."""
    message = update.message or update.edited_message
    if message is None or message.sender_chat is not None:
        return
    if message.from_user is None or message.from_user.is_bot:
        return
    if not acts_as_staff(context, message):
        return
    if update.edited_message is not None:
        on_staff_edit(context, message)
        return
    db = current_unit()
    thread = message.message_thread_id if message.is_topic_message else None
    case = inbox.case_of_topic(db, topic_id=thread) if thread is not None else None
    if case is None and thread is not None:
        case = inbox.case_of_new_topic(
            db, topic_id=thread, opening=message.reply_to_message, bot_id=context.bot.id
        )
    event = message_event(message)
    if isinstance(event, Command):
        staff_command(context, message, event, case)
        return
    if case is None:
        return
    if message_holds_identity_code(message):
        refuse_identity_code(context, message)
        return
    reply = message.reply_to_message
    replied = reply.message_id if reply is not None and reply.message_id != thread else None
    inbox.relay_to_family(
        db, case_id=case.id, staff_message_id=message.message_id, reply_to_staff_message=replied
    )


async def on_button(update: Update, context: BotContext) -> None:
    """A press of an inline button in a private chat. Every press is answered."""
    query = update.callback_query
    if query is None:
        return
    if query.message is not None and query.message.chat.type != Chat.PRIVATE:
        answer(query, None)
        return
    chat_id = query.message.chat.id if query.message else query.from_user.id
    if (query.data or "").startswith(CHILD_BUTTON):
        _choose_child(context, query, chat_id)
        return
    if (query.data or "").startswith(VISIT_BUTTON):
        family_visits.on_visit_button(context, query, chat_id)
        return
    pressed = query.message.message_id if query.message else None
    decide = None
    if query.data == customer.ASK_FOR_CODE and over_limit(current_unit(), chat_id=chat_id):
        decide = partial(customer.link_reply, Outcome.TOO_MANY.value)  # no code page to type in
    _converse(
        context,
        chat_id,
        Press(query.data or ""),
        language_code=query.from_user.language_code,
        pressed=pressed,
        query=query,
        decide=decide,
    )


def _converse(
    context: BotContext,
    chat_id: int,
    event: Event | None,
    *,
    language_code: str | None,
    pressed: int | None = None,
    query: CallbackQuery | None = None,
    decide: Callable[[DialogContext], Reply] | None = None,
    stored: ChatState | Unread | None = UNREAD,
) -> None:
    """Run the dialogs on an event (or take the reply `decide` makes), show it, save.
    `stored` is the chat's state when the caller has read it already."""
    services = context.services
    db = current_unit()
    if isinstance(stored, Unread):
        stored = queries.chat_state(db, chat_id=chat_id)
    chat = stored or ChatState(chat_id, language_for(language_code))
    dialog_context = services.dialog_context(chat.language, linked=chat.linked)
    if decide is not None:
        reply = decide(dialog_context)
    else:
        assert event is not None
        reply = dialogs.step(chat.state, event, dialog_context)
    if reply.state == MY_VISITS:
        reply = replace(reply, screens=family_visits.my_visits(db, services, chat))
    if query is not None:
        answer(query, reply.notice)
    if reply.erase:
        queries.forget_chat(db, chat_id=chat_id)
        forget_relays(db, chat_id=chat_id)
        for case_id in inbox.unlink(db, chat_id=chat_id):
            inbox.notify_staff(db, case_id, "forgot")
        owe_screens(db, chat_id, reply.screens, replace=pressed)
        queries.forget_shown(db, chat_id=chat_id)  # the store keeps nothing of the chat
        log.info("chat %s erased its data", chat_id)
        return
    owe_screens(db, chat_id, reply.screens, replace=pressed)
    if reply.language:
        chat = replace(chat, language=reply.language, language_chosen=True)
    queries.save_chat_state(db, replace(chat, state=reply.state), old=stored)


def message_event(message: Message, *, edited: bool = False) -> Event:
    """The dialog event a message stands for."""
    if edited:
        return Unsupported("edited")
    text = message.text
    if text is None:
        return Unsupported(_content_kind(message))
    if text.startswith("/"):
        head, _, argument = text[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        if name:
            return Command(name, argument.strip())
    return Text(text)


def _content_kind(message: Message) -> str:
    for kind in ("sticker", "photo", "voice", "video_note", "video", "audio", "document"):
        if getattr(message, kind, None):
            return kind
    if message.location or message.venue:
        return "location"
    if message.contact:
        return "contact"
    return "other"


def _language_code(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user else None


async def on_bot_added_to_group(update: Update, context: BotContext) -> None:
    """The bot stays only in the staff group; from any other group it leaves.

    While no staff group is configured, it first tells the group its id and the setting to
    put it in, so that an operator can set the bot up.
    """
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.new_chat_member.status not in _PRESENT:
        return
    chat = change.chat
    settings = context.services.settings
    if chat.type == Chat.PRIVATE or chat.id == settings.staff_chat_id:
        return
    if settings.staff_chat_id is None and chat.type != Chat.CHANNEL:
        _ = context.services.translators[language_for(change.from_user.language_code)]
        text = _(
            "This group's id is <code>{chat_id}</code>. To make it the staff group, set "
            "<code>OTBOT_STAFF_CHAT_ID={chat_id}</code>, restart the bot and add it here "
            "again. Now I am leaving this group.",
            chat_id=chat.id,
        )
        _leave(chat.id, text)
        return
    _leave(chat.id)


async def on_foreign_group_message(update: Update, context: BotContext) -> None:
    """A message in a group that is not the staff group: the bot leaves it."""
    chat = update.effective_chat
    if chat is not None:
        _leave(chat.id)


def _leave(chat_id: int, farewell: str | None = None) -> None:
    log.info("leaving chat %s: it is not the staff group", chat_id)
    enqueue(current_unit(), LEAVE, lane=f"group:{chat_id}", chat_id=chat_id, text=farewell)


async def send_leave(bot: Bot, job: dict[str, Any]) -> None:
    """The sender of a leave job: say why (when there is something to say), then leave.
    A failure (no rights, already gone) changes nothing for anyone."""
    try:
        if job.get("text"):
            await bot.send_message(job["chat_id"], job["text"])
        await bot.leave_chat(job["chat_id"])
    except (BadRequest, Forbidden) as exc:
        log.info("group call failed: %s", exc.message)
