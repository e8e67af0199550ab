"""Running the dialogs for a private chat: its state read, the dialog stepped, the reply owed
as screens and the state saved, in the update's unit of work."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from telegram import CallbackQuery

from bot import dialogs
from bot.dialogs.base import (
    DialogContext,
    Event,
    Reply,
)
from bot.dialogs.menu_pages import State
from bot.domain import inbox
from bot.domain.erasure import forget_relays
from bot.i18n import language_for
from bot.store import queries
from bot.store.database import current_unit
from bot.store.queries import ChatState
from bot.telegram import family_visits
from bot.telegram.context import BotContext, dialog_context
from bot.telegram.screens import answer, owe_screens

log = logging.getLogger(__name__)

MY_VISITS = State.MY_VISITS.value


class Unread:
    """Marks a chat state not read yet (None means read, and there is none)."""


UNREAD = Unread()


def converse(
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
    dialog = dialog_context(services, chat.language, linked=chat.linked)
    if decide is not None:
        reply = decide(dialog)
    else:
        assert event is not None
        reply = dialogs.step(chat.state, event, dialog)
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
