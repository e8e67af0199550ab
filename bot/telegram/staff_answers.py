"""Answers to staff in the topic of the message they answer, in the staff language."""

from __future__ import annotations

import html
import logging
from typing import Any

from telegram import Bot, Message, ReplyParameters
from telegram.error import BadRequest

from bot.domain import inbox
from bot.outbox import after_commit, case_lane, enqueue, topic_lane
from bot.store.database import current_unit
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)

#: The outbox job of an answer in a staff topic.
STAFF_ANSWER = "staff_answer"


def where_to_answer(message: Message) -> dict[str, Any]:
    return {
        "chat_id": message.chat_id,
        "thread": message.message_thread_id if message.is_topic_message else None,
        "reply_to": message.message_id,
    }


def say(
    context: BotContext,
    message: Message,
    notice: str,
    values: dict[str, Any] | None = None,
    *,
    store: bool = True,
) -> None:
    """Answer a staff message in its topic, in the staff language. With `store=False` the
    answer is sent after the commit without an outbox job (it holds a link code in clear)."""
    _ = context.services.staff_translator
    escaped = {k: html.escape(str(v)) for k, v in (values or {}).items()}
    job = {**where_to_answer(message), "text": _(inbox.STAFF_NOTICES[notice], **escaped)}
    if store:
        thread = job["thread"]
        case = inbox.case_of_topic(current_unit(), topic_id=thread) if thread else None
        lane = case_lane(case.id) if case is not None else topic_lane(thread)
        enqueue(current_unit(), STAFF_ANSWER, lane=lane, **job)
    else:
        after_commit(lambda bot: send_staff_answer(bot, job))


async def send_staff_answer(bot: Bot, job: dict[str, Any]) -> None:
    """The sender of an answer to staff, in the topic of the message it answers."""
    try:
        await bot.send_message(
            job["chat_id"],
            job["text"],
            message_thread_id=job.get("thread"),
            reply_parameters=ReplyParameters(job["reply_to"], allow_sending_without_reply=True),
        )
    except BadRequest as exc:
        if "thread not found" not in exc.message.lower():
            raise
        log.info("a staff answer's topic is gone; answered in the general topic")
        await bot.send_message(job["chat_id"], job["text"])
