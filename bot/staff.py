"""Commands therapists use in a case's topic: /help, /status, /note, /close, /reopen, /link,
/unlink, /undo, /newcase, and the visit commands (`bot.staff_visits`)."""

from __future__ import annotations

import html
import io
import logging
from datetime import timedelta
from typing import Any

import segno
from sqlalchemy import delete, func, select, update
from telegram import Message
from telegram.error import BadRequest, Forbidden

from bot import inbox, visits
from bot.cases import CaseError, new_code, open_case
from bot.dialogs.base import Command
from bot.outbox import enqueue
from bot.services import BotContext
from bot.staff_visits import visit_command
from bot.store import queries
from bot.store.database import current_unit
from bot.store.models import Case, RelayedMessage, utcnow

log = logging.getLogger(__name__)

_cases = Case.__table__  # type: ignore[attr-defined]
_relayed = RelayedMessage.__table__  # type: ignore[attr-defined]
KNOWN = {
    "help",
    "status",
    "note",
    "close",
    "reopen",
    "link",
    "unlink",
    "undo",
    "newcase",
    "visit",
    "visits",
}
#: Telegram lets a bot delete its messages for 48 hours.
UNDO_WINDOW = timedelta(hours=48)


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
    if command.name == "newcase":
        await _new_case(context, message, command.argument)
        return
    if case is None:
        await _say(context, message, "no_case")
        return
    db = current_unit()
    if command.name == "status":
        _ = context.services.staff_translator
        links = queries.guardian_links(db, case_id=case.id)
        numbered = ", ".join(f"{n}: {_.date(at)}" for n, (_chat, at) in enumerate(links, 1))
        values = {
            "reference": case.reference,
            "label": case.label,
            "status": case.status,
            "guardians": f"{len(links)} ({numbered})" if links else "0",
        }
        await _say(context, message, "status", values)
    elif command.name == "close":
        ahead = visits.visits_ahead(db, case_id=case.id, now=context.services.clock())
        if ahead:
            await _say(context, message, "visit_close_refused", {"count": len(ahead)})
            return
        db.execute(
            update(_cases)
            .where(_cases.c.id == case.id)
            .values(status="closed", closed_at=utcnow())
        )
        for chat_id in queries.guardians_of(db, case_id=case.id):
            enqueue(db, "notify_family", chat_id=chat_id, notice="closed")
        await _say(context, message, "closed")
    elif command.name == "link":
        services = context.services
        issued = new_code(
            db,
            reference=case.reference,
            secret=services.secret,
            days=services.settings.link_code_days,
        )
        link = issued.link(services.bot_username or "")
        expires = services.staff_translator.date(issued.expires_at)
        await _say(
            context, message, "new_code", {"code": issued.code, "link": link, "expires": expires}
        )
    elif command.name == "unlink":
        chats = queries.guardians_of(db, case_id=case.id)
        if command.argument.isdigit() and 1 <= int(command.argument) <= len(chats):
            chosen = chats[int(command.argument) - 1]
            inbox.unlink(db, case_id=case.id, chat_id=chosen)
            chats = [chosen]
        elif command.argument:
            await _say(context, message, "help")
            return
        else:
            chats = inbox.unlink(db, case_id=case.id)
        for chat_id in chats:
            enqueue(db, "notify_family", chat_id=chat_id, notice="unlinked")
        await _say(context, message, "unlinked", {"count": len(chats)})
    elif command.name in ("visit", "visits"):
        notice, values = visit_command(context.services, case, command.name, command.argument)
        await _say(context, message, notice, values)
    elif command.name == "undo":
        await _undo(context, message, case)
    elif command.name == "reopen":
        db.execute(
            update(_cases).where(_cases.c.id == case.id).values(status="open", closed_at=None)
        )
        await _say(context, message, "reopened_by_staff")
    else:
        await _say(context, message, "help")


async def _new_case(context: BotContext, message: Message, label: str) -> None:
    """/newcase label: a case, its first code and link, and the link as a QR code."""
    services = context.services
    try:
        issued = open_case(
            current_unit(),
            label=label,
            secret=services.secret,
            days=services.settings.link_code_days,
        )
    except CaseError as exc:
        await _say(context, message, "case_refused", {"reason": str(exc)})
        return
    link = issued.link(services.bot_username or "")
    expires = services.staff_translator.date(issued.expires_at)
    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=8, border=4)
    caption = services.staff_translator(
        inbox.STAFF_NOTICES["case_opened"],
        reference=html.escape(issued.reference),
        label=html.escape(issued.label),
        code=issued.code,
        link=link,
        expires=expires,
    )
    try:
        await message.reply_photo(image.getvalue(), caption=caption)
    except BadRequest as exc:
        log.warning("could not post the new case: %s", exc.message)


async def _undo(context: BotContext, message: Message, case: Any) -> None:
    """Take back from the family the therapist's message replied to (or the last one)."""
    db = current_unit()
    replied = message.reply_to_message
    target = (
        replied.message_id if replied and replied.message_id != message.message_thread_id else None
    )
    query = select(_relayed).where(
        _relayed.c.case_id == case.id,
        _relayed.c.direction == "out",
        _relayed.c.created_at > utcnow() - UNDO_WINDOW,
    )
    if target is not None:
        query = query.where(_relayed.c.staff_message_id == target)
    else:
        last = db.execute(
            select(func.max(_relayed.c.staff_message_id)).where(
                _relayed.c.case_id == case.id, _relayed.c.direction == "out"
            )
        ).scalar()
        query = query.where(_relayed.c.staff_message_id == last)
    copies = db.execute(query).all()
    taken = 0
    for copy in copies:
        try:
            await context.bot.delete_message(copy.family_chat_id, copy.family_message_id)
            taken += 1
        except (BadRequest, Forbidden) as exc:
            log.info("could not take a message back: %s", exc.message)
        db.execute(delete(_relayed).where(_relayed.c.id == copy.id))
    await _say(context, message, "undone" if taken else "nothing_to_undo", {"count": taken})


async def on_staff_edit(context: BotContext, message: Message) -> None:
    """A therapist edited a message that went to the family: the family's copy follows."""
    db = current_unit()
    copies = db.execute(
        select(_relayed).where(
            _relayed.c.direction == "out", _relayed.c.staff_message_id == message.message_id
        )
    )
    for copy in copies:
        try:
            if message.text is not None:
                await context.bot.edit_message_text(
                    message.text,
                    copy.family_chat_id,
                    copy.family_message_id,
                    entities=message.entities,
                    parse_mode=None,
                )
            elif message.caption is not None:
                await context.bot.edit_message_caption(
                    copy.family_chat_id,
                    copy.family_message_id,
                    caption=message.caption,
                    caption_entities=message.caption_entities,
                    parse_mode=None,
                )
        except (BadRequest, Forbidden) as exc:
            log.info("could not edit the family's copy: %s", exc.message)


async def _say(
    context: BotContext, message: Message, notice: str, values: dict[str, Any] | None = None
) -> None:
    _ = context.services.staff_translator
    escaped = {k: html.escape(str(v)) for k, v in (values or {}).items()}
    try:
        await message.reply_text(_(inbox.STAFF_NOTICES[notice], **escaped))
    except BadRequest as exc:
        log.warning("could not answer a staff command: %s", exc.message)
