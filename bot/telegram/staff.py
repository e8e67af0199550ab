"""Commands therapists use in a case's topic: /help, /status, /note, /close, /reopen, /link,
/unlink, /undo, /newcase, and the visit commands (`bot.domain.staff_visits`)."""

from __future__ import annotations

import html
import io
import logging
from datetime import timedelta
from typing import Any

import segno
from telegram import Bot, Message, ReplyParameters
from telegram.error import BadRequest, Forbidden

from bot.dialogs.base import Command
from bot.domain import inbox, visits
from bot.domain.cases import CASE_STATUS_NAMES, CaseError, new_code, open_case, reopen_case
from bot.domain.identity_codes import message_holds_identity_code
from bot.domain.staff_visits import visit_command
from bot.i18n import Translator
from bot.outbox import after_commit, case_lane, enqueue, topic_lane
from bot.store import cases as store_cases
from bot.store import queries, relays
from bot.store.database import current_unit
from bot.store.models import utcnow
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)

#: Outbox jobs: an answer in a staff topic; /undo's deletions and its answer.
STAFF_ANSWER = "staff_answer"
TAKE_BACK = "take_back"
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
        _say(context, message, "no_case")
        return
    try:
        _case_command(context, message, command, case)
    except CaseError as exc:
        _ = context.services.staff_translator
        _say(context, message, "not_done", {"reason": _(exc.text, **exc.values)})


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
        _say(context, message, "status", values)
    elif command.name == "close":
        ahead = visits.visits_ahead(db, case_id=case.id, now=context.services.clock())
        if ahead:
            _say(context, message, "visit_close_refused", {"count": len(ahead)})
            return
        store_cases.set_status(db, case_id=case.id, status="closed", closed_at=utcnow())
        for chat_id in queries.guardians_of(db, case_id=case.id):
            inbox.notify_family(db, chat_id, "closed")
        _say(context, message, "closed")
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
        _say(
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
            _say(context, message, "help")
            return
        else:
            chats = inbox.unlink(db, case_id=case.id)
        for chat_id in chats:
            inbox.notify_family(db, chat_id, "unlinked")
        _say(context, message, "unlinked", {"count": len(chats)})
    elif command.name in ("visit", "visits"):
        notice, values = visit_command(context.services, case, command.name, command.argument)
        _say(context, message, notice, values)
    elif command.name == "undo":
        _undo(context, message, case)
    elif command.name == "reopen":
        reopened = reopen_case(db, reference=case.reference)
        _say(context, message, "reopened_by_staff" if reopened else "already_open")
    else:
        _say(context, message, "help")


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
        _say(context, message, "case_refused", {"reason": reason})
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


def _undo(context: BotContext, message: Message, case: Any) -> None:
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
        _say(context, message, "nothing_to_undo", {"count": 0})
        return
    enqueue(
        db,
        TAKE_BACK,
        lane=case_lane(case.id),
        copies=[[copy.family_chat_id, copy.family_message_id] for copy in copies],
        **_where_to_answer(message),
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
        _say(context, message, "staff_edit_held_back")
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
    _say(context, message, "staff_held_back")


def _where_to_answer(message: Message) -> dict[str, Any]:
    return {
        "chat_id": message.chat_id,
        "thread": message.message_thread_id if message.is_topic_message else None,
        "reply_to": message.message_id,
    }


def _say(
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
    job = {**_where_to_answer(message), "text": _(inbox.STAFF_NOTICES[notice], **escaped)}
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
