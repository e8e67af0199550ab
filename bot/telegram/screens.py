"""Showing a dialog's screens in Telegram: owed in the unit of work, sent after the commit.

A screen is one outbox job (one message, or the edit of the pressed message), so a screen
that went out is never sent again because a later one failed. Button presses are answered
right after the commit, without a job: Telegram wants that within seconds, and if it is
lost nothing is owed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bot.dialogs.base import Button, Screen
from bot.outbox import Record, after_commit, chat_lane, enqueue
from bot.store import queries

log = logging.getLogger(__name__)

#: Edits that cannot be done; the screen is then sent as a new message.
_CANNOT_EDIT = ("message to edit not found", "message can't be edited")
SCREEN = "screen"


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


def owe_screens(
    db: Connection, chat_id: int, screens: tuple[Screen, ...], *, replace: int | None = None
) -> None:
    """Owe a chat the screens; the first replaces message `replace` when given, unless the
    store says the bot edited that message into that very screen already (a second press
    of a button): Telegram refuses an edit that changes nothing."""
    for index, screen in enumerate(screens):
        if (
            index == 0
            and replace is not None
            and not queries.edit_changes(
                db, chat_id=chat_id, message_id=replace, digest=_digest(screen)
            )
        ):
            continue
        enqueue(
            db,
            SCREEN,
            lane=chat_lane(chat_id),
            chat_id=chat_id,
            text=screen.text,
            rows=[[[b.label, b.data, b.url] for b in row] for row in screen.rows],
            replace=replace if index == 0 else None,
        )


def _digest(screen: Screen) -> str:
    """A screen's text and buttons, hashed: what the store keeps of an edit."""
    rows = [[[b.label, b.data, b.url] for b in row] for row in screen.rows]
    shown = json.dumps([screen.text, rows], ensure_ascii=False)
    return hashlib.sha256(shown.encode()).hexdigest()


async def send_screen(bot: Bot, job: dict[str, Any]) -> Record | None:
    """The sender of a screen job. A user who has blocked the bot cannot be reached; that is
    logged, not an error."""
    rows = tuple(tuple(Button(*button) for button in row) for row in job["rows"])
    screen = Screen(job["text"], rows)
    chat_id, replace = job["chat_id"], job.get("replace")
    try:
        if replace is not None and await _edit(bot, chat_id, replace, screen):
            return None
        await bot.send_message(chat_id, screen.text, reply_markup=keyboard(screen))
    except Forbidden:
        log.info("chat %s has blocked the bot; nothing shown", chat_id)
    if replace is None:
        return None
    # The message was not edited after all: a later press may edit it (or try to) again.
    return lambda db: queries.forget_shown(db, chat_id=chat_id, message_id=replace)


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


def answer(query: CallbackQuery, notice: str | None) -> None:
    """Stop a button's spinner once the unit of work has committed."""
    query_id = query.id

    async def call(bot: Bot) -> None:
        try:
            await bot.answer_callback_query(query_id, notice)
        except BadRequest as exc:
            if "query is too old" not in exc.message.lower():
                raise

    after_commit(call)
