"""The checks every Bot API method shares: the target chat, thread, reply, buttons and text,
and how a bot message is stored.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from bot.standin.core import Core
from bot.standin.errors import (
    BLOCKED,
    BUTTON_DATA_INVALID,
    CAPTION_LIMIT,
    CAPTION_TOO_LONG,
    CHAT_NOT_FOUND,
    TEXT_EMPTY,
    TEXT_LIMIT,
    TEXT_TOO_LONG,
    THREAD_NOT_FOUND,
    ApiError,
    JSONDict,
    _bad,
)
from bot.standin.formatting import render_text, utf16_len
from bot.standin.records import _BUTTON_ACTIONS, ChatMessage, _Chat, _Topic


class Checks(Core):
    """Checks and helpers shared by the Bot API methods."""

    def _now(self) -> int:
        return int(self.clock())

    def _find_chat(self, value: Any) -> _Chat | None:
        if isinstance(value, str):
            if value.startswith("@"):
                name = value[1:].lower()
                for chat in self._chats.values():
                    if str(chat.info.get("username", "")).lower() == name:
                        return chat
                return None
            try:
                value = int(value)
            except ValueError:
                return None
        if isinstance(value, int) and not isinstance(value, bool):
            return self._chats.get(value)
        return None

    def _target(self, params: dict[str, Any], key: str = "chat_id") -> _Chat:
        chat = self._find_chat(params.get(key))
        if chat is None:
            raise ApiError(HTTPStatus.BAD_REQUEST, CHAT_NOT_FOUND)
        return chat

    @staticmethod
    def _check_writable(chat: _Chat) -> None:
        if chat.type == "private":
            if chat.blocked:
                raise ApiError(HTTPStatus.FORBIDDEN, BLOCKED)
        elif chat.bot_status == "kicked":
            raise ApiError(
                HTTPStatus.FORBIDDEN, f"Forbidden: bot was kicked from the {chat.type} chat"
            )
        elif chat.bot_status == "left":
            raise ApiError(
                HTTPStatus.FORBIDDEN, f"Forbidden: bot is not a member of the {chat.type} chat"
            )

    @staticmethod
    def _check_thread(chat: _Chat, params: dict[str, Any]) -> int | None:
        thread_id = params.get("message_thread_id")
        if thread_id is None or chat.type == "private":
            return thread_id
        known = thread_id in chat.topics if chat.forum else chat.live(thread_id) is not None
        if not known:
            raise ApiError(HTTPStatus.BAD_REQUEST, THREAD_NOT_FOUND)
        return int(thread_id)

    @staticmethod
    def _check_reply(chat: _Chat, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict):
            return None
        target = reply.get("message_id")
        if chat.live(target) is None:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return int(reply["message_id"])

    @staticmethod
    def _check_markup(markup: Any) -> JSONDict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad(
                'can\'t parse inline keyboard button: field "inline_keyboard" must be '
                "an Array of Arrays"
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _bad("can't parse inline keyboard button: Text must be a String")
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                        raise ApiError(HTTPStatus.BAD_REQUEST, BUTTON_DATA_INVALID)
                elif "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not re.match(r"(https?|tg)://\S", url):
                        raise _bad(f"inline keyboard button URL {url!r} is invalid")
                elif not any(action in button for action in _BUTTON_ACTIONS):
                    raise _bad(
                        "can't parse inline keyboard button: Text buttons are "
                        "unallowed in the inline keyboard"
                    )
        return markup

    @staticmethod
    def _render_text(text: Any, parse_mode: Any) -> tuple[str, list[JSONDict]]:
        plain, entities = render_text(str(text), parse_mode)
        if not plain.strip():
            raise ApiError(HTTPStatus.BAD_REQUEST, TEXT_EMPTY)
        if utf16_len(plain) > TEXT_LIMIT:
            raise ApiError(HTTPStatus.BAD_REQUEST, TEXT_TOO_LONG)
        return plain, entities

    @staticmethod
    def _render_caption(caption: Any, parse_mode: Any) -> tuple[str | None, list[JSONDict]]:
        if caption is None:
            return None, []
        plain, entities = render_text(str(caption), parse_mode)
        if utf16_len(plain) > CAPTION_LIMIT:
            raise ApiError(HTTPStatus.BAD_REQUEST, CAPTION_TOO_LONG)
        return (plain or None), entities

    def _store(self, chat: _Chat, msg: ChatMessage) -> ChatMessage:
        msg.touched = next(self._touch_counter)
        chat.messages[msg.message_id] = msg
        return msg

    def _bot_message(self, chat: _Chat, params: dict[str, Any], **fields: Any) -> ChatMessage:
        thread_id = self._check_thread(chat, params)
        reply_to = self._check_reply(chat, params)
        msg = ChatMessage(
            chat=chat.info,
            message_id=chat.allocate_id(),
            date=self._now(),
            from_bot=True,
            sender=self._bot_user,
            message_thread_id=thread_id,
            is_topic_message=chat.forum and thread_id is not None,
            protect_content=bool(params.get("protect_content")),
            reply_to_message_id=reply_to,
            **fields,
        )
        return self._store(chat, msg)

    def _writable_target(self, params: dict[str, Any]) -> _Chat:
        chat = self._target(params)
        self._check_writable(chat)
        return chat

    def _create_topic(
        self, chat: _Chat, name: str, sender: JSONDict, icon_color: int, emoji: str | None
    ) -> ChatMessage:
        if not 1 <= len(name) <= 128:
            raise _bad("TOPIC_TITLE_EMPTY" if not name else "topic name is too long")
        thread_id = chat.allocate_id()
        created: JSONDict = {"name": name, "icon_color": icon_color}
        if emoji:
            created["icon_custom_emoji_id"] = emoji
        chat.topics[thread_id] = _Topic(name, icon_color, emoji)
        msg = ChatMessage(
            chat=chat.info,
            message_id=thread_id,
            date=self._now(),
            from_bot=sender is self._bot_user,
            sender=sender,
            kind="service",
            message_thread_id=thread_id,
            is_topic_message=True,
            extra={"forum_topic_created": created},
        )
        return self._store(chat, msg)

    def _drop_topic(self, chat: _Chat, thread_id: int) -> None:
        chat.topics.pop(thread_id, None)
        for msg in chat.messages.values():
            if msg.message_thread_id == thread_id:
                msg.deleted = True
        self._notify()
