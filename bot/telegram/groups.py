"""Groups other than the staff group: the bot leaves them (first posting the setting to
put the staff group's id in, while there is none)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, Chat, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden

from bot.outbox import enqueue
from bot.store.database import current_unit
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)

#: The outbox job that leaves a group that is not the staff group.
LEAVE = "leave_group"

_PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


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
        _ = context.services.staff_translator
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
