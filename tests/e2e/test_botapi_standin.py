"""The Bot API stand-in answers python-telegram-bot the way Telegram does."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import html
import ssl
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    ChatMemberAdministrator,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.standin import ApiError, BotApiStandIn
from bot.standin.errors import (
    BUTTON_DATA_INVALID,
    CHAT_NOT_FOUND,
    EDIT_NOT_FOUND,
    NOT_MODIFIED,
    QUERY_INVALID,
    TEXT_EMPTY,
    TEXT_TOO_LONG,
    THREAD_NOT_FOUND,
)
from bot.standin.formatting import parse_html, utf16_len

PARENT_ID = 1001


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn() as server:
        yield server
        assert server.violations == []


# One TLS context for every client: httpx would build a new one (~50 ms) per client.
_TLS = ssl.create_default_context()


def make_bot(standin: BotApiStandIn, token: str | None = None) -> Bot:
    return Bot(
        token or standin.token,
        base_url=standin.base_url,
        base_file_url=standin.base_file_url,
        request=HTTPXRequest(httpx_kwargs={"verify": _TLS}),
        get_updates_request=HTTPXRequest(httpx_kwargs={"verify": _TLS}),
    )


@pytest.fixture
async def bot(standin: BotApiStandIn) -> AsyncIterator[Bot]:
    async with make_bot(standin) as client:
        yield client


def yes_no(yes: str = "yes", no: str = "no") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Kyllä", callback_data=yes),
                InlineKeyboardButton("Ei", callback_data=no),
            ]
        ]
    )


# -- connecting -------------------------------------------------------------------------


async def test_the_bot_learns_who_it_is(standin: BotApiStandIn, bot: Bot) -> None:
    assert bot.username == "otbot_test_bot"
    assert bot.id == 123456
    me = standin.calls_to("getme")[0].result
    assert me["is_bot"] is True
    assert me["first_name"] == "otbot"
    assert me["can_join_groups"] is True
    assert me["can_read_all_group_messages"] is False
    assert me["supports_inline_queries"] is False


async def test_a_wrong_token_is_unauthorized(standin: BotApiStandIn) -> None:
    with pytest.raises(InvalidToken):
        async with make_bot(standin, "654321:WRONG"):
            pass
    assert standin.calls[-1].status == 401
    assert standin.calls[-1].response == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }


async def test_an_unknown_method_is_not_found(standin: BotApiStandIn, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")
    assert standin.calls[-1].status == 404
    assert standin.calls[-1].description == "Not Found"
    assert standin.violations == ["sendTelepathy: not a Bot API method"]
    standin.violations.clear()


async def test_a_forged_parameter_is_a_violation(standin: BotApiStandIn, bot: Bot) -> None:
    standin.user(PARENT_ID)
    with pytest.raises(BadRequest, match="nonsense"):
        await bot.send_message(PARENT_ID, "Hei", api_kwargs={"nonsense": 1})
    assert len(standin.violations) == 1
    assert "sendMessage" in standin.violations[0]
    assert "nonsense" in standin.violations[0]
    standin.violations.clear()


async def test_method_names_are_case_insensitive_and_json_bodies_work(
    standin: BotApiStandIn,
) -> None:
    standin.user(PARENT_ID)
    async with aiohttp.ClientSession() as session:
        url = f"{standin.base_url}{standin.token}/SENDMESSAGE"
        async with session.post(url, json={"chat_id": PARENT_ID, "text": "123"}) as resp:
            body = await resp.json()
        async with session.get(
            f"{standin.base_url}{standin.token}/getMyCommands?language_code=fi"
        ) as resp:
            assert (await resp.json()) == {"ok": True, "result": []}
    assert body["ok"] is True
    assert body["result"]["text"] == "123"
    call = standin.calls_to("sendMessage")[0]
    assert call.method == "sendMessage"
    assert call.params == {"chat_id": PARENT_ID, "text": "123"}


# -- sending -------------------------------------------------------------------------


async def test_a_sent_message_reads_as_the_parent_sees_it(
    standin: BotApiStandIn, bot: Bot
) -> None:
    anna = standin.user(PARENT_ID, "Anna")
    sent = await bot.send_message(
        PARENT_ID,
        "<b>Hei</b> &amp; tervetuloa 😀 <i>Anna</i>",
        parse_mode=ParseMode.HTML,
        reply_markup=yes_no(),
    )
    assert sent.text == "Hei & tervetuloa 😀 Anna"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 3),
        ("italic", 20, 4),  # the emoji counts as two UTF-16 units
    ]
    assert sent.from_user is not None
    assert sent.from_user.id == bot.id
    last = anna.last_bot_message()
    assert last.message_id == sent.message_id
    assert last.text == "Hei & tervetuloa 😀 Anna"
    assert last.buttons() == [("Kyllä", "yes"), ("Ei", "no")]
    assert last.reply_markup == [
        [{"text": "Kyllä", "callback_data": "yes"}, {"text": "Ei", "callback_data": "no"}]
    ]
    assert anna.button("Ky") == "yes"
    with pytest.raises(AssertionError, match="Kyllä"):
        anna.button("Maybe")


async def test_text_parameters_stay_strings(standin: BotApiStandIn, bot: Bot) -> None:
    standin.user(PARENT_ID)
    await bot.send_message(PARENT_ID, "123")
    await bot.send_message(PARENT_ID, "true")
    texts = [c.params["text"] for c in standin.calls_to("sendMessage")]
    assert texts == ["123", "true"]
    assert standin.calls_to("sendMessage")[0].params["chat_id"] == PARENT_ID


async def test_message_ids_are_shared_by_both_sides_of_a_chat(
    standin: BotApiStandIn, bot: Bot
) -> None:
    anna = standin.user(PARENT_ID)
    first = anna.send_text("Hei")
    reply = await bot.send_message(PARENT_ID, "Moi")
    second = anna.send_text("Kiitos")
    assert (first["message_id"], reply.message_id, second["message_id"]) == (1, 2, 3)
    assert [m.message_id for m in anna.messages()] == [1, 2, 3]
    assert [m.text for m in anna.bot_messages()] == ["Moi"]


async def test_editing_changes_what_the_parent_sees(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    first = await bot.send_message(PARENT_ID, "Question?", reply_markup=yes_no())
    await bot.send_message(PARENT_ID, "Later message")
    edited = await bot.edit_message_text("Answered", PARENT_ID, first.message_id)
    assert edited is not True
    assert edited.text == "Answered"
    # editing without reply_markup removes the keyboard, like Telegram
    assert anna.last_bot_message().message_id == first.message_id
    assert anna.last_bot_message().buttons() == []
    assert [m.text for m in anna.bot_messages()] == ["Answered", "Later message"]
    await bot.edit_message_reply_markup(PARENT_ID, first.message_id, reply_markup=yes_no("a", "b"))
    assert anna.button("Ei") == "b"
    await bot.delete_message(PARENT_ID, first.message_id)
    assert [m.text for m in anna.bot_messages()] == ["Later message"]


async def test_a_photo_upload_arrives_as_multipart(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    picture = b"\x89PNG\r\n\x1a\n not really a picture"
    sent = await bot.send_photo(
        PARENT_ID, photo=picture, caption="<i>Kuva</i>", parse_mode=ParseMode.HTML
    )
    call = standin.calls_to("sendPhoto")[0]
    assert call.files == {"photo": picture}
    assert call.params["caption"] == "<i>Kuva</i>"
    assert call.params["chat_id"] == PARENT_ID
    assert sent.caption == "Kuva"
    assert anna.last_bot_message().kind == "photo"
    photo_file = await bot.get_file(sent.photo[-1].file_id)
    assert bytes(await photo_file.download_as_bytearray()) == picture
    # a file id is reusable; an invented one is not
    again = await bot.send_photo(PARENT_ID, photo=sent.photo[-1].file_id)
    assert again.photo[-1].file_unique_id == sent.photo[-1].file_unique_id
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(PARENT_ID, photo="no-such-file-id")


async def test_an_album_attaches_its_files(standin: BotApiStandIn, bot: Bot) -> None:
    standin.user(PARENT_ID)
    album = await bot.send_media_group(
        PARENT_ID, [InputMediaPhoto(b"first", caption="1"), InputMediaPhoto(b"second")]
    )
    assert len(album) == 2
    assert album[0].media_group_id == album[1].media_group_id is not None
    assert sorted(standin.calls_to("sendMediaGroup")[0].files.values()) == [b"first", b"second"]


async def test_relay_to_a_case_topic_by_copy(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    staff = standin.group(-1001234, "Staff", forum=True)
    therapist = standin.user(2002, "Tiina")
    topic = await bot.create_forum_topic(staff.id, "Case 17")
    assert staff.topics == {topic.message_thread_id: "Case 17"}
    asked = anna.send_text("Vauva itkee paljon")
    copied = await bot.copy_message(
        staff.id, PARENT_ID, asked["message_id"], message_thread_id=topic.message_thread_id
    )
    in_topic = staff.last_bot_message(topic.message_thread_id)
    assert in_topic.message_id == copied.message_id
    assert in_topic.text == "Vauva itkee paljon"
    assert in_topic.copied_from == (PARENT_ID, asked["message_id"])
    answer = staff.send_text(therapist, "Soitan huomenna", topic.message_thread_id)
    assert answer["message_thread_id"] == topic.message_thread_id
    assert answer["is_topic_message"] is True
    await bot.copy_message(PARENT_ID, staff.id, answer["message_id"], protect_content=True)
    relayed = anna.last_bot_message()
    assert relayed.text == "Soitan huomenna"
    assert relayed.protect_content is True
    await bot.delete_forum_topic(staff.id, topic.message_thread_id)
    assert staff.topics == {}
    with pytest.raises(BadRequest, match=r"(?i)thread not found"):
        await bot.send_message(staff.id, "Hello?", message_thread_id=topic.message_thread_id)
    assert standin.calls[-1].description == THREAD_NOT_FOUND


async def test_chats_and_members_parse_in_ptb(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID, "Anna", username="anna_h")
    staff = standin.group(-1001234, "Staff", forum=True)
    staff.set_member(anna, "creator")
    chat = await bot.get_chat(staff.id)
    assert chat.title == "Staff"
    assert chat.is_forum is True
    me = await bot.get_chat_member(staff.id, bot.id)
    assert me.status == ChatMemberStatus.ADMINISTRATOR
    owner = await bot.get_chat_member(staff.id, PARENT_ID)
    assert owner.status == ChatMemberStatus.OWNER
    assert (await bot.get_chat("@anna_h")).id == PARENT_ID
    await bot.leave_chat(staff.id)
    with pytest.raises(Forbidden, match="not a member"):
        await bot.send_message(staff.id, "Still here?")


async def test_commands_profile_and_menu_are_remembered(standin: BotApiStandIn, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Aloita")], language_code="fi")
    await bot.set_my_commands(
        [BotCommand("help", "Hjälp")], scope=BotCommandScopeAllPrivateChats(), language_code="sv"
    )
    assert standin.commands == {"fi": [{"command": "start", "description": "Aloita"}]}
    assert standin.scoped_commands[("all_private_chats", "sv")][0]["command"] == "help"
    assert [c.command for c in await bot.get_my_commands(language_code="fi")] == ["start"]
    assert await bot.get_my_commands() == ()
    await bot.delete_my_commands(language_code="fi")
    assert standin.commands == {}
    await bot.set_my_description("Toimintaterapia", language_code="fi")
    await bot.set_my_short_description("Lyhyt")
    await bot.set_my_name("Otto", language_code="fi")
    assert (await bot.get_my_description("fi")).description == "Toimintaterapia"
    assert standin.short_descriptions == {"": "Lyhyt"}
    assert standin.names == {"fi": "Otto"}
    await bot.set_chat_menu_button()
    assert standin.menu_buttons == {None: {"type": "default"}}


# -- errors, as Telegram words them -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    [
        ("", None, TEXT_EMPTY),
        ("   ", None, TEXT_EMPTY),
        ("<b></b>", ParseMode.HTML, TEXT_EMPTY),
        ("x" * 4097, None, TEXT_TOO_LONG),
        ("😀" * 2049, None, TEXT_TOO_LONG),
        ("<b>" + "x" * 4097 + "</b>", ParseMode.HTML, TEXT_TOO_LONG),
        ("line<br>break", ParseMode.HTML, "Bad Request: can't parse entities: "),
        ("<b>open", ParseMode.HTML, "Bad Request: can't parse entities: "),
        ("<b><i>x</b></i>", ParseMode.HTML, "Bad Request: can't parse entities: "),
        ("1 < 2", ParseMode.HTML, "Bad Request: can't parse entities: "),
        ("salt & pepper", ParseMode.HTML, "Bad Request: can't parse entities: "),
        ("<span>x</span>", ParseMode.HTML, "Bad Request: can't parse entities: "),
    ],
)
async def test_bad_texts_are_refused(
    standin: BotApiStandIn, bot: Bot, text: str, parse_mode: str | None, description: str
) -> None:
    standin.user(PARENT_ID)
    with pytest.raises(BadRequest):
        await bot.send_message(PARENT_ID, text, parse_mode=parse_mode)
    assert standin.calls[-1].status == 400
    assert str(standin.calls[-1].description).startswith(description)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 4096,
        "😀" * 2048,
        "<b>" + "x" * 4096 + "</b>",
        "&amp;" * 4096,
        '<a href="https://hel.fi/?a=1&amp;b=2">x</a> <tg-spoiler>s</tg-spoiler>',
        '<span class="tg-spoiler">s</span> <blockquote expandable>q</blockquote>',
        '<pre><code class="language-python">x &lt; 1</code></pre> a &gt; b &#228; &#x1F600;',
        "1 > 0",
    ],
)
async def test_good_texts_pass(standin: BotApiStandIn, bot: Bot, text: str) -> None:
    standin.user(PARENT_ID)
    await bot.send_message(PARENT_ID, text, parse_mode=ParseMode.HTML)


@pytest.mark.parametrize("data", ["x" * 65, "ä" * 33, ""])
async def test_callback_data_must_be_1_to_64_bytes(
    standin: BotApiStandIn, bot: Bot, data: str
) -> None:
    standin.user(PARENT_ID)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data=data)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(PARENT_ID, "Choose", reply_markup=markup)
    assert standin.calls[-1].description == BUTTON_DATA_INVALID
    await bot.send_message(
        PARENT_ID,
        "Choose",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="ö" * 32)]]),
    )


async def test_an_identical_edit_is_not_modified(standin: BotApiStandIn, bot: Bot) -> None:
    standin.user(PARENT_ID)
    sent = await bot.send_message(PARENT_ID, "Same", reply_markup=yes_no())
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("Same", PARENT_ID, sent.message_id, reply_markup=yes_no())
    assert standin.calls[-1].description == NOT_MODIFIED
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_reply_markup(PARENT_ID, sent.message_id, reply_markup=yes_no())
    await bot.edit_message_text("Same", PARENT_ID, sent.message_id)  # drops the keyboard


async def test_editing_a_missing_message(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("New", PARENT_ID, 999)
    assert standin.calls[-1].description == EDIT_NOT_FOUND
    own = anna.send_text("mine")
    with pytest.raises(BadRequest, match="can't be edited"):
        await bot.edit_message_text("New", PARENT_ID, own["message_id"])


async def test_an_unknown_chat_is_not_found(standin: BotApiStandIn, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="not found"):
        await bot.send_message(424242, "Anyone?")
    assert standin.calls[-1].description == CHAT_NOT_FOUND


async def test_a_callback_is_answered_once(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    await bot.send_message(PARENT_ID, "Confirm the visit?", reply_markup=yes_no())
    query_id = anna.tap("Kyllä")
    (update,) = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.id == query_id
    assert update.callback_query.data == "yes"
    assert update.callback_query.message is not None
    assert update.callback_query.message.reply_markup == yes_no()
    assert await bot.answer_callback_query(query_id, "Kiitos")
    assert standin.callback_answers[query_id]["text"] == "Kiitos"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    assert standin.calls[-1].description == QUERY_INVALID
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("no-such-query")
    late = anna.tap("Ei")
    standin.expire_callback_queries()
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(late)
    with pytest.raises(AssertionError, match="no button"):
        anna.press(anna.last_bot_message().message_id, "forged")


async def test_a_blocked_bot_is_forbidden(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    sent = await bot.send_message(PARENT_ID, "Hei")
    anna.block_bot()
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(PARENT_ID, "Are you there?")
    with pytest.raises(Forbidden):
        await bot.edit_message_text("Edited", PARENT_ID, sent.message_id)
    with pytest.raises(Forbidden):
        await bot.copy_message(PARENT_ID, PARENT_ID, sent.message_id)
    anna.send_text("/start")  # writing again restarts the bot
    await bot.send_message(PARENT_ID, "Welcome back")
    kinds = [
        u.my_chat_member.new_chat_member.status
        for u in await bot.get_updates()
        if u.my_chat_member
    ]
    assert kinds == [ChatMemberStatus.BANNED, ChatMemberStatus.MEMBER]


async def test_injected_faults(standin: BotApiStandIn, bot: Bot) -> None:
    standin.user(PARENT_ID)
    standin.fail_next("sendMessage", retry_after=3)
    with warnings.catch_warnings():  # PTB warns about its own int -> timedelta migration
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(PARENT_ID, "Hei")
        assert caught.value.retry_after in (3, dtm.timedelta(seconds=3))
    assert standin.calls[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    standin.fail_next("sendmessage", 502, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(PARENT_ID, "Hei")
    await bot.send_message(PARENT_ID, "Hei")
    assert [c.status for c in standin.calls_to("sendMessage")] == [429, 502, 502, 200]
    with pytest.raises(ValueError, match="not a Bot API method"):
        standin.fail_next("sendTelepathy")


async def test_a_slow_answer_still_sends(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    standin.delay("sendMessage", 0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(PARENT_ID, "Did this arrive?", read_timeout=0.05)
    assert [m.text for m in anna.bot_messages()] == ["Did this arrive?"]
    standin.delay("sendMessage", 0)
    await bot.send_message(PARENT_ID, "Quick", read_timeout=0.5)


async def test_one_hung_call_then_answers_at_once(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    standin.hang_next("sendMessage", 0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(PARENT_ID, "Did this arrive?", read_timeout=0.05)
    await bot.send_message(PARENT_ID, "Quick", read_timeout=0.3)
    assert [m.text for m in anna.bot_messages()] == ["Did this arrive?", "Quick"]


# -- updates ----------------------------------------------------------------------------


async def test_a_long_poll_returns_when_a_parent_writes(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID, "Anna")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await standin.wait_for(lambda: standin.polling)
    started = time.monotonic()
    anna.send_text("/start koodi")
    (update,) = await poll
    assert time.monotonic() - started < 0.5
    assert update.message is not None
    assert update.message.text == "/start koodi"
    assert update.message.from_user is not None
    assert update.message.from_user.language_code == "fi"
    assert update.message.chat.type == "private"
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/start")


async def test_an_empty_long_poll_times_out(standin: BotApiStandIn, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=0.1) == ()  # type: ignore[arg-type]
    assert 0.08 < time.monotonic() - started < 1.0


async def test_offsets_confirm_updates_for_good(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    ids = [standin.push_update({"message": anna.send_text(str(i))}) for i in range(2)]
    assert standin.pending_updates() == 4  # send_text pushed too; push_update re-pushed
    standin.skip_update_ids(10)
    jumped = anna.send_text("after the gap")
    updates = await bot.get_updates()
    assert [u.update_id for u in updates][-1] == ids[-1] + 11
    assert jumped["text"] == "after the gap"
    assert len(await bot.get_updates(offset=updates[1].update_id + 1)) == 3
    assert standin.pending_updates() == 3
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()
    assert standin.pending_updates() == 0
    assert await bot.get_updates(offset=1) == ()  # confirmed updates are gone


async def test_limit_and_allowed_updates(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    for i in range(5):
        anna.send_text(f"m{i}")
    standin.group(-1001234, "Staff").join(standin.user(2002))  # not asked for by default
    assert len(await bot.get_updates(limit=2)) == 2
    assert len(await bot.get_updates(limit=100)) == 5
    assert standin.pending_updates() == 5
    anna.edit_text(1, "m0, edited")
    updates = await bot.get_updates(allowed_updates=["edited_message"])
    assert [u.edited_message.text for u in updates if u.edited_message] == ["m0, edited"]


async def test_members_change_in_chat_member_updates_and_administrators_are_listed(
    standin: BotApiStandIn, bot: Bot
) -> None:
    owner = standin.user(PARENT_ID, "Olli")
    therapist = standin.user(2002, "Terhi")
    staff = standin.group(-1001234, "Staff", forum=True)
    staff.set_member(owner, "creator")
    staff.join(therapist)
    staff.promote(therapist, by=owner)
    updates = await bot.get_updates(allowed_updates=["chat_member"])
    changes = [u.chat_member for u in updates if u.chat_member]
    assert [(c.old_chat_member.status, c.new_chat_member.status) for c in changes] == [
        (ChatMemberStatus.LEFT, ChatMemberStatus.MEMBER),
        (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR),
    ]
    assert changes[1].from_user.id == PARENT_ID
    promoted = changes[1].new_chat_member
    assert isinstance(promoted, ChatMemberAdministrator)
    assert not promoted.can_manage_chat
    assert not promoted.can_delete_messages
    admins = await bot.get_chat_administrators(staff.id)
    assert {a.user.id for a in admins} == {PARENT_ID, 2002, bot.id}
    staff.demote(therapist, by=owner)
    admins = await bot.get_chat_administrators(staff.id)
    assert {a.user.id for a in admins} == {PARENT_ID, bot.id}
    answer = standin.calls_to("getChatAdministrators")[-1].result
    assert standin.schema_problems("Array of ChatMember", answer) == []


def test_the_schema_check_refuses_a_malformed_member(standin: BotApiStandIn) -> None:
    user = {"id": 1, "is_bot": False, "first_name": "A"}
    assert standin.schema_problems("ChatMember", {"status": "member", "user": user}) == []
    assert standin.schema_problems("ChatMember", {"status": "left", "user": user, "until_date": 0})
    assert standin.schema_problems("ChatMember", {"status": "administrator", "user": user})
    with pytest.raises(AssertionError, match="schema refuses"):
        standin.push_update({"chat_member": {}})


async def test_a_second_poller_terminates_the_first(standin: BotApiStandIn, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await standin.wait_for(lambda: standin.polling)
    async with make_bot(standin) as second_instance:
        assert await second_instance.get_updates() == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


@contextlib.asynccontextmanager
async def hook_server(
    hook: Callable[[web.Request], Awaitable[web.Response]],
) -> AsyncIterator[int]:
    """A local webhook receiver on a free port, posting to `hook`; yields the port."""
    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


async def test_webhook_delivers_and_blocks_polling(standin: BotApiStandIn, bot: Bot) -> None:
    received: list[tuple[dict[str, Any], str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.Response()

    async with hook_server(hook) as port:
        anna = standin.user(PARENT_ID)
        with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
            await bot.set_webhook(f"http://127.0.0.1:{port}/hook")
        with pytest.raises(BadRequest, match=r"(?i)ports 80, 88, 443 or 8443"):
            await bot.set_webhook("https://bot.example.org:8080/hook")
        with pytest.raises(BadRequest, match=r"(?i)secret token"):
            await bot.set_webhook("https://bot.example.org/hook", secret_token="not secret")
        standin.route_webhook("https://bot.example.org", f"http://127.0.0.1:{port}")
        await bot.set_webhook("https://bot.example.org/hook", secret_token="s3cret")
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        anna.send_text("via webhook")
        await standin.wait_idle()
        assert received[0][0]["message"]["text"] == "via webhook"
        assert received[0][1] == "s3cret"
        assert standin.webhook_answers == [(1, 200)]
        info = await bot.get_webhook_info()
        assert info.url == "https://bot.example.org/hook"
        assert info.pending_update_count == 0
        assert await bot.delete_webhook()
        assert await bot.get_updates() == ()


async def test_simulated_people_make_updates_ptb_understands(
    standin: BotApiStandIn, bot: Bot
) -> None:
    anna = standin.user(PARENT_ID, "Anna", language_code="sv", username="anna")
    therapist = standin.user(2002, "Tiina")
    staff = standin.group(-1001234, "Staff", forum=True)
    anna.send_sticker()
    anna.send_photo(caption="kuva")
    anna.send_voice()
    anna.send_location()
    anna.send_document()
    anna.send_video()
    staff.add_bot(therapist)
    thread_id = staff.create_topic(therapist, "Case 1")
    staff.send_text(therapist, "/start@otbot_test_bot", thread_id)
    updates: tuple[Update, ...] = await bot.get_updates()
    messages = [u.message for u in updates if u.message]
    assert messages[0].sticker is not None
    assert messages[1].photo
    assert messages[1].caption == "kuva"
    assert messages[2].voice is not None
    assert messages[3].location is not None
    assert messages[4].document is not None
    assert messages[4].document.file_name == "lausunto.pdf"
    assert messages[5].video is not None
    assert messages[6].forum_topic_created is not None
    assert messages[7].message_thread_id == thread_id
    assert messages[7].entities[0].length == len("/start@otbot_test_bot")
    added = [u.my_chat_member for u in updates if u.my_chat_member]
    assert added[0].new_chat_member.status == ChatMemberStatus.ADMINISTRATOR
    voice = await bot.get_file(messages[2].voice.file_id)
    assert bytes(await voice.download_as_bytearray()).startswith(b"simulated voice")
    await bot.send_message(-1001234, "Bot in topic", message_thread_id=thread_id)
    assert staff.last_bot_message(thread_id).text == "Bot in topic"


# -- waiting --------------------------------------------------------------------------


async def test_wait_for_call_hands_out_each_call_once(standin: BotApiStandIn, bot: Bot) -> None:
    standin.user(PARENT_ID)
    await bot.send_message(PARENT_ID, "one")
    later = asyncio.create_task(standin.wait_for_call("sendMessage"))
    first = await later
    second = asyncio.create_task(standin.wait_for_call("sendmessage", lambda c: c.ok))
    await bot.send_message(PARENT_ID, "two")
    assert [first.params["text"], (await second).params["text"]] == ["one", "two"]
    with pytest.raises(TimeoutError, match="no sendMessage call"):
        await standin.wait_for_call("sendMessage", timeout=0.05)


async def test_wait_idle_waits_for_confirmation(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    anna.send_text("hei")
    idle = asyncio.create_task(standin.wait_idle())
    updates = await bot.get_updates()
    await asyncio.sleep(0)
    assert not idle.done()
    await bot.get_updates(offset=updates[-1].update_id + 1)
    await idle
    anna.send_text("again")
    with pytest.raises(TimeoutError, match="unconfirmed"):
        await standin.wait_idle(timeout=0.05)


async def test_thousands_of_updates_are_quick(standin: BotApiStandIn, bot: Bot) -> None:
    anna = standin.user(PARENT_ID)
    for i in range(1000):
        anna.send_text(f"m{i}")
    started = time.monotonic()
    offset = None
    seen = 0
    while seen < 1000:
        batch = await bot.get_updates(offset=offset, limit=100)
        seen += len(batch)
        offset = batch[-1].update_id + 1
    await bot.get_updates(offset=offset)
    assert standin.pending_updates() == 0
    assert time.monotonic() - started < 1.5


# -- the HTML parser itself ------------------------------------------------------------------


def test_html_entities_and_offsets() -> None:
    plain, entities = parse_html('a <b>bold <i>both</i></b> <a href="https://x.fi">l&amp;k</a>')
    assert plain == "a bold both l&k"
    assert entities == [
        {"type": "bold", "offset": 2, "length": 9},
        {"type": "italic", "offset": 7, "length": 4},
        {"type": "text_link", "offset": 12, "length": 3, "url": "https://x.fi"},
    ]
    with pytest.raises(ApiError) as caught:
        parse_html("<b>x</i>")
    assert "Unmatched end tag" in caught.value.description


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_escaped_text_always_parses_to_itself(text: str) -> None:
    plain, entities = parse_html(html.escape(text, quote=False))
    assert plain == text
    assert entities == []
    assert utf16_len(text) == len(text.encode("utf-16-le")) // 2


async def test_webhook_delivers_again_until_answered_with_2xx(
    standin: BotApiStandIn, bot: Bot
) -> None:
    statuses = [200, 500, 200]
    received: list[int] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((await request.json())["update_id"])
        return web.Response(status=statuses.pop(0))

    async with hook_server(hook) as port:
        standin.route_webhook("https://bot.example.org:8443", f"http://127.0.0.1:{port}")
        await bot.set_webhook("https://bot.example.org:8443/hook", secret_token="s3cret")
        standin.lose_webhook_answers(1)
        standin.user(PARENT_ID).send_text("twice")
        await standin.wait_idle()
        assert received == [1, 1, 1]
        assert standin.webhook_answers == [(1, None), (1, 500), (1, 200)]
        info = await bot.get_webhook_info()
        assert "500" in (info.last_error_message or "")
