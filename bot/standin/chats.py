"""Chats, members and forum topics: ``getChat``, ``getChatMember``, ``leaveChat`` and the
forum topic methods.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from bot.standin.checks import Checks
from bot.standin.errors import THREAD_NOT_FOUND, ApiError, JSONDict, _bad
from bot.standin.records import _Chat, _member_dict, _Request, _Topic


class Chats(Checks):
    """Chats, their members and their forum topics."""

    def _leave_chat(self, req: _Request) -> bool:
        chat = self._target(req.params)
        if chat.type == "private":
            raise _bad("chat member status can't be changed in private chats")
        if chat.bot_status in {"left", "kicked"}:
            raise ApiError(
                HTTPStatus.FORBIDDEN, f"Forbidden: bot is not a member of the {chat.type} chat"
            )
        chat.bot_status = "left"
        return True

    def _get_chat(self, req: _Request) -> JSONDict:
        chat = self._target(req.params)
        return {
            **chat.info,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_chat_member(self, req: _Request) -> JSONDict:
        chat = self._target(req.params)
        user_id = req.params["user_id"]
        if user_id == self.bot_id:
            status = chat.bot_status if chat.type != "private" else "member"
            return _member_dict(self._bot_user, status)
        if user_id in chat.members:
            return chat.member(user_id)
        if chat.type == "private":
            raise _bad("user not found")
        known = self._users.get(user_id)
        user = known.user if known else {"id": user_id, "is_bot": False, "first_name": "?"}
        return _member_dict(user, "left")

    def _get_chat_administrators(self, req: _Request) -> list[JSONDict]:
        chat = self._target(req.params)
        admins = [
            chat.member(user_id)
            for user_id, (_user, status) in chat.members.items()
            if status in {"creator", "administrator"}
        ]
        if chat.bot_status == "administrator":
            admins.append(_member_dict(self._bot_user, "administrator"))
        problems = self._schema.check("Array of ChatMember", admins)
        if problems:
            raise AssertionError(f"the stand-in's administrators break the schema: {problems}")
        return admins

    def _get_chat_member_count(self, req: _Request) -> int:
        chat = self._target(req.params)
        people = sum(1 for _, s in chat.members.values() if s not in {"left", "kicked"})
        return people + (0 if chat.bot_status in {"left", "kicked"} else 1)

    def _forum(self, params: dict[str, Any]) -> _Chat:
        chat = self._writable_target(params)
        if not chat.forum:
            raise _bad("the chat is not a forum")
        if chat.bot_status not in {"administrator", "creator"}:
            raise _bad("not enough rights to manage topics")
        return chat

    def _topic(self, params: dict[str, Any]) -> tuple[_Chat, _Topic]:
        chat = self._forum(params)
        topic = chat.topics.get(params["message_thread_id"])
        if topic is None:
            raise ApiError(HTTPStatus.BAD_REQUEST, THREAD_NOT_FOUND)
        return chat, topic

    def _create_forum_topic(self, req: _Request) -> JSONDict:
        params = req.params
        chat = self._forum(params)
        color = int(params.get("icon_color", 7322096))
        emoji = params.get("icon_custom_emoji_id")
        msg = self._create_topic(chat, str(params["name"]), self._bot_user, color, emoji)
        result: JSONDict = {
            "message_thread_id": msg.message_id,
            **msg.extra["forum_topic_created"],
        }
        return result

    def _edit_forum_topic(self, req: _Request) -> bool:
        _, topic = self._topic(req.params)
        name = req.params.get("name", topic.name)
        emoji = req.params.get("icon_custom_emoji_id", topic.icon_custom_emoji_id)
        if name == topic.name and emoji == topic.icon_custom_emoji_id:
            raise _bad("TOPIC_NOT_MODIFIED")
        if not 1 <= len(str(name)) <= 128:
            raise _bad("TOPIC_TITLE_EMPTY")
        topic.name, topic.icon_custom_emoji_id = str(name), emoji or None
        return True

    def _close_forum_topic(self, req: _Request) -> bool:
        _, topic = self._topic(req.params)
        if topic.closed:
            raise _bad("TOPIC_NOT_MODIFIED")
        topic.closed = True
        return True

    def _reopen_forum_topic(self, req: _Request) -> bool:
        _, topic = self._topic(req.params)
        if not topic.closed:
            raise _bad("TOPIC_NOT_MODIFIED")
        topic.closed = False
        return True

    def _delete_forum_topic(self, req: _Request) -> bool:
        chat, _ = self._topic(req.params)
        self._drop_topic(chat, int(req.params["message_thread_id"]))
        return True
