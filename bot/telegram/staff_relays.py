"""A therapist's messages after they went to the family: /undo takes them back, an edit
follows to the family's copy, and one holding an identity code is refused."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden

from bot.domain import inbox
from bot.domain.identity_codes import message_holds_identity_code
from bot.i18n import Translator
from bot.outbox import after_commit, case_lane, enqueue
from bot.store import relays
from bot.store.database import current_unit
from bot.store.models import utcnow
from bot.telegram.context import BotContext
from bot.telegram.staff_answers import STAFF_ANSWER, say, send_staff_answer, where_to_answer

log = logging.getLogger(__name__)

#: The outbox job of /undo: delete the family's copies, then answer.
TAKE_BACK = "take_back"
#: Telegram lets a bot delete its messages for 48 hours.
UNDO_WINDOW = timedelta(hours=48)


def undo(context: BotContext, message: Message, case: Any) -> None:
    """Take back from the family the therapist's message replied to (or the last one)."""
    db = current_unit()
    replied = message.reply_to_message
    target = (
        replied.message_id if replied and replied.message_id != message.message_thread_id else None
    )
    copies = relays.take_back(
        db, case_id=case.id, since=utcnow() - UNDO_WINDOW, staff_message_id=target
    )
    if not copies:
        say(context, message, "nothing_to_undo", {"count": 0})
        return
    enqueue(
        db,
        TAKE_BACK,
        lane=case_lane(case.id),
        copies=[[copy.family_chat_id, copy.family_message_id] for copy in copies],
        **where_to_answer(message),
    )


def on_staff_edit(context: BotContext, message: Message) -> None:
    """A therapist edited a message that went to the family: the family's copy follows.
    The edit is made once the update has committed and is never stored (the store keeps no
    words of a message, the therapist's included); if it is lost, the family keeps the
    earlier version. An edit that holds an identity code is not followed (the topic is
    told)."""
    db = current_unit()
    copies = relays.copies_sent(db, staff_message_id=message.message_id)
    if copies and message_holds_identity_code(message):
        say(context, message, "staff_edit_held_back")
        return
    text, entities = message.text, message.entities
    caption, caption_entities = message.caption, message.caption_entities
    for chat_id, message_id in copies:

        async def follow(bot: Bot, chat_id: int = chat_id, message_id: int = message_id) -> None:
            try:
                if text is not None:
                    await bot.edit_message_text(
                        text, chat_id, message_id, entities=entities, parse_mode=None
                    )
                elif caption is not None:
                    await bot.edit_message_caption(
                        chat_id,
                        message_id,
                        caption=caption,
                        caption_entities=caption_entities,
                        parse_mode=None,
                    )
            except (BadRequest, Forbidden) as exc:
                log.info("could not edit the family's copy: %s", exc.message)

        after_commit(follow)


def refuse_identity_code(context: BotContext, message: Message) -> None:
    """A therapist's message holding an identity code is not sent to the family; the topic
    is told why, in the staff language."""
    say(context, message, "staff_held_back")


class StaffSenders:
    """The outbox's senders for staff: answers to commands, and /undo."""

    def __init__(self, staff: Translator) -> None:
        self.staff = staff

    def senders(self) -> dict[str, Any]:
        return {STAFF_ANSWER: send_staff_answer, TAKE_BACK: self.take_back}

    async def take_back(self, bot: Bot, job: dict[str, Any]) -> None:
        """/undo: delete the family's copies, then tell the topic how many went."""
        taken = 0
        for chat_id, message_id in job["copies"]:
            try:
                await bot.delete_message(chat_id, message_id)
                taken += 1
            except (BadRequest, Forbidden) as exc:
                log.info("could not take a message back: %s", exc.message)
        notice = "undone" if taken else "nothing_to_undo"
        text = self.staff(inbox.STAFF_NOTICES[notice], count=taken)
        await send_staff_answer(bot, {**job, "text": text})
