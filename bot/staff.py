"""Commands therapists use in a case's topic: /help, /status, /note, /close, /reopen."""

from __future__ import annotations

import html
import logging
from typing import Any

from sqlalchemy import update
from telegram import Message
from telegram.error import BadRequest

from bot import inbox
from bot.dialogs.base import Command
from bot.outbox import enqueue
from bot.services import BotContext
from bot.store.database import current_unit
from bot.store.models import Case, utcnow

log = logging.getLogger(__name__)

_cases = Case.__table__  # type: ignore[attr-defined]
KNOWN = {"help", "status", "note", "close", "reopen"}


async def staff_command(
    context: BotContext, message: Message, command: Command, case: Any | None
) -> None:
    """Act on a command written in the staff group."""
    if command.name not in KNOWN:
        if case is None:
            return  # another bot's command, or a slip outside a case topic
        command = Command("help")
    if command.name == "note":
        return  # for staff only: nothing is sent or stored
    if case is None:
        await _say(context, message, "no_case")
        return
    db = current_unit()
    if command.name == "status":
        guardians = len(inbox.guardians_of(db, case_id=case.id))
        values = {
            "reference": case.reference,
            "label": case.label,
            "status": case.status,
            "guardians": guardians,
        }
        await _say(context, message, "status", values)
    elif command.name == "close":
        db.execute(
            update(_cases)
            .where(_cases.c.id == case.id)
            .values(status="closed", closed_at=utcnow())
        )
        for chat_id in inbox.guardians_of(db, case_id=case.id):
            enqueue(db, "notify_family", chat_id=chat_id, notice="closed")
        await _say(context, message, "closed")
    elif command.name == "reopen":
        db.execute(
            update(_cases).where(_cases.c.id == case.id).values(status="open", closed_at=None)
        )
        await _say(context, message, "reopened_by_staff")
    else:
        await _say(context, message, "help")


async def _say(
    context: BotContext, message: Message, notice: str, values: dict[str, Any] | None = None
) -> None:
    _ = context.services.staff_translator
    escaped = {k: html.escape(str(v)) for k, v in (values or {}).items()}
    try:
        await message.reply_text(_(inbox.STAFF_NOTICES[notice], **escaped))
    except BadRequest as exc:
        log.warning("could not answer a staff command: %s", exc.message)
