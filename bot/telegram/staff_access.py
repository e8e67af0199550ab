"""Who acts as staff: the staff group's administrators, and no one else.

A therapist is given the admin role (with no rights switched on). The bot keeps the list in
the store: it asks Telegram (`getChatAdministrators`) at start, follows `chat_member`
updates (promoted, demoted, joined, left), and when someone it does not know as staff acts
in the group it asks again — at most once a minute, before the update's unit of work,
never inside it. Anyone else's messages and commands in the group go nowhere; their topic
is told so once a day per person, and the group is told when someone who is not staff is in
it (they can read every case).
"""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Engine
from telegram import Bot, ChatMember, ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.domain import inbox
from bot.i18n import N_, Translator
from bot.outbox import STAFF_GENERAL, case_lane, enqueue, topic_lane
from bot.store import staff as store
from bot.store.database import current_unit, unit_of_work
from bot.store.models import utcnow
from bot.telegram.context import BotContext
from bot.telegram.staff_answers import STAFF_ANSWER

log = logging.getLogger(__name__)

NOTICES = {
    # Translators: to someone in the staff group who is not an administrator, in the topic
    # where they wrote, at most once a day.
    "staff_only": N_(
        "🚫 Only the group's administrators act as staff: this message was not sent to anyone "
        "and nothing was done. If you are staff, ask to be made an administrator (no rights "
        "need to be switched on)."
    ),
    # Translators: to staff, in the general topic, when someone who is not an administrator
    # joined the group (or stopped being one); {name} is their Telegram name.
    "not_staff_member": N_(
        "👁 {name} is in this group but is not an administrator: they can read every case. "
        "Remove them if they should not; make them an administrator if they are staff."
    ),
}
#: The outbox job that tells the group someone who is not staff is in it.
NOT_STAFF_MEMBER = "not_staff_member"
#: Telegram is asked for the administrators on demand at most this often.
ASK_EVERY = timedelta(minutes=1)
#: The "only staff" notices are remembered this long (for the once-a-day rule).
NOTICES_KEPT = timedelta(days=2)

_STAFF = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def acts_as_staff(context: BotContext, message: Message) -> bool:
    """Whether the sender of a message in the staff group is staff. When not, their message
    goes nowhere and the topic is told (once a day per person)."""
    user = message.from_user
    db = current_unit()
    if user is None or store.is_staff(db, user_id=user.id):
        return user is not None
    log.info("a message in the staff group from someone not staff went nowhere")
    if message.text is not None or message.caption is not None or message.effective_attachment:
        _tell_staff_only(context, message, user.id)
    return False


def _tell_staff_only(context: BotContext, message: Message, user_id: int) -> None:
    services = context.services
    db = current_unit()
    thread = message.message_thread_id if message.is_topic_message else None
    today = services.clock().astimezone(services.settings.zone).date()
    if not store.note_staff_only_notice(db, user_id=user_id, topic_id=thread or 0, day=today):
        return
    case = inbox.case_of_topic(db, topic_id=thread) if thread else None
    text = services.staff_translator(NOTICES["staff_only"])
    enqueue(
        db,
        STAFF_ANSWER,
        lane=case_lane(case.id) if case is not None else topic_lane(thread),
        chat_id=message.chat_id,
        thread=thread,
        reply_to=message.message_id,
        text=text,
    )


async def on_member_change(update: Update, context: BotContext) -> None:
    """A `chat_member` update of the staff group: an administrator is staff, anyone else is
    not; someone in the group who is not staff makes the group told."""
    change: ChatMemberUpdated | None = update.chat_member
    if change is None:
        return
    member = change.new_chat_member
    if member.user.is_bot:
        return
    db = current_unit()
    if member.status in _STAFF:
        store.add_staff(db, user_id=member.user.id)
        log.info("a staff group administrator is staff")
        return
    was_staff = store.is_staff(db, user_id=member.user.id)
    store.remove_staff(db, user_id=member.user.id)
    if was_staff:
        log.info("someone stopped being a staff group administrator: no longer staff")
    if _present(member):
        enqueue(db, NOT_STAFF_MEMBER, lane=STAFF_GENERAL, user_id=member.user.id)


def _present(member: ChatMember) -> bool:
    if member.status == ChatMemberStatus.MEMBER:
        return True
    return member.status == ChatMemberStatus.RESTRICTED and bool(
        getattr(member, "is_member", False)
    )


def _acting_user(update: Update, staff_chat_id: int) -> int | None:
    """The person acting in the staff group by this update, if it is a person's message."""
    message = update.message or update.edited_message
    if message is None or message.chat_id != staff_chat_id or message.sender_chat is not None:
        return None
    user = message.from_user
    return None if user is None or user.is_bot else user.id


class StaffList:
    """Keeps the stored list of staff current from Telegram's list of administrators."""

    def __init__(
        self, bot: Bot, engine: Engine, staff_chat_id: int, *, every: timedelta = ASK_EVERY
    ) -> None:
        self.bot = bot
        self.engine = engine
        self.staff_chat_id = staff_chat_id
        self.every = every
        #: A read of the administrators under way, which other updates wait for.
        self._reading: asyncio.Task[bool] | None = None

    async def read(self) -> bool:
        """Ask Telegram for the administrators and store them as staff (its own short
        transaction, after the call). On failure the stored list stays as it was."""
        try:
            admins = await self.bot.get_chat_administrators(self.staff_chat_id)
        except TelegramError as exc:
            log.warning("could not read the staff group's administrators: %s", exc.message)
            return False
        people = [admin.user.id for admin in admins if not admin.user.is_bot]
        with unit_of_work(self.engine) as db:
            store.replace_staff(db, people)
        log.info("staff are the staff group's %d administrators", len(people))
        if not people:
            log.error("the staff group has no administrators besides bots: no one acts as staff")
        return True

    async def before(self, update: Update) -> None:
        """Before an update's unit of work: someone not known as staff acts in the group,
        so Telegram is asked again, unless it was asked less than a minute ago."""
        user_id = _acting_user(update, self.staff_chat_id)
        if user_id is None:
            return
        with unit_of_work(self.engine) as db:
            if store.is_staff(db, user_id=user_id):
                return
            due = store.claim_asking(db, now=utcnow(), every=self.every)
        if due:
            self._reading = asyncio.ensure_future(self.read())
        if self._reading is not None:
            # Updates of other topics that arrive while Telegram is asked wait for its answer,
            # so a new administrator's second message is not taken for a stranger's.
            await asyncio.shield(self._reading)


class StaffAccessSenders:
    """The outbox's sender that tells the group someone who is not staff is in it."""

    def __init__(self, staff_chat_id: int, staff: Translator) -> None:
        self.staff_chat_id = staff_chat_id
        self.staff = staff

    def senders(self) -> dict[str, Any]:
        return {NOT_STAFF_MEMBER: self.tell_not_staff}

    async def tell_not_staff(self, bot: Bot, job: dict[str, Any]) -> None:
        """The person's name is read now (the job holds only their id). Someone made an
        administrator or gone meanwhile is no news."""
        try:
            member = await bot.get_chat_member(self.staff_chat_id, job["user_id"])
        except (BadRequest, Forbidden) as exc:
            log.info("could not read a group member's name: %s", exc.message)
            name = f"id {job['user_id']}"
        else:
            if not _present(member):
                return
            user = member.user
            name = user.full_name + (f" (@{user.username})" if user.username else "")
        text = self.staff(NOTICES["not_staff_member"], name=html.escape(name))
        await bot.send_message(self.staff_chat_id, text)


def forget_old_notices(db: Connection, *, today: date) -> int:
    """Housekeeping: forget the once-a-day notices of earlier days."""
    return store.forget_staff_only_notices(db, before=today - NOTICES_KEPT)
