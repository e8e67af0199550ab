"""Commands therapists use in a case's topic: /help, /status, /note, /close, /reopen, /link,
/unlink, /undo, /newcase, and the visit commands (`bot.domain.staff_visits`)."""

from __future__ import annotations

import html
import io
import logging
from typing import Any

import segno
from telegram import Bot, Message, ReplyParameters

from bot.dialogs.base import Command
from bot.domain import inbox, visits
from bot.domain.cases import CASE_STATUS_NAMES, CaseError, new_code, open_case, reopen_case
from bot.domain.staff_visits import visit_command
from bot.outbox import after_commit
from bot.store import cases as store_cases
from bot.store import queries
from bot.store.database import current_unit
from bot.store.models import utcnow
from bot.telegram.context import BotContext
from bot.telegram.staff_answers import say
from bot.telegram.staff_relays import undo

log = logging.getLogger(__name__)

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


def staff_command(
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
        _new_case(context, message, command.argument)
        return
    if case is None:
        say(context, message, "no_case")
        return
    try:
        _case_command(context, message, command, case)
    except CaseError as exc:
        _ = context.services.staff_translator
        say(context, message, "not_done", {"reason": _(exc.text, **exc.values)})


def _case_command(context: BotContext, message: Message, command: Command, case: Any) -> None:
    """A command in a case's topic."""
    db = current_unit()
    if command.name == "status":
        _ = context.services.staff_translator
        links = queries.guardian_links(db, case_id=case.id)
        numbered = ", ".join(f"{n}: {_.date(at)}" for n, (_chat, at) in enumerate(links, 1))
        values = {
            "reference": case.reference,
            "label": case.label,
            "status": _(CASE_STATUS_NAMES[case.status]),
            "guardians": f"{len(links)} ({numbered})" if links else "0",
        }
        say(context, message, "status", values)
    elif command.name == "close":
        ahead = visits.visits_ahead(db, case_id=case.id, now=context.services.clock())
        if ahead:
            say(context, message, "visit_close_refused", {"count": len(ahead)})
            return
        store_cases.set_status(db, case_id=case.id, status="closed", closed_at=utcnow())
        for chat_id in queries.guardians_of(db, case_id=case.id):
            inbox.notify_family(db, chat_id, "closed")
        say(context, message, "closed")
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
        # The code is in clear only in this message, which is therefore never stored.
        say(
            context,
            message,
            "new_code",
            {"code": issued.code, "link": link, "expires": expires},
            store=False,
        )
    elif command.name == "unlink":
        chats = queries.guardians_of(db, case_id=case.id)
        if command.argument.isdigit() and 1 <= int(command.argument) <= len(chats):
            chosen = chats[int(command.argument) - 1]
            inbox.unlink(db, case_id=case.id, chat_id=chosen)
            chats = [chosen]
        elif command.argument:
            say(context, message, "help")
            return
        else:
            chats = inbox.unlink(db, case_id=case.id)
        for chat_id in chats:
            inbox.notify_family(db, chat_id, "unlinked")
        say(context, message, "unlinked", {"count": len(chats)})
    elif command.name in ("visit", "visits"):
        notice, values = visit_command(context.services, case, command.name, command.argument)
        say(context, message, notice, values)
    elif command.name == "undo":
        undo(context, message, case)
    elif command.name == "reopen":
        reopened = reopen_case(db, reference=case.reference)
        say(context, message, "reopened_by_staff" if reopened else "already_open")
    else:
        say(context, message, "help")


def _new_case(context: BotContext, message: Message, label: str) -> None:
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
        reason = services.staff_translator(exc.text, **exc.values)
        say(context, message, "case_refused", {"reason": reason})
        return
    link = issued.link(services.bot_username or "")
    expires = services.staff_translator.date(issued.expires_at)
    caption = services.staff_translator(
        inbox.STAFF_NOTICES["case_opened"],
        reference=html.escape(issued.reference),
        label=html.escape(issued.label),
        code=issued.code,
        link=link,
        expires=expires,
    )
    chat_id, thread, message_id = message.chat_id, message.message_thread_id, message.message_id

    async def post_case_card(bot: Bot) -> None:
        """The case's link as a QR code, with the code in the caption: sent once the case is
        committed, and never stored (the store keeps the code only hashed)."""
        image = io.BytesIO()
        segno.make(link, error="m").save(image, kind="png", scale=8, border=4)
        await bot.send_photo(
            chat_id,
            image.getvalue(),
            caption=caption,
            message_thread_id=thread,
            reply_parameters=ReplyParameters(message_id, allow_sending_without_reply=True),
        )

    after_commit(post_case_card)
