"""What the stand-in keeps: recorded calls, chats with their messages and topics, files, and
the decoded request a method handler is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from bot.standin.errors import JSONDict
from bot.standin.schema import _Method


@dataclass
class Call:
    """One HTTP request the bot made, as the stand-in decoded and answered it."""

    method: str
    """Canonical camelCase name from the schema (as requested if it is not in the schema)."""
    params: dict[str, Any]
    """Decoded parameters (query string, form, multipart text parts or JSON body)."""
    files: dict[str, bytes]
    """Uploaded multipart file parts by part name (``photo`` or an ``attach://`` name)."""
    status: int
    response: JSONDict
    consumed: bool = field(default=False, repr=False, compare=False)
    """Set when :meth:`BotApiStandIn.wait_for_call` has handed this call out."""
    at: float = field(default=0.0, compare=False)
    """When the request arrived (the event loop's clock)."""

    @property
    def ok(self) -> bool:
        return self.status == HTTPStatus.OK

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        return self.response.get("description")


def _chat_key(params: dict[str, Any]) -> int:
    """The chat a call is about (0 when none), for per-chat delays."""
    value = params.get("chat_id", 0)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@dataclass
class ChatMessage:
    """A message in a simulated chat: sent by the bot or by a simulated person.

    ``text``/``caption`` are what the reader sees (HTML tags removed, entities unescaped);
    ``source`` is the raw text the bot sent. ``reply_markup`` is the inline keyboard as
    rows of button dicts (``[]`` when there is none); ``markup`` is the markup as sent
    (also reply keyboards).
    """

    chat: JSONDict
    message_id: int
    date: int
    from_bot: bool
    sender: JSONDict | None
    kind: str = "text"
    text: str | None = None
    caption: str | None = None
    entities: list[JSONDict] = field(default_factory=list)
    source: str | None = None
    parse_mode: str | None = None
    media: JSONDict = field(default_factory=dict)
    markup: JSONDict | None = None
    message_thread_id: int | None = None
    is_topic_message: bool = False
    copied_from: tuple[int, int] | None = None
    forwarded_from: tuple[int, int] | None = None
    protect_content: bool = False
    media_group_id: str | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    reactions: list[JSONDict] = field(default_factory=list)
    extra: JSONDict = field(default_factory=dict)
    touched: int = field(default=0, repr=False)

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def reply_markup(self) -> list[list[JSONDict]]:
        if self.markup is None:
            return []
        rows = self.markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else []

    @property
    def content(self) -> str:
        """The text, or the caption, or ``""``."""
        return self.text if self.text is not None else (self.caption or "")

    def buttons(self) -> list[tuple[str, str]]:
        """Inline buttons, flattened: ``(label, callback_data or url)``."""
        out: list[tuple[str, str]] = []
        for row in self.reply_markup:
            for button in row:
                target = button.get("callback_data", button.get("url", ""))
                out.append((str(button.get("text", "")), str(target)))
        return out

    def button(self, label_substring: str) -> str:
        """The callback data (or url) of the first button whose label contains the text."""
        for label, target in self.buttons():
            if label_substring in label:
                return target
        raise AssertionError(
            f"no button containing {label_substring!r} on message {self.message_id} "
            f"({self.content[:60]!r}); buttons: {self.buttons()!r}"
        )

    def to_dict(self) -> JSONDict:
        """The Telegram ``Message`` object."""
        msg: JSONDict = {"message_id": self.message_id, "date": self.date, "chat": self.chat}
        if self.sender is not None:
            msg["from"] = self.sender
        if self.message_thread_id is not None:
            msg["message_thread_id"] = self.message_thread_id
            if self.is_topic_message:
                msg["is_topic_message"] = True
        if self.text is not None:
            msg["text"] = self.text
            if self.entities:
                msg["entities"] = self.entities
        if self.caption:
            msg["caption"] = self.caption
            if self.entities:
                msg["caption_entities"] = self.entities
        msg.update(self.media)
        if self.media_group_id is not None:
            msg["media_group_id"] = self.media_group_id
        if self.reply_markup:
            msg["reply_markup"] = {"inline_keyboard": self.reply_markup}
        if self.edit_date is not None:
            msg["edit_date"] = self.edit_date
        if self.protect_content:
            msg["has_protected_content"] = True
        msg.update(self.extra)
        return msg


@dataclass
class _Topic:
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False


@dataclass
class _Chat:
    id: int
    type: str
    info: JSONDict
    forum: bool = False
    next_message_id: int = 1
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    topics: dict[int, _Topic] = field(default_factory=dict)
    blocked: bool = False
    bot_status: str = "member"
    members: dict[int, tuple[JSONDict, str]] = field(default_factory=dict)
    #: Administrators with every right switched off (how therapists are made staff).
    rights_off: set[int] = field(default_factory=set)

    def member(self, user_id: int) -> JSONDict:
        user, status = self.members[user_id]
        return _member_dict(user, status, rights=user_id not in self.rights_off)

    def allocate_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def live(self, message_id: Any) -> ChatMessage | None:
        msg = self.messages.get(message_id) if isinstance(message_id, int) else None
        return None if msg is None or msg.deleted else msg


@dataclass
class _File:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None


_MEDIA_KINDS = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendVoice": "voice",
    "sendVideo": "video",
    "sendAudio": "audio",
    "sendAnimation": "animation",
    "sendSticker": "sticker",
    "sendVideoNote": "video_note",
}
_MIME = {
    "photo": "image/jpeg",
    "document": "application/octet-stream",
    "voice": "audio/ogg",
    "video": "video/mp4",
    "audio": "audio/mpeg",
    "animation": "video/mp4",
    "sticker": "image/webp",
    "video_note": "video/mp4",
}
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")


_RESTRICTED_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_react_to_messages",
    "can_edit_tag",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
)


def _member_dict(user: JSONDict, status: str, *, rights: bool = True) -> JSONDict:
    """A ``ChatMember`` of ``status``; an administrator without ``rights`` has every right
    switched off (how a therapist is made staff)."""
    member: JSONDict = {"status": status, "user": user}
    if status == "administrator":
        member.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=rights,
            can_delete_messages=rights,
            can_manage_video_chats=rights,
            can_restrict_members=rights,
            can_promote_members=False,
            can_change_info=rights,
            can_invite_users=rights,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_pin_messages=rights,
            can_manage_topics=rights,
        )
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    elif status == "restricted":
        member.update(is_member=True, until_date=0)
        member.update(dict.fromkeys(_RESTRICTED_RIGHTS, False))
        member["can_send_messages"] = True
    return member


class _Poll:
    __slots__ = ("terminated",)

    def __init__(self) -> None:
        self.terminated: str | None = None


@dataclass
class _Request:
    spec: _Method
    params: dict[str, Any]
    files: dict[str, bytes]
    filenames: dict[str, str]
