"""Simulated people: making them (:meth:`Acting.user`, :meth:`Acting.group`) and what they do,
as updates: messages, edits, button presses, member changes."""

from __future__ import annotations

from bot.standin.checks import Checks
from bot.standin.errors import JSONDict
from bot.standin.files import Files
from bot.standin.people import SimGroup, SimUser
from bot.standin.records import _BOT_COMMAND, ChatMessage, _Chat


class Acting(Checks, Files):
    """Simulated people and what they do, as updates (for SimUser and SimGroup)."""

    def user(
        self,
        user_id: int,
        first_name: str = "Anna",
        language_code: str | None = "fi",
        username: str | None = None,
    ) -> SimUser:
        """A person with a private chat with the bot (chat id = user id)."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        info: JSONDict = {"id": user_id, "type": "private", "first_name": first_name}
        if username is not None:
            info["username"] = username
        chat = _Chat(user_id, "private", info)
        chat.members[user_id] = (user, "member")
        self._chats[user_id] = chat
        sim = SimUser(self, chat, user)
        self._users[user_id] = sim
        return sim

    def group(
        self,
        chat_id: int,
        title: str = "Some group",
        *,
        forum: bool = False,
        type: str = "supergroup",
        bot_status: str = "administrator",
    ) -> SimGroup:
        """A group (``type`` "group"/"supergroup"; ``forum`` for topics).

        The bot is already in it with ``bot_status`` (so it may send at once);
        :meth:`SimGroup.add_bot` pushes the my_chat_member update of being added.
        """
        existing = self._groups.get(chat_id)
        if existing is not None:
            return existing
        info: JSONDict = {"id": chat_id, "type": type, "title": title}
        if forum:
            info["is_forum"] = True
        chat = _Chat(chat_id, type, info, forum=forum, bot_status=bot_status)
        self._chats[chat_id] = chat
        sim = SimGroup(self, chat)
        self._groups[chat_id] = sim
        return sim

    def _user_message(
        self,
        chat: _Chat,
        sender: JSONDict,
        *,
        kind: str = "text",
        text: str | None = None,
        caption: str | None = None,
        media: JSONDict | None = None,
        extra: JSONDict | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        if thread_id is not None and chat.forum and thread_id not in chat.topics:
            raise AssertionError(f"chat {chat.id} has no open topic {thread_id}")
        extra = dict(extra or {})
        if text is not None:
            command = _BOT_COMMAND.match(text)
            if command:
                extra["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(command.group(0))}
                ]
        if reply_to is not None:
            target = chat.live(reply_to)
            if target is None:
                raise AssertionError(f"no message {reply_to} to reply to in chat {chat.id}")
            extra["reply_to_message"] = target.to_dict()
        elif thread_id is not None and chat.forum:
            # As Telegram does: a message in a topic replies to the topic's first message
            # (the one that says who created the topic and its name).
            opening = chat.live(thread_id)
            if opening is not None:
                extra["reply_to_message"] = opening.to_dict()
        msg = ChatMessage(
            chat=chat.info,
            message_id=chat.allocate_id(),
            date=self._now(),
            from_bot=False,
            sender=sender,
            kind=kind,
            text=text,
            caption=caption,
            media=media or {},
            message_thread_id=thread_id,
            is_topic_message=chat.forum and thread_id is not None,
            reply_to_message_id=reply_to,
            extra=extra,
        )
        self._store(chat, msg)
        message = msg.to_dict()
        self.push_update({"message": message})
        return message

    def _user_media(self, kind: str, params: JSONDict, file_name: str | None = None) -> JSONDict:
        data = f"simulated {kind} {next(self._file_counter)}".encode()
        record = self._new_file(kind, data, file_name)
        return self._media_object(kind, record, params)

    def _user_edit(self, chat: _Chat, sender: JSONDict, message_id: int, text: str) -> JSONDict:
        msg = chat.live(message_id)
        if msg is None or msg.from_bot or msg.sender is None or msg.sender["id"] != sender["id"]:
            raise AssertionError(f"user {sender['id']} has no message {message_id} to edit")
        if msg.text is None:
            msg.caption = text
        else:
            msg.text = text
        msg.edit_date = self._now()
        message = msg.to_dict()
        self.push_update({"edited_message": message})
        return message

    def _press(
        self, chat: _Chat, sender: JSONDict, message_id: int, data: str, check: bool
    ) -> str:
        msg = chat.live(message_id)
        if msg is None or not msg.from_bot:
            raise AssertionError(f"no bot message {message_id} to press in chat {chat.id}")
        if check and data not in [target for _, target in msg.buttons()]:
            raise AssertionError(
                f"message {message_id} has no button with data {data!r}; "
                f"buttons: {msg.buttons()!r}"
            )
        query_id = f"{chat.id & 0xFFFFFF}{next(self._callback_counter):08d}"
        query: JSONDict = {
            "id": query_id,
            "from": sender,
            "message": msg.to_dict(),
            "chat_instance": f"{abs(chat.id) * 7919 % 10**12}",
            "data": data,
        }
        self._open_callbacks[query_id] = query
        self.push_update({"callback_query": query})
        return query_id

    def _member_update(
        self,
        chat: _Chat,
        by: JSONDict,
        old: JSONDict,
        new: JSONDict,
        kind: str = "my_chat_member",
    ) -> JSONDict:
        update: JSONDict = {
            kind: {
                "chat": chat.info,
                "from": by,
                "date": self._now(),
                "old_chat_member": old,
                "new_chat_member": new,
            }
        }
        self.push_update(update)
        return update

    @staticmethod
    def _last_bot_message(
        chat: _Chat, thread_id: int | None = None, *, any_thread: bool = True
    ) -> ChatMessage:
        candidates = [
            m
            for m in chat.messages.values()
            if m.from_bot
            and not m.deleted
            and m.kind != "service"
            and (any_thread or m.message_thread_id == thread_id)
        ]
        if not candidates:
            where = f"chat {chat.id}" + ("" if any_thread else f" topic {thread_id}")
            raise AssertionError(f"the bot has no message in {where}")
        return max(candidates, key=lambda m: m.touched)
