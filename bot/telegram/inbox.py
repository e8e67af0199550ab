"""The outbox's senders for the inbox: copies between a family's chat and their case's topic,
the 👍 on a delivered message, and the notices to staff and families (the rules are in
`bot.domain.inbox`)."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine
from telegram import Bot, ReactionTypeEmoji, ReplyParameters
from telegram.error import BadRequest, Forbidden

from bot.domain.inbox import (
    DELIVERED,
    FAMILY_NOTICES,
    STAFF_NOTICES,
    Record,
    notify_staff,
)
from bot.i18n import Translator
from bot.outbox import chat_lane, enqueue
from bot.store import cases as store_cases
from bot.store import relays
from bot.store.database import unit_of_work
from bot.store.models import utcnow
from bot.store.queries import guardians_of

log = logging.getLogger(__name__)


class Inbox:
    """The outbox's senders for the inbox, and what they need: the staff group, the store
    and the texts."""

    def __init__(
        self,
        *,
        staff_chat_id: int,
        engine: Engine,
        staff: Translator,
        family_language: Callable[[int], Translator],
    ) -> None:
        self.staff_chat_id = staff_chat_id
        self.engine = engine
        self.staff = staff
        self.family_language = family_language

    def senders(self) -> dict[str, Any]:
        return {
            "to_staff": self.send_to_staff,
            "react": self.react,
            "to_family": self.send_to_family,
            "notify_staff": self.notify_staff,
            "notify_family": self.notify_family,
            "alert_staff": self.alert_staff,
        }

    def on_uncertain(self, db: Connection, kind: str, payload: dict[str, Any]) -> None:
        if kind in ("to_staff", "to_family"):
            notify_staff(db, payload["case_id"], "uncertain")

    async def send_to_staff(self, bot: Bot, job: dict[str, Any]) -> Record | None:
        topic = await self._topic(bot, job["case_id"])
        if topic is None:
            return None
        try:
            copied = await bot.copy_message(
                self.staff_chat_id, job["chat_id"], job["message_id"], message_thread_id=topic
            )
        except BadRequest as exc:
            if "thread not found" not in exc.message.lower():
                raise
            topic = await self._topic(bot, job["case_id"], again=True)
            copied = await bot.copy_message(
                self.staff_chat_id, job["chat_id"], job["message_id"], message_thread_id=topic
            )
        remember = _remember_relay(
            "in", job["case_id"], job["chat_id"], job["message_id"], copied.message_id
        )

        def record(db: Connection) -> None:
            if job["chat_id"] not in guardians_of(db, case_id=job["case_id"]):
                return  # the chat was unlinked (or forgotten) meanwhile: nothing to keep
            remember(db)
            # The 👍 is a step of its own: if it fails, the copy is not made again.
            enqueue(
                db,
                "react",
                lane=chat_lane(job["chat_id"]),
                chat_id=job["chat_id"],
                message_id=job["message_id"],
            )

        return record

    async def react(self, bot: Bot, job: dict[str, Any]) -> None:
        """Mark a family's message delivered to the topic."""
        try:
            await bot.set_message_reaction(
                job["chat_id"], job["message_id"], ReactionTypeEmoji(DELIVERED)
            )
        except (BadRequest, Forbidden) as exc:
            log.info("could not mark a message delivered: %s", exc.message)

    async def send_to_family(self, bot: Bot, job: dict[str, Any]) -> Record:
        reply = (
            ReplyParameters(job["reply_to"], allow_sending_without_reply=True)
            if job.get("reply_to")
            else None
        )
        try:
            copied = await bot.copy_message(
                job["chat_id"],
                self.staff_chat_id,
                job["staff_message_id"],
                protect_content=True,
                reply_parameters=reply,
            )
        except Forbidden:
            return lambda db: notify_staff(db, job["case_id"], "blocked")

        return _remember_relay(
            "out", job["case_id"], job["chat_id"], copied.message_id, job["staff_message_id"]
        )

    async def notify_staff(self, bot: Bot, job: dict[str, Any]) -> None:
        topic = await self._topic(bot, job["case_id"])
        if topic is None:
            return
        notice, values = job["notice"], dict(job["values"])
        if job.get("name_of") is not None:
            name = await self._name_of(bot, job["name_of"])
            notice, values = (
                (notice, {**values, "name": name}) if name else (notice + "_unnamed", values)
            )
        values = {k: html.escape(str(v)) for k, v in values.items()}
        text = self.staff(STAFF_NOTICES[notice], **values)
        try:
            await bot.send_message(self.staff_chat_id, text, message_thread_id=topic)
        except BadRequest as exc:
            if "thread not found" not in exc.message.lower():
                raise
            topic = await self._topic(bot, job["case_id"], again=True)
            await bot.send_message(self.staff_chat_id, text, message_thread_id=topic)

    async def _name_of(self, bot: Bot, chat_id: int) -> str | None:
        """A parent's Telegram name and @username, read when a notice is sent (the outbox
        keeps only the chat's id); None when Telegram does not tell."""
        try:
            chat = await bot.get_chat(chat_id)
        except (BadRequest, Forbidden) as exc:
            log.info("could not read a linked parent's name: %s", exc.message)
            return None
        name = " ".join(part for part in (chat.first_name, chat.last_name) if part)
        if chat.username:
            name = f"{name} (@{chat.username})" if name else f"@{chat.username}"
        return name or None

    async def alert_staff(self, bot: Bot, job: dict[str, Any]) -> None:
        """A notice in the staff group's general topic, about no case in particular."""
        await bot.send_message(self.staff_chat_id, self.staff(STAFF_NOTICES[job["notice"]]))

    async def notify_family(self, bot: Bot, job: dict[str, Any]) -> None:
        _ = self.family_language(job["chat_id"])
        try:
            await bot.send_message(job["chat_id"], _(FAMILY_NOTICES[job["notice"]]))
        except Forbidden:
            log.info("chat %s has blocked the bot; notice not sent", job["chat_id"])

    async def _topic(self, bot: Bot, case_id: int, *, again: bool = False) -> int | None:
        """The case's topic in the staff group, made on first need (or when staff deleted
        it); its id is kept at once, so a failure later never makes a second one. An erased
        case has none (None), and gets none again."""
        with unit_of_work(self.engine) as db:
            case = store_cases.case_by_id(db, case_id=case_id)
        if case.label == "" and case.topic_id is None:
            log.info("case %s is erased: nothing more goes to its topic", case_id)
            return None
        if case.topic_id is not None and not again:
            return int(case.topic_id)
        name = f"{case.reference} {case.label}"[:128]
        topic = await bot.create_forum_topic(self.staff_chat_id, name)
        with unit_of_work(self.engine) as db:
            store_cases.set_topic(db, case_id=case_id, topic_id=topic.message_thread_id)
        return topic.message_thread_id


def _remember_relay(
    direction: str,
    case_id: int,
    family_chat_id: int,
    family_message_id: int,
    staff_message_id: int,
) -> Record:
    """What a relay leaves to record once sent: the ids of both sides, never the words."""

    def record(db: Connection) -> None:
        relays.remember(
            db,
            direction=direction,
            case_id=case_id,
            family_chat_id=family_chat_id,
            family_message_id=family_message_id,
            staff_message_id=staff_message_id,
            created_at=utcnow(),
        )

    return record
