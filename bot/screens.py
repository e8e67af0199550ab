"""Showing a dialog's screens in Telegram: edit the pressed message, send the rest."""

from __future__ import annotations

import logging
from functools import lru_cache

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bot.dialogs.base import Screen

log = logging.getLogger(__name__)

#: Edits that cannot be done; the screen is then sent as a new message.
_CANNOT_EDIT = ("message to edit not found", "message can't be edited")


@lru_cache(maxsize=512)
def keyboard(screen: Screen) -> InlineKeyboardMarkup | None:
    """The screen's buttons as Telegram's markup; made once per screen (both are frozen)."""
    if not screen.rows:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data, url=b.url) for b in row]
            for row in screen.rows
        ]
    )


async def show(
    bot: Bot, chat_id: int, screens: tuple[Screen, ...], *, replace: int | None = None
) -> None:
    """Show screens in a chat; the first replaces message `replace` when given.

    A user who has blocked the bot cannot be reached; that is logged, not an error.
    """
    for index, screen in enumerate(screens):
        try:
            if index == 0 and replace is not None and await _edit(bot, chat_id, replace, screen):
                continue
            await bot.send_message(chat_id, screen.text, reply_markup=keyboard(screen))
        except Forbidden:
            log.info("chat %s has blocked the bot; nothing shown", chat_id)
            return


async def _edit(bot: Bot, chat_id: int, message_id: int, screen: Screen) -> bool:
    """Edit a message into the screen; False when Telegram no longer lets it be edited."""
    try:
        await bot.edit_message_text(
            screen.text, chat_id=chat_id, message_id=message_id, reply_markup=keyboard(screen)
        )
    except BadRequest as exc:
        if "message is not modified" in exc.message.lower():
            return True
        if any(reason in exc.message.lower() for reason in _CANNOT_EDIT):
            return False
        raise
    return True


async def answer(query: CallbackQuery, notice: str | None) -> None:
    """Stop a button's spinner; a query already answered (a retried update) is fine."""
    try:
        await query.answer(notice)
    except BadRequest as exc:
        if "query is too old" not in exc.message.lower():
            raise
