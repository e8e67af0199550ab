"""The demo's people and chats on the stand-in: two parents — Anna, whose chat is linked to
her child's case with a visit booked, and Bea, who has just found the bot — and the staff
group with a therapist. The case, its topic and the visit are made through the bot itself.

What the page shows is read from the stand-in (:meth:`DemoWorld.snapshot`); what the
person at the page does becomes updates the bot reads with getUpdates.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from bot.demo.clock import DemoClock
from bot.domain.cases import open_case
from bot.standin import BotApiStandIn, ChatMessage, SimGroup, SimUser
from bot.store.database import unit_of_work

#: The phones the page can show: key -> (user id, first name, Telegram's language).
PHONES = {"anna": (5_550_001, "Anna", "fi"), "new": (5_550_002, "Bea", "en")}
LINKED_PHONE = "anna"
LANGUAGE_CODES = ("fi", "sv", "en")
THERAPIST_ID = 5_550_101
THERAPIST_NAME = "Terhi"
STAFF_CHAT_ID = -1_005_550_000
STAFF_TITLE = "Lasten toimintaterapia"
CASE_LABEL = "Eetu 4 kk"
LINK_CODE_DAYS = 14
#: How many of the bot's latest calls the page lists.
CALLS_SHOWN = 60
#: The first bytes of the images a browser shows (PNG, JPEG, GIF, WebP).
IMAGE_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF")

JSON = dict[str, Any]


class DemoWorld:
    """The stand-in's demo chats and what the page may do in them."""

    def __init__(self, standin: BotApiStandIn, clock: DemoClock) -> None:
        self.standin = standin
        self.clock = clock
        self.phones: dict[str, SimUser] = {
            key: standin.user(user_id, name, language_code=language)
            for key, (user_id, name, language) in PHONES.items()
        }
        self.parent = self.phones[LINKED_PHONE]
        self.therapist: SimUser = standin.user(THERAPIST_ID, THERAPIST_NAME, language_code="fi")
        self.group: SimGroup = standin.group(STAFF_CHAT_ID, STAFF_TITLE, forum=True)
        self.group.set_member(self.therapist, "administrator")
        #: Who pressed each button (callback query id -> a phone's key or "staff").
        self._pressed_by: dict[str, str] = {}
        self.topic: int | None = None
        #: Counts what the page changes that neither the bot nor the clock shows.
        self.changes = 0

    # -- seeding ----------------------------------------------------------------------------

    async def seed(self, engine: Engine, secret: bytes) -> None:
        """Open the demo case, link the parent's chat with its link (as a parent who opened
        the link the therapist sent them), and book a visit in three days from its topic."""
        with unit_of_work(engine) as db:
            issued = open_case(db, label=CASE_LABEL, secret=secret, days=LINK_CODE_DAYS)
        self.parent.send_text(f"/start {issued.link_code}")
        await self.standin.wait_for(lambda: self._topic_of(issued.reference) is not None, 30)
        self.topic = self._topic_of(issued.reference)
        await self.standin.wait_idle(30)
        visit_day = self.clock() + timedelta(days=3)
        self.group.send_text(
            self.therapist, f"/visit {visit_day:%d.%m.%Y} 10.00 clinic", thread_id=self.topic
        )
        await self.standin.wait_idle(30)

    def _topic_of(self, reference: str) -> int | None:
        for thread, name in self.group.topics.items():
            if name.startswith(reference):
                return thread
        return None

    # -- what the page does -----------------------------------------------------------------

    def phone(self, who: str) -> SimUser:
        """A parent's phone by its key (KeyError when there is none)."""
        return self.phones[who]

    def phone_text(self, who: str, text: str) -> None:
        self.phone(who).send_text(text)

    def phone_press(self, who: str, message_id: int, data: str) -> None:
        self._pressed_by[self.phone(who).press(message_id, data)] = who

    def phone_photo(self, who: str, data: bytes, caption: str | None) -> None:
        parent = self.phone(who)
        record = self.standin._new_file("photo", data, "photo.jpg")
        media = self.standin._media_object("photo", record, {})
        self.standin._user_message(
            parent._chat, parent.user, kind="photo", caption=caption, media=media
        )

    def phone_language(self, who: str, language: str) -> None:
        """Set the phone's Telegram language: the bot follows it until a language is chosen
        in its own menu, or answers in it from a chat's first message."""
        if language not in LANGUAGE_CODES:
            raise ValueError(language)
        self.phone(who).user["language_code"] = language
        self.changes += 1

    def staff_text(self, text: str, thread: int | None, reply_to: int | None = None) -> None:
        self.group.send_text(self.therapist, text, thread_id=thread, reply_to=reply_to)

    def staff_press(self, message_id: int, data: str) -> None:
        self._pressed_by[self.group.press(self.therapist, message_id, data)] = "staff"

    def image(self, file_id: str) -> bytes | None:
        """A file's bytes when they are an image a browser can show."""
        record = self.standin._files.get(file_id)
        if record is None or not record.data.startswith(IMAGE_SIGNATURES):
            return None
        return record.data

    # -- what the page shows -----------------------------------------------------------------

    def version(self) -> int:
        """Changes whenever something on the page may have changed."""
        standin = self.standin
        return len(standin.calls) + standin._next_update_id + self.clock.moves + self.changes

    def snapshot(self) -> JSON:
        topics = self.group._chat.topics
        return {
            "version": self.version(),
            "now": self.clock().isoformat(),
            "phones": [
                {
                    "key": key,
                    "name": parent.user["first_name"],
                    "linked": key == LINKED_PHONE,
                    "language": parent.user.get("language_code"),
                    "messages": [self._message(m) for m in parent.messages()],
                }
                for key, parent in self.phones.items()
            ],
            "staff": {
                "title": STAFF_TITLE,
                "therapist": THERAPIST_NAME,
                "case_topic": self.topic,
                "topics": [
                    {"id": thread, "name": topic.name, "closed": topic.closed}
                    for thread, topic in topics.items()
                ],
                "messages": [
                    self._message(m) for m in self.group.messages() if m.kind != "service"
                ],
            },
            "popups": self._popups(),
            "calls": self._calls(),
            "problems": list(self.standin.violations[-10:]),
        }

    def _message(self, message: ChatMessage) -> JSON:
        text = message.content
        if not message.from_bot and text.startswith("/start "):
            text = "/start"  # Telegram's apps hide the link's code from the person too
        photo = message.media.get("photo")
        file_id = photo[-1]["file_id"] if isinstance(photo, list) and photo else None
        return {
            "id": message.message_id,
            "bot": message.from_bot,
            "from": (message.sender or {}).get("first_name", ""),
            "kind": message.kind,
            "text": text,
            "entities": message.entities if text == message.content else [],
            "image": file_id if file_id and self.image(file_id) is not None else None,
            "buttons": [
                [
                    {
                        "text": str(button.get("text", "")),
                        "data": button.get("callback_data"),
                        "url": button.get("url"),
                    }
                    for button in row
                ]
                for row in message.reply_markup
            ],
            "thread": message.message_thread_id,
            "reply_to": message.reply_to_message_id,
            "edited": message.edit_date is not None,
            "copied": message.copied_from is not None,
            "reactions": [r.get("emoji", "") for r in message.reactions],
            "date": message.date,
        }

    def _popups(self) -> list[JSON]:
        """The bot's answers to button presses that show a text, oldest first."""
        shown = []
        for number, call in enumerate(self.standin.calls_to("answerCallbackQuery")):
            text = call.params.get("text")
            if call.ok and text:
                side = self._pressed_by.get(str(call.params["callback_query_id"]), "staff")
                alert = bool(call.params.get("show_alert"))
                shown.append({"n": number, "side": side, "text": text, "alert": alert})
        return shown

    def _calls(self) -> list[JSON]:
        calls = [c for c in self.standin.calls if c.method != "getUpdates"][-CALLS_SHOWN:]
        return [
            {
                "method": c.method,
                "ok": c.ok,
                "chat": c.params.get("chat_id"),
                "thread": c.params.get("message_thread_id"),
                "error": c.description if not c.ok else None,
            }
            for c in calls
        ]
