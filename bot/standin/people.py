"""Simulated people: a person in a private chat with the bot (:class:`SimUser`) and a
group (:class:`SimGroup`); each pushes realistic updates into the stand-in.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.standin.errors import JSONDict
from bot.standin.records import ChatMessage, _Chat, _member_dict


class _World(Protocol):
    """What the simulated people ask of the stand-in (:class:`~bot.standin.BotApiStandIn`)."""

    newcomer_status: str

    @property
    def bot_user(self) -> JSONDict: ...

    def push_update(self, update: JSONDict) -> int: ...

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
    ) -> JSONDict: ...

    def _user_media(
        self, kind: str, params: JSONDict, file_name: str | None = None
    ) -> JSONDict: ...

    def _user_edit(
        self, chat: _Chat, sender: JSONDict, message_id: int, text: str
    ) -> JSONDict: ...

    def _press(
        self, chat: _Chat, sender: JSONDict, message_id: int, data: str, check: bool
    ) -> str: ...

    def _member_update(
        self,
        chat: _Chat,
        by: JSONDict,
        old: JSONDict,
        new: JSONDict,
        kind: str = "my_chat_member",
    ) -> JSONDict: ...

    def _create_topic(
        self, chat: _Chat, name: str, sender: JSONDict, icon_color: int, emoji: str | None
    ) -> ChatMessage: ...

    def _drop_topic(self, chat: _Chat, thread_id: int) -> None: ...

    def _last_bot_message(
        self, chat: _Chat, thread_id: int | None = None, *, any_thread: bool = True
    ) -> ChatMessage: ...


def _as_user_dict(user: SimUser | JSONDict) -> JSONDict:
    return user.user if isinstance(user, SimUser) else user


class SimUser:
    """A person in a private chat with the bot (chat id = user id).

    Each ``send_*`` pushes an update and returns the ``Message`` dict it carried.
    """

    def __init__(self, standin: _World, chat: _Chat, user: JSONDict) -> None:
        self._standin = standin
        self._chat = chat
        self.user = user
        """The Telegram ``User`` dict (as it appears in ``from``)."""

    def __repr__(self) -> str:
        return f"SimUser({self.id}, {self.user['first_name']!r})"

    @property
    def id(self) -> int:
        return int(self.user["id"])

    @property
    def chat_id(self) -> int:
        return self._chat.id

    @property
    def blocked(self) -> bool:
        return self._chat.blocked

    def _send(self, **fields: Any) -> JSONDict:
        if self._chat.blocked:  # writing to the bot again means restarting it
            self.unblock_bot()
        return self._standin._user_message(self._chat, self.user, **fields)

    def send_text(self, text: str, *, reply_to: int | None = None) -> JSONDict:
        """Type and send ``text`` (a leading "/command" gets its bot_command entity)."""
        return self._send(text=text, reply_to=reply_to)

    def send_sticker(self, emoji: str = "👍") -> JSONDict:
        media = self._standin._user_media("sticker", {"emoji": emoji})
        return self._send(kind="sticker", media=media)

    def send_photo(self, caption: str | None = None) -> JSONDict:
        return self._send(
            kind="photo", caption=caption, media=self._standin._user_media("photo", {})
        )

    def send_voice(self, duration: int = 4) -> JSONDict:
        media = self._standin._user_media("voice", {"duration": duration})
        return self._send(kind="voice", media=media)

    def send_video(self, caption: str | None = None) -> JSONDict:
        media = self._standin._user_media("video", {"duration": 7})
        return self._send(kind="video", caption=caption, media=media)

    def send_document(
        self, file_name: str = "lausunto.pdf", caption: str | None = None
    ) -> JSONDict:
        media = self._standin._user_media("document", {}, file_name)
        media["document"]["mime_type"] = "application/pdf"
        return self._send(kind="document", caption=caption, media=media)

    def send_location(self, latitude: float = 60.1699, longitude: float = 24.9384) -> JSONDict:
        location = {"latitude": latitude, "longitude": longitude}
        return self._send(kind="location", extra={"location": location})

    def edit_text(self, message_id: int, new_text: str) -> JSONDict:
        """Edit one of this user's messages: pushes an ``edited_message`` update."""
        return self._standin._user_edit(self._chat, self.user, message_id, new_text)

    def press(self, message_id: int, data: str, *, check: bool = True) -> str:
        """Tap an inline button: pushes a callback_query; returns the query id.

        With ``check`` (default) the message must carry a button with that data.
        """
        return self._standin._press(self._chat, self.user, message_id, data, check)

    def tap(self, label_substring: str) -> str:
        """Tap the button labelled ``label_substring`` on the bot's latest message."""
        msg = self.last_bot_message()
        return self.press(msg.message_id, msg.button(label_substring))

    def block_bot(self) -> JSONDict:
        """Block the bot: sends to this chat now fail with 403; pushes my_chat_member."""
        self._chat.blocked = True
        bot = self._standin.bot_user
        return self._standin._member_update(
            self._chat, self.user, _member_dict(bot, "member"), _member_dict(bot, "kicked")
        )

    def unblock_bot(self) -> JSONDict:
        self._chat.blocked = False
        bot = self._standin.bot_user
        return self._standin._member_update(
            self._chat, self.user, _member_dict(bot, "kicked"), _member_dict(bot, "member")
        )

    def last_bot_message(self) -> ChatMessage:
        """The message the bot most recently sent or edited here (AssertionError if none)."""
        return self._standin._last_bot_message(self._chat)

    def bot_messages(self) -> list[ChatMessage]:
        """The bot's live messages in this chat, oldest first, as they read now."""
        return [m for m in self._chat.messages.values() if m.from_bot and not m.deleted]

    def messages(self) -> list[ChatMessage]:
        """Every live message in this chat (the user's and the bot's), oldest first."""
        return [m for m in self._chat.messages.values() if not m.deleted]

    def button(self, label_substring: str) -> str:
        """Callback data (or url) of the button containing ``label_substring`` on the
        bot's latest message."""
        return self.last_bot_message().button(label_substring)


class SimGroup:
    """A group or supergroup (optionally a forum with topics) the bot is in."""

    def __init__(self, standin: _World, chat: _Chat) -> None:
        self._standin = standin
        self._chat = chat

    def __repr__(self) -> str:
        return f"SimGroup({self.id}, {self.title!r})"

    @property
    def id(self) -> int:
        return self._chat.id

    @property
    def title(self) -> str:
        return str(self._chat.info["title"])

    @property
    def chat(self) -> JSONDict:
        """The Telegram ``Chat`` dict."""
        return self._chat.info

    @property
    def bot_status(self) -> str:
        return self._chat.bot_status

    @property
    def topics(self) -> dict[int, str]:
        """Open (not deleted) topics: thread id -> name."""
        return {tid: topic.name for tid, topic in self._chat.topics.items()}

    def set_member(self, user: SimUser | JSONDict, status: str = "member") -> None:
        """Record a person's status here ("creator", "administrator", "member", ...)."""
        user_dict = _as_user_dict(user)
        self._chat.members[int(user_dict["id"])] = (user_dict, status)

    def add_bot(self, by_user: SimUser | JSONDict, *, admin: bool = True) -> JSONDict:
        """``by_user`` adds the bot: pushes my_chat_member (left -> administrator/member)."""
        by = _as_user_dict(by_user)
        status = "administrator" if admin else "member"
        self._chat.bot_status = status
        bot = self._standin.bot_user
        return self._standin._member_update(
            self._chat, by, _member_dict(bot, "left"), _member_dict(bot, status)
        )

    def remove_bot(self, by_user: SimUser | JSONDict) -> JSONDict:
        """``by_user`` removes the bot: pushes my_chat_member (-> kicked)."""
        by = _as_user_dict(by_user)
        old = self._chat.bot_status
        self._chat.bot_status = "kicked"
        bot = self._standin.bot_user
        return self._standin._member_update(
            self._chat, by, _member_dict(bot, old), _member_dict(bot, "kicked")
        )

    def change_member(
        self,
        user: SimUser | JSONDict,
        status: str,
        *,
        by: SimUser | JSONDict | None = None,
        rights: bool = False,
    ) -> JSONDict:
        """A person's status here changes to ``status`` ("member" to join, "administrator"
        to be promoted — by default with every right off —, "member" again to be demoted,
        "left", "kicked", "restricted"): pushes the ``chat_member`` update Telegram sends
        (only to a bot that asked for it in allowed_updates). ``by`` is who changed it
        (the person themself when they join or leave)."""
        user_dict = _as_user_dict(user)
        user_id = int(user_dict["id"])
        old = (
            self._chat.member(user_id)
            if user_id in self._chat.members
            else _member_dict(user_dict, "left")
        )
        self._chat.members[user_id] = (user_dict, status)
        if rights:
            self._chat.rights_off.discard(user_id)
        else:
            self._chat.rights_off.add(user_id)
        new = self._chat.member(user_id)
        actor = _as_user_dict(by) if by is not None else user_dict
        return self._standin._member_update(self._chat, actor, old, new, kind="chat_member")

    def join(self, user: SimUser | JSONDict) -> JSONDict:
        """``user`` joins the group (pushes ``chat_member``: left -> member)."""
        return self.change_member(user, "member")

    def promote(self, user: SimUser | JSONDict, *, by: SimUser | JSONDict) -> JSONDict:
        """``by`` makes ``user`` an administrator with no rights switched on."""
        return self.change_member(user, "administrator", by=by)

    def demote(self, user: SimUser | JSONDict, *, by: SimUser | JSONDict) -> JSONDict:
        """``by`` takes the admin role away: ``user`` stays a member."""
        return self.change_member(user, "member", by=by)

    def _sender(self, user: SimUser | JSONDict) -> JSONDict:
        """Someone writing here who was never added is recorded with the stand-in's
        :attr:`BotApiStandIn.newcomer_status` (no update is pushed for that)."""
        user_dict = _as_user_dict(user)
        if int(user_dict["id"]) not in self._chat.members:
            status = self._standin.newcomer_status
            self.set_member(user_dict, status)
            if status == "administrator":
                self._chat.rights_off.add(int(user_dict["id"]))
        return user_dict

    def send_text(
        self,
        user: SimUser | JSONDict,
        text: str,
        thread_id: int | None = None,
        *,
        reply_to: int | None = None,
    ) -> JSONDict:
        """``user`` writes ``text`` in the group (in topic ``thread_id``)."""
        return self._standin._user_message(
            self._chat, self._sender(user), text=text, thread_id=thread_id, reply_to=reply_to
        )

    def send_photo(
        self, user: SimUser | JSONDict, caption: str | None = None, thread_id: int | None = None
    ) -> JSONDict:
        media = self._standin._user_media("photo", {})
        return self._standin._user_message(
            self._chat,
            self._sender(user),
            kind="photo",
            caption=caption,
            media=media,
            thread_id=thread_id,
        )

    def edit_text(self, user: SimUser | JSONDict, message_id: int, new_text: str) -> JSONDict:
        return self._standin._user_edit(self._chat, _as_user_dict(user), message_id, new_text)

    def create_topic(self, user: SimUser | JSONDict, name: str) -> int:
        """``user`` opens a topic: pushes the forum_topic_created message; returns its id."""
        if not self._chat.forum:
            raise AssertionError(f"group {self.id} is not a forum")
        msg = self._standin._create_topic(self._chat, name, self._sender(user), 7322096, None)
        self._standin.push_update({"message": msg.to_dict()})
        return msg.message_id

    def delete_topic(self, thread_id: int) -> None:
        """A person deletes a topic with all its messages (Telegram sends no update)."""
        self._standin._drop_topic(self._chat, thread_id)

    def press(
        self, user: SimUser | JSONDict, message_id: int, data: str, *, check: bool = True
    ) -> str:
        """``user`` taps an inline button on a bot message here; returns the query id."""
        return self._standin._press(self._chat, self._sender(user), message_id, data, check)

    def last_bot_message(self, thread_id: int | None = None) -> ChatMessage:
        """The bot's most recently sent or edited message (in topic ``thread_id`` if given)."""
        return self._standin._last_bot_message(self._chat, thread_id, any_thread=thread_id is None)

    def bot_messages(self, thread_id: int | None = None) -> list[ChatMessage]:
        """The bot's live messages (in topic ``thread_id`` if given), oldest first."""
        return [
            m
            for m in self._chat.messages.values()
            if m.from_bot
            and not m.deleted
            and m.kind != "service"
            and (thread_id is None or m.message_thread_id == thread_id)
        ]

    def messages(self, thread_id: int | None = None) -> list[ChatMessage]:
        """Every live message (in topic ``thread_id`` if given), oldest first."""
        return [
            m
            for m in self._chat.messages.values()
            if not m.deleted and (thread_id is None or m.message_thread_id == thread_id)
        ]

    def button(self, label_substring: str, thread_id: int | None = None) -> str:
        return self.last_bot_message(thread_id).button(label_substring)
