"""Thin handlers: turn an update into a dialog event, run the dialog, save, show the reply.

Every handler runs inside the update's unit of work (see `bot.polling`): the store is read
and written through `current_unit()` and committed once when the update is done.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import replace

from telegram import CallbackQuery, Chat, ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden

from bot import dialogs
from bot.dialogs.base import Command, Event, Press, Text, Unsupported
from bot.i18n import language_for
from bot.screens import show
from bot.services import BotContext
from bot.store import queries
from bot.store.database import current_unit
from bot.store.queries import ChatState

log = logging.getLogger(__name__)

_PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def on_private_message(update: Update, context: BotContext) -> None:
    """A message or an edit in a private chat."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    event = message_event(message, edited=update.edited_message is not None)
    await _converse(context, chat.id, event, language_code=_language_code(update))


async def on_button(update: Update, context: BotContext) -> None:
    """A press of an inline button in a private chat. Every press is answered."""
    query = update.callback_query
    if query is None:
        return
    if query.message is not None and query.message.chat.type != Chat.PRIVATE:
        await _answer(query, None)
        return
    chat_id = query.message.chat.id if query.message else query.from_user.id
    pressed = query.message.message_id if query.message else None
    await _converse(
        context,
        chat_id,
        Press(query.data or ""),
        language_code=query.from_user.language_code,
        pressed=pressed,
        query=query,
    )


async def _converse(
    context: BotContext,
    chat_id: int,
    event: Event,
    *,
    language_code: str | None,
    pressed: int | None = None,
    query: CallbackQuery | None = None,
) -> None:
    services = context.services
    db = current_unit()
    stored = queries.chat_state(db, chat_id=chat_id)
    chat = stored or ChatState(chat_id, language_for(language_code))
    reply = dialogs.step(chat.state, event, services.dialog_context(chat.language))
    if query is not None:
        await _answer(query, reply.notice)
    await show(context.bot, chat_id, reply.screens, replace=pressed)
    if reply.erase:
        queries.forget_chat(db, chat_id=chat_id)
        log.info("chat %s erased its data", chat_id)
        return
    if reply.language:
        chat = replace(chat, language=reply.language, language_chosen=True)
    queries.save_chat_state(db, replace(chat, state=reply.state), old=stored)


async def _answer(query: CallbackQuery, notice: str | None) -> None:
    """Stop the button's spinner; a query already answered (a retried update) is fine."""
    try:
        await query.answer(notice)
    except BadRequest as exc:
        if "query is too old" not in exc.message.lower():
            raise


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
        await _quietly(context.bot.send_message(chat.id, text))
    await _leave(context, chat.id)


async def on_foreign_group_message(update: Update, context: BotContext) -> None:
    """A message in a group that is not the staff group: the bot leaves it."""
    chat = update.effective_chat
    if chat is not None:
        await _leave(context, chat.id)


async def _leave(context: BotContext, chat_id: int) -> None:
    log.info("leaving chat %s: it is not the staff group", chat_id)
    await _quietly(context.bot.leave_chat(chat_id))


async def _quietly(call: Awaitable[object]) -> None:
    """Await a call whose failure (no rights, already gone) changes nothing for anyone."""
    try:
        await call
    except (BadRequest, Forbidden) as exc:
        log.info("group call failed: %s", exc.message)
