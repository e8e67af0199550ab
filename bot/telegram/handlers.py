"""Thin handlers: turn an update into a dialog event, run the dialog, save, show the reply.

Every handler runs inside the update's unit of work (see `bot.runtime.intake`): the store is
read and written through `current_unit()` and committed once when the update is done.
"""

from __future__ import annotations

import logging
from functools import partial

from telegram import Chat, Message, Update

from bot.dialogs import customer
from bot.dialogs import visits as cards
from bot.dialogs.base import (
    Command,
    Press,
)
from bot.domain import inbox
from bot.domain.identity_codes import message_holds_identity_code
from bot.domain.linking import Outcome, over_limit
from bot.store.database import current_unit
from bot.telegram import family_visits, linked_family
from bot.telegram.context import BotContext
from bot.telegram.conversing import converse
from bot.telegram.events import language_code_of, message_event
from bot.telegram.screens import answer
from bot.telegram.staff import staff_command
from bot.telegram.staff_access import acts_as_staff
from bot.telegram.staff_relays import on_staff_edit, refuse_identity_code

log = logging.getLogger(__name__)

#: Callback data of the buttons under a visit (`bot.dialogs.visits`).
VISIT_BUTTON = f"{cards.PREFIX}:"


async def on_private_message(update: Update, context: BotContext) -> None:
    """A message or an edit in a private chat: a linking code, a linked family's message for
    their therapist, or something for the dialogs."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    edited = update.edited_message is not None
    event = message_event(message, edited=edited)
    language_code = language_code_of(update)
    if isinstance(event, Command):
        linked_family.on_command(context, chat.id, event, language_code=language_code)
        return
    linked_family.on_message(context, message, event, edited=edited, language_code=language_code)


async def on_staff_message(update: Update, context: BotContext) -> None:
    """A message in the staff group. In a case's topic, a command acts on the case and
    anything else goes to the family; outside case topics nothing is sent anywhere. Only
    staff act (the group's administrators, `bot.telegram.staff_access`): not other members, not
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
        name = opened_by_bot(message.reply_to_message, topic_id=thread, bot_id=context.bot.id)
        if name is not None:
            case = inbox.case_of_new_topic(db, topic_id=thread, topic_name=name)
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
    if (query.data or "").startswith(linked_family.CHILD_BUTTON):
        linked_family.on_child_button(context, query, chat_id)
        return
    if (query.data or "").startswith(VISIT_BUTTON):
        family_visits.on_visit_button(context, query, chat_id)
        return
    pressed = query.message.message_id if query.message else None
    decide = None
    if query.data == customer.ASK_FOR_CODE and over_limit(current_unit(), chat_id=chat_id):
        decide = partial(customer.link_reply, Outcome.TOO_MANY.value)  # no code page to type in
    converse(
        context,
        chat_id,
        Press(query.data or ""),
        language_code=query.from_user.language_code,
        pressed=pressed,
        query=query,
        decide=decide,
    )


def opened_by_bot(opening: Message | None, *, topic_id: int, bot_id: int) -> str | None:
    """The name of a topic when `opening` is its first message, sent by the bot itself."""
    created = opening.forum_topic_created if opening is not None else None
    if opening is None or created is None or opening.message_id != topic_id:
        return None
    if opening.from_user is None or opening.from_user.id != bot_id:
        return None
    return created.name
