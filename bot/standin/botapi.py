"""A local stand-in for the Telegram Bot API, for end-to-end tests and benchmarks.

The stand-in is an aiohttp server on 127.0.0.1 that answers the HTTP requests
python-telegram-bot makes the way Telegram does: same URLs, same body encodings, same
JSON envelopes and the error descriptions listed in DESIGN.md ("Testing"). It checks every
call against the Bot API schema (``bot/standin/schema/api.json``) and records it, so a test can
say what the bot sent and a fixture can assert that the bot never broke the contract::

    async with BotApiStandIn() as standin:
        anna = standin.user(1001, "Anna", language_code="fi")
        anna.send_text("/start")
        call = await standin.wait_for_call("sendMessage")
        assert "Hei" in anna.last_bot_message().text
        assert standin.violations == []

Configure the bot with ``base_url=f"{standin.url}/bot"`` (and
``base_file_url=f"{standin.url}/file/bot"``).

Simulated people (:class:`SimUser`, :class:`SimGroup`) push realistic updates; the bot reads
them with ``getUpdates`` (long polling, offsets, 409 conflicts) or receives them on a
webhook set with ``setWebhook``. Faults are injected with :meth:`BotApiStandIn.fail_next`
and :meth:`BotApiStandIn.delay`.

Deliberate simplifications (documented so nobody trusts them by accident):

* bare ``&`` and ``<`` in ``parse_mode=HTML`` text are errors (Telegram is lenient with a
  bare ``&``; the bot must escape anyway), Markdown is not parsed;
* ``getUpdates`` accepts a fractional ``timeout`` so tests can long-poll briefly;
* a schema violation (unknown or missing parameter, wrong JSON type) is answered with 400,
  where Telegram would often silently ignore an unknown parameter;
* webhook updates are POSTed one at a time, in order; an answer other than 2xx (or none,
  within :attr:`BotApiStandIn.webhook_timeout`) is followed by the same update again, after a
  short backoff. The public HTTPS URL given to ``setWebhook`` reaches a local listener through
  :meth:`BotApiStandIn.route_webhook`, the way a reverse proxy would pass it on.

:class:`BotApiStandIn` is composed of parts by area, each a module here: ``core`` (the state,
one ``__init__``; chats and the update queue), ``server`` (HTTP, schema checks, recording,
dispatch), ``faults`` (injected failures, delays, flood control), ``waiting`` (what tests wait
for), ``checks`` (what every method checks), ``files``, ``updates`` (getUpdates, webhooks),
``messages``, ``chats`` (members, forum topics), ``profile`` (commands, descriptions) and
``acting`` (simulated people's actions). Beside them: ``errors`` (Telegram's error texts),
``schema``, ``formatting`` (HTML entities), ``records`` (calls, chats, files) and ``people``
(:class:`SimUser`, :class:`SimGroup`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.standin.acting import Acting
from bot.standin.chats import Chats
from bot.standin.files import Files
from bot.standin.messages import Messages
from bot.standin.profile import Profile
from bot.standin.records import _MEDIA_KINDS, _Request
from bot.standin.server import Server
from bot.standin.updates import Updates
from bot.standin.waiting import Waiting


class BotApiStandIn(Server, Waiting, Updates, Messages, Chats, Profile, Acting, Files):
    """A Telegram Bot API server on 127.0.0.1 that records and checks every call.

    State worth reading in tests: :attr:`calls`, :attr:`violations`, :attr:`commands`,
    :attr:`scoped_commands`, :attr:`descriptions`, :attr:`short_descriptions`,
    :attr:`names`, :attr:`menu_buttons`, :attr:`callback_answers`, :attr:`webhook`.
    """

    def _method_handlers(self) -> dict[str, Callable[[_Request], Any]]:
        handlers: dict[str, Callable[[_Request], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "copyMessage": self._copy_message,
            "copyMessages": self._copy_messages,
            "forwardMessage": self._forward_message,
            "forwardMessages": self._forward_messages,
            "sendMediaGroup": self._send_media_group,
            "setMessageReaction": self._set_message_reaction,
            "sendChatAction": self._send_chat_action,
            "answerCallbackQuery": self._answer_callback_query,
            "leaveChat": self._leave_chat,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMemberCount": self._get_chat_member_count,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": self._set_my_description,
            "getMyDescription": self._get_my_description,
            "setMyShortDescription": self._set_my_short_description,
            "getMyShortDescription": self._get_my_short_description,
            "setMyName": self._set_my_name,
            "getMyName": self._get_my_name,
            "createForumTopic": self._create_forum_topic,
            "editForumTopic": self._edit_forum_topic,
            "closeForumTopic": self._close_forum_topic,
            "reopenForumTopic": self._reopen_forum_topic,
            "deleteForumTopic": self._delete_forum_topic,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getFile": self._get_file,
        }
        for method in _MEDIA_KINDS:
            handlers[method] = self._send_media
        return handlers
