"""The therapists' inbox: a linked family's messages are copied into their case's topic in
the staff group, and a therapist's messages in that topic are copied back to the family, as
the service (`copyMessage` with content protection; never forwarded from the therapist).

Everything goes through the outbox; the store keeps the ids of what was copied, never the
words. The texts the bot itself writes are catalog texts: to staff in
`OTBOT_STAFF_LANGUAGE`, to a family in the family's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from bot.domain.visit_words import VISIT_NOTICES
from bot.i18n import N_
from bot.outbox import STAFF_GENERAL, case_lane, chat_lane, enqueue
from bot.store import cases as store_cases
from bot.store import guardians as store_guardians
from bot.store import relays
from bot.store.queries import guardians_of

log = logging.getLogger(__name__)


DELIVERED = "👍"
#: What a sender leaves to record once its job is done.
Record = Callable[[Connection], None]

STAFF_NOTICES = {
    # Translators: to staff, in the case's topic; {name} is the parent's Telegram name.
    "linked": N_("🔗 {name} linked their chat to this case."),
    # Translators: to staff, in the case's topic, when Telegram did not tell the name.
    "linked_unnamed": N_("🔗 A guardian linked their chat to this case."),
    # Translators: to staff, in the case's topic.
    "held_back": N_(
        "🛡 A message from the family was held back: it contained a personal identity code. "
        "The family was asked to send it again without the code."
    ),
    # Translators: to staff, in the case's topic, answering a therapist's message.
    "staff_held_back": N_(
        "🛡 Not sent to the family: your message seems to contain a personal identity code. "
        "Please send it again without the code."
    ),
    # Translators: to staff, in the case's topic, answering a therapist's edit.
    "staff_edit_held_back": N_(
        "🛡 Your edit was not sent to the family: it seems to contain a personal identity "
        "code. The family still sees the earlier version."
    ),
    # Translators: to staff, in the case's topic.
    "reopened": N_("📬 The family wrote to this closed case, so it was reopened."),
    # Translators: to staff, in the case's topic.
    "blocked": N_("⛔ The family has blocked the bot: messages cannot reach them."),
    # Translators: to staff, in the case's topic, after a send timed out.
    "uncertain": N_(
        "❓ Delivery uncertain: Telegram did not answer in time, so a message may or may not "
        "have arrived. Please check with the family if it matters."
    ),
    # Translators: to staff, in the case's topic.
    "forgot": N_(
        "🗑 A guardian erased their data from the bot; their chat is no longer linked to this case."
    ),
    # Translators: to staff, in the case's topic; {count} guardians were unlinked.
    "unlinked": N_("🔓 Unlinked guardians: {count}. They were told."),
    # Translators: to staff, in the case's topic, after /link; {code} and {link} are new.
    "new_code": N_(
        "🔑 A new one-time code for another guardian: <code>{code}</code>\n{link}\n"
        "Valid until {expires}."
    ),
    # Translators: to staff, the caption of the QR code after /newcase; at most 1024 characters.
    "case_opened": N_(
        "📁 New case <b>{reference}</b> · {label}\n"
        "Code for the family: <code>{code}</code>\n"
        "Link: {link}\n"
        "Valid until {expires}, once. The QR code opens the same link."
    ),
    # Translators: to staff, when /newcase was refused; {reason} says why.
    "case_refused": N_("The case was not opened: {reason}. Usage: /newcase label"),
    # Translators: to staff, in the case's topic, when a command could not be done;
    # {reason} says why.
    "not_done": N_("Not done: {reason}."),
    # Translators: to staff, in the case's topic, after /undo.
    "undone": N_("↩️ Taken back from the family: {count} message(s)."),
    # Translators: to staff, in the case's topic, when /undo finds nothing to take back.
    "nothing_to_undo": N_(
        "Nothing to take back: reply /undo to your message in this topic (Telegram lets the "
        "bot delete messages for 48 hours)."
    ),
    # Translators: to staff, in the general topic, at most once an hour, when many wrong
    # link codes were tried (typed or in links).
    "codes_guessed": N_(
        "⚠️ Many wrong link codes were tried in the last hour: someone may be guessing. "
        "Each chat may try 5 wrong codes an hour, and right codes keep working."
    ),
    # Translators: to staff, in the general topic, once, when the bot may not delete topics.
    "topics_not_deleted": N_(
        "⚠️ The bot may not delete topics in this group, so the topics of cases erased after "
        "the retention period stay here. Give the bot the right to delete messages, and "
        "delete those topics by hand."
    ),
    # Translators: to staff, in the case's topic, after a relayed message.
    "edited": N_("✏️ The family edited the message above; this is its new version."),
    # Translators: to staff, in the case's topic.
    "closed": N_("✅ The case was closed; the family was told."),
    # Translators: to staff, in the case's topic.
    "reopened_by_staff": N_("📂 The case was reopened."),
    # Translators: to staff, in the case's topic, after /reopen in an open case.
    "already_open": N_("📂 The case is open already."),
    # Translators: to staff, in the case's topic, the answer to /status.
    "status": N_("{reference} · {label} · {status} · guardians linked: {guardians}"),
    # Translators: to staff, in the case's topic, the answer to /help; keep the commands.
    "help": N_(
        "Write here to answer the family: your message is sent to them as the service.\n"
        "/note text – a note for staff only (nothing is sent or stored)\n"
        "/status – the case's reference, status and guardians\n"
        "/close – end the conversation (the family is told) · /reopen\n"
        "/link – a new one-time code for another guardian\n"
        "/newcase label – open a new case (anywhere in this group)\n"
        "/unlink – unlink every guardian, or /unlink 2 the second in /status (they are told)\n"
        "/undo – as a reply to your message: take it back from the family (48 h)\n"
        "/visit date time place [note] – book a visit · /visits – the case's visits "
        "(/visit alone tells more)\n"
        "/help – this list"
    ),
    # Translators: to staff, when a command is used outside a case topic.
    "no_case": N_("This topic belongs to no case. Case topics are made by the bot."),
    **VISIT_NOTICES,
}

FAMILY_NOTICES = {
    # Translators: to a guardian of several children, above one button per child's case.
    "which_child": N_(
        "Which child is your message about? I will remember your choice; /child changes it."
    ),
    # Translators: after the guardian chose; {label} is the case's name given by staff.
    "child_chosen": N_("✅ Your messages now go to your therapist about: {label}"),
    # Translators: to a parent writing outside office hours; {day} like "ma 30.11.", {time}
    # like "8.00".
    "off_hours": N_(
        "Your message has reached your therapist. Therapists answer on weekdays during office "
        "hours, so you can expect an answer from {day} at {time}.\n\n"
        "In urgent matters, call the Medical Helpline 116 117, or 112 in an emergency."
    ),
    # Translators: to a parent whose chat staff unlinked from the case.
    "unlinked": N_(
        "This chat is no longer linked to your child's case. If you need the service, "
        "message us in Maisa (maisa.fi) or ask your therapist for a new code."
    ),
    # Translators: to a linked parent while the staff group is not set up.
    "offline": N_(
        "Writing to your therapist here is not in use right now. Please send a message in "
        "Maisa (maisa.fi). In an emergency, call 112."
    ),
    # Translators: to a parent, when their message held a personal identity code.
    "held_back": N_(
        "Your message was not sent: it seems to contain a personal identity code. Please "
        "send it again without the code. Give identity codes in Maisa or to your therapist "
        "in person."
    ),
    # Translators: to a parent, when the therapist closed the conversation.
    "closed": N_(
        "Your therapist has ended this conversation. If you need the service again, write "
        "here or message us in Maisa (maisa.fi)."
    ),
}


@dataclass(frozen=True)
class LinkedCase:
    id: int
    label: str
    status: str


def cases_of(db: Connection, *, chat_id: int) -> list[LinkedCase]:
    """The cases a chat is linked to, the latest link first."""
    rows = store_cases.cases_of_chat(db, chat_id=chat_id)
    return [LinkedCase(row.id, row.label, row.status) for row in rows]


def case_of_topic(db: Connection, *, topic_id: int) -> Any | None:
    return store_cases.case_of_topic(db, topic_id=topic_id)


def case_of_new_topic(db: Connection, *, topic_id: int, topic_name: str) -> Any | None:
    """The case of a topic the bot made but has not noted yet: Telegram made it, and staff
    wrote in it, before its answer reached the bot (or the bot stopped in between). The
    topic's first message, which a message in a topic replies to, names the case by its
    reference (`topic_name`, read by `bot.telegram.handlers.opened_by_bot`); the topic is
    noted as the case's when the case has none yet."""
    reference = topic_name.split(" ", 1)[0]
    case = store_cases.case_by_reference(db, reference=reference)
    if case is None:
        return None
    if case.topic_id is None:
        store_cases.set_topic(db, case_id=case.id, topic_id=topic_id)
        log.info("case %s: its topic was noted from a staff message in it", case.id)
        case = store_cases.case_by_id(db, case_id=case.id)
    return case


def unlink(db: Connection, *, chat_id: int | None = None, case_id: int | None = None) -> list[int]:
    """Remove the links of a chat, or of a case; returns the cases (or chats) unlinked."""
    return store_guardians.unlink(db, chat_id=chat_id, case_id=case_id)


def relay_from_family(
    db: Connection, *, case_id: int, status: str, chat_id: int, message_id: int
) -> None:
    """Queue a family's message for their case's topic (reopening a closed case)."""
    if status != "open":
        store_cases.set_status(db, case_id=case_id, status="open", closed_at=None)
        _to_staff(db, case_id, chat_id, message_id)
        notify_staff(db, case_id, "reopened")
        return
    _to_staff(db, case_id, chat_id, message_id)


def _to_staff(db: Connection, case_id: int, chat_id: int, message_id: int) -> None:
    enqueue(
        db,
        "to_staff",
        lane=case_lane(case_id),
        case_id=case_id,
        chat_id=chat_id,
        message_id=message_id,
    )


def tell_staff_linked(db: Connection, *, case_id: int, chat_id: int) -> None:
    """Owe the case's topic the notice that a chat linked; the parent's name is read when it
    is sent, so the outbox holds only the chat's id."""
    enqueue(
        db,
        "notify_staff",
        lane=case_lane(case_id),
        case_id=case_id,
        notice="linked",
        values={},
        name_of=chat_id,
    )


def hold_back(db: Connection, *, case_id: int) -> None:
    notify_staff(db, case_id, "held_back")


def notify_staff(db: Connection, case_id: int, notice: str, **values: Any) -> None:
    """Owe the case's topic a notice in the staff language (`STAFF_NOTICES`)."""
    enqueue(
        db, "notify_staff", lane=case_lane(case_id), case_id=case_id, notice=notice, values=values
    )


def alert_staff(db: Connection, notice: str) -> None:
    """Owe the staff group's general topic a notice about no case in particular."""
    enqueue(db, "alert_staff", lane=STAFF_GENERAL, notice=notice)


def notify_family(db: Connection, chat_id: int, notice: str) -> None:
    """Owe a family a notice in their language (`FAMILY_NOTICES`)."""
    enqueue(db, "notify_family", lane=chat_lane(chat_id), chat_id=chat_id, notice=notice)


def relay_to_family(
    db: Connection, *, case_id: int, staff_message_id: int, reply_to_staff_message: int | None
) -> int:
    """Queue a therapist's message for every guardian of the case; returns how many."""
    chats = guardians_of(db, case_id=case_id)
    for chat_id in chats:
        reply_to = None
        if reply_to_staff_message is not None:
            reply_to = relays.family_copy_of(
                db, staff_message_id=reply_to_staff_message, chat_id=chat_id
            )
        enqueue(
            db,
            "to_family",
            lane=chat_lane(chat_id),
            case_id=case_id,
            chat_id=chat_id,
            staff_message_id=staff_message_id,
            reply_to=reply_to,
        )
    return len(chats)
