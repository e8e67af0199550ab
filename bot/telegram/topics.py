"""The outbox's sender that deletes an erased case's topic in the staff group."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden

from bot.domain.erasure import DELETE_TOPIC, topic_deleted, topic_not_deleted
from bot.outbox import Record

log = logging.getLogger(__name__)

#: Telegram's words for a topic that is gone already.
_GONE = ("thread not found", "topic_id_invalid", "topic not found", "topic_deleted")
#: ... and for a bot that may not delete it.
_NO_RIGHTS = ("rights", "chat_admin_required")


class TopicDeleter:
    """The outbox's sender that deletes an erased case's topic in the staff group."""

    def __init__(self, staff_chat_id: int) -> None:
        self.staff_chat_id = staff_chat_id

    def senders(self) -> dict[str, Any]:
        return {DELETE_TOPIC: self.delete_topic}

    async def delete_topic(self, bot: Bot, job: dict[str, Any]) -> Record:
        """Delete the topic: done when deleted or gone already; when the bot may not, staff
        are told once, and erasure goes on."""
        try:
            await bot.delete_forum_topic(self.staff_chat_id, job["topic_id"])
        except (BadRequest, Forbidden) as exc:
            words = exc.message.lower()
            if isinstance(exc, BadRequest) and any(gone in words for gone in _GONE):
                return topic_deleted
            if isinstance(exc, Forbidden) or any(words_ in words for words_ in _NO_RIGHTS):
                log.warning("could not delete an erased case's topic: %s", exc.message)
                return topic_not_deleted
            raise
        return topic_deleted
