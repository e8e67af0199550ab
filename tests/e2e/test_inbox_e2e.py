"""A linked family and their therapist hold a conversation through the bot."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import TOKEN, RunningBot
from sqlalchemy import delete, update
from support.family import (
    STAFF,
    guardian_of_two,
    linked_parent,
    new_case,
    open_code_page,
    plain,
    second_guardian,
    staff_group,
    topic_of,
    topic_says,
)
from support.family import staffed_bot as staffed_bot  # the fixture
from telegram import Bot

from bot.dialogs.customer import OUTCOMES
from bot.domain.inbox import FAMILY_NOTICES, STAFF_NOTICES
from bot.domain.linking import WRONG_PER_CHAT
from bot.i18n import Translator
from bot.standin import BotApiStandIn, SimUser
from bot.store.database import make_engine, unit_of_work
from bot.store.models import Conversation, LinkCode, utcnow


async def test_a_deep_link_links_the_chat_and_tells_the_topic(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    assert parent.last_bot_message().text == plain(translators["fi"](OUTCOMES["linked"]))
    topic = topic_of(standin, issued.reference)
    assert staff_group(standin).topics[topic] == f"{issued.reference} Eetu 4 kk"
    await standin.wait_for(lambda: bool(staff_group(standin).bot_messages(topic)))
    notice = staff_group(standin).last_bot_message(topic).text
    assert notice == translators["en"](STAFF_NOTICES["linked"], name="Anna")


async def test_a_typed_code_links_after_the_customer_button(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    issued = new_case(staffed_bot)
    parent = standin.user(9002, language_code="sv")
    parent.send_text("/start")
    await standin.wait_idle()
    parent.tap("redan")  # "I'm already a customer" in Swedish
    await standin.wait_idle()
    parent.tap(translators["sv"]("I have a code"))
    await standin.wait_idle()
    parent.send_text(issued.code.lower()[:4] + " " + issued.code.lower()[4:])
    await standin.wait_idle()
    assert parent.last_bot_message().text == plain(translators["sv"](OUTCOMES["linked"]))


async def test_wrong_expired_and_used_codes(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    _ = translators["en"]
    issued = new_case(staffed_bot)
    first = standin.user(9003, language_code="en")
    first.send_text(f"/start {issued.link_code}")
    other = standin.user(9004, language_code="en")
    other.send_text(f"/start {issued.link_code}")
    other.send_text("/start not-a-real-code")
    await standin.wait_idle()
    texts = [m.text for m in other.bot_messages()]
    assert texts == [plain(_(OUTCOMES["used"])), plain(_(OUTCOMES["wrong"]))]


@pytest.mark.both_databases
async def test_wrong_typed_codes_are_limited_per_chat(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    _ = translators["en"]
    guesser = standin.user(9005, language_code="en")
    await open_code_page(standin, guesser)
    for attempt in range(WRONG_PER_CHAT + 1):
        guesser.send_text(f"WRONG{attempt:03d}")
        await standin.wait_idle()
    replies = [m.text for m in guesser.bot_messages()[-(WRONG_PER_CHAT + 1) :]]
    assert replies[:WRONG_PER_CHAT] == [plain(_(OUTCOMES["wrong"]))] * WRONG_PER_CHAT
    assert replies[-1] == plain(_(OUTCOMES["too many"]))


@pytest.mark.both_databases
async def test_messages_go_both_ways_as_the_service(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    sent = parent.send_text("Eetu heräilee taas öisin")
    parent.send_photo(caption="kuva")
    await standin.wait_for(lambda: len(standin.calls_to("copyMessage")) == 2)
    copies = staff_group(standin).messages(topic)
    assert [m.copied_from for m in copies if m.copied_from] == [
        (9001, sent["message_id"]),
        (9001, sent["message_id"] + 1),
    ]
    await standin.wait_for(lambda: bool(standin.calls_to("setMessageReaction")))
    therapist = standin.user(7001, first_name="Terapeutti", language_code="fi")
    relayed = next(m for m in copies if m.copied_from == (9001, sent["message_id"]))
    staff_group(standin).send_text(
        therapist, "Kiitos, soitan huomenna.", thread_id=topic, reply_to=relayed.message_id
    )
    await standin.wait_for(lambda: len(standin.calls_to("copyMessage")) == 3)
    answer = parent.last_bot_message()
    assert answer.text == "Kiitos, soitan huomenna."
    assert answer.protect_content
    back = standin.calls_to("copyMessage")[-1].params
    assert back["reply_parameters"]["message_id"] == sent["message_id"]


async def test_staff_messages_outside_case_topics_go_nowhere(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    await linked_parent(standin, staffed_bot)
    therapist = standin.user(7001, language_code="fi")
    staff_group(standin).send_text(therapist, "Kahvia kellä?")
    other_topic = staff_group(standin).create_topic(therapist, "Yleinen")
    staff_group(standin).send_text(therapist, "Palaveri klo 10", thread_id=other_topic)
    await standin.wait_idle()
    assert standin.calls_to("copyMessage") == []


async def test_an_identity_code_is_held_back(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    parent.send_text("Eetun hetu on 131052-308T")
    await standin.wait_idle()
    assert parent.last_bot_message().text == translators["fi"](FAMILY_NOTICES["held_back"])
    topic = topic_of(standin, issued.reference)
    await standin.wait_for(
        lambda: (
            staff_group(standin).last_bot_message(topic).text
            == translators["en"](STAFF_NOTICES["held_back"])
        )
    )
    assert standin.calls_to("copyMessage") == []


async def test_a_deleted_topic_is_made_again_and_the_message_arrives(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    staff_group(standin).delete_topic(topic_of(standin, issued.reference))
    parent.send_text("Onko kukaan paikalla?")
    await standin.wait_for(lambda: any(c.ok for c in standin.calls_to("copyMessage")))
    assert len(standin.calls_to("createForumTopic")) == 2
    assert topic_of(standin, issued.reference)


@pytest.mark.parametrize(("status", "retry_after"), [(429, 1), (502, None)])
async def test_a_relay_that_meets_an_api_error_arrives_once(
    standin: BotApiStandIn, staffed_bot: RunningBot, status: int, retry_after: int | None
) -> None:
    parent, _issued = await linked_parent(standin, staffed_bot)
    standin.fail_next("copyMessage", status, retry_after=retry_after)
    parent.send_text("Hei")
    await standin.wait_for(lambda: any(c.ok for c in standin.calls_to("copyMessage")), timeout=10)
    assert sum(1 for c in standin.calls_to("copyMessage") if c.ok) == 1


@pytest.mark.both_databases
async def test_a_relay_waiting_in_the_outbox_survives_a_restart(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    parent, _issued = await linked_parent(standin, staffed_bot)
    standin.fail_next("copyMessage", 502, times=100)
    parent.send_text("Tärkeä viesti")
    await standin.wait_for(lambda: bool(standin.calls_to("copyMessage")))
    await staffed_bot.stop()
    standin.recover("copyMessage")
    await staffed_bot.start(standin)
    await standin.wait_for(lambda: any(c.ok for c in standin.calls_to("copyMessage")), timeout=15)


async def test_closing_tells_the_family_and_a_new_message_reopens(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    therapist = standin.user(7001, language_code="fi")
    staff_group(standin).send_text(therapist, "/close", thread_id=topic)
    closed = translators["fi"](FAMILY_NOTICES["closed"])
    await standin.wait_for(lambda: parent.last_bot_message().text == closed)
    parent.send_text("Vielä yksi kysymys")
    reopened = translators["en"](STAFF_NOTICES["reopened"])
    await standin.wait_for(
        lambda: any(m.text == reopened for m in staff_group(standin).bot_messages(topic))
    )
    staff_group(standin).send_text(therapist, "/status", thread_id=topic)
    await standin.wait_idle()
    assert "· open ·" in staff_group(standin).last_bot_message(topic).text


async def test_a_family_whose_language_the_bot_does_not_keep_is_told_in_english(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot, language="de")
    topic = topic_of(standin, issued.reference)
    with unit_of_work(staffed_bot.engine()) as db:
        db.execute(delete(Conversation))
    therapist = standin.user(7001, language_code="fi")
    staff_group(standin).send_text(therapist, "/close", thread_id=topic)
    closed = translators["en"](FAMILY_NOTICES["closed"])
    await standin.wait_for(lambda: parent.last_bot_message().text == closed)


async def test_the_store_keeps_none_of_their_words(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    parent.send_text("Salainen-sana-perheeltä")
    therapist = standin.user(7001, language_code="fi")
    staff_group(standin).send_text(therapist, "Salainen-sana-terapeutilta", thread_id=topic)
    await standin.wait_for(lambda: len([c for c in standin.calls_to("copyMessage") if c.ok]) == 2)
    await staffed_bot.stop()
    path = Path(staffed_bot.settings.database_url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"Salainen" not in stored
    await staffed_bot.start(standin)


async def answered(standin: BotApiStandIn, count: int) -> None:
    await standin.wait_for(
        lambda: len([c for c in standin.calls_to("copyMessage") if c.ok]) >= count
    )


async def test_a_therapist_can_edit_and_take_back_an_answer(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    therapist = standin.user(7001, language_code="fi")
    group = staff_group(standin)
    first = group.send_text(therapist, "Tervetuloa tiistaina", thread_id=topic)
    await answered(standin, 1)
    group.edit_text(therapist, first["message_id"], "Tervetuloa torstaina")
    await standin.wait_for(lambda: parent.last_bot_message().text == "Tervetuloa torstaina")
    group.send_text(therapist, "/undo", thread_id=topic, reply_to=first["message_id"])
    await standin.wait_for(lambda: bool(standin.calls_to("deleteMessage")))
    assert all(m.text != "Tervetuloa torstaina" for m in parent.bot_messages())
    undone = translators["en"](STAFF_NOTICES["undone"], count=1)
    await standin.wait_for(lambda: group.last_bot_message(topic).text == undone)


async def test_link_and_unlink_from_the_topic(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    therapist = standin.user(7001, language_code="fi")
    group = staff_group(standin)
    second = await second_guardian(standin, topic, therapist, 9010)
    assert second.last_bot_message().text == plain(translators["en"](OUTCOMES["linked"]))
    group.send_text(therapist, "/unlink", thread_id=topic)
    unlinked = translators["fi"](FAMILY_NOTICES["unlinked"])
    await standin.wait_for(lambda: parent.last_bot_message().text == unlinked)
    parent.send_text("Vieläkö tämä menee perille?")
    await standin.wait_idle()
    assert all(
        c.params.get("from_chat_id") != 9001 or c.params.get("message_id") != 0
        for c in standin.calls_to("copyMessage")
    )
    assert not [c for c in standin.calls_to("copyMessage") if c.params.get("from_chat_id") == 9001]


async def test_forget_unlinks_the_chat_and_tells_staff(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    parent.send_text("/forget")
    await standin.wait_idle()
    parent.tap(translators["fi"]("Yes, erase"))
    forgot = translators["en"](STAFF_NOTICES["forgot"])
    await standin.wait_for(lambda: topic_says(standin, topic, forgot))


async def test_anonymous_admins_do_not_act_as_staff(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    _parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    group = staff_group(standin)
    therapist = standin.user(7001, language_code="fi")
    message = group.send_text(therapist, "Hei, tässä terapeutti", thread_id=topic)
    anonymous = {
        **message,
        "message_id": message["message_id"] + 1000,
        "text": "Postattu ryhmän nimissä",
        "from": {
            "id": 1087968824,
            "is_bot": True,
            "first_name": "Group",
            "username": "GroupAnonymousBot",
        },
        "sender_chat": group.chat,
    }
    standin.push_update({"message": anonymous})
    await answered(standin, 1)
    await standin.wait_idle()
    sent = [c.params for c in standin.calls_to("copyMessage") if c.params["chat_id"] == 9001]
    assert [p["message_id"] for p in sent] == [message["message_id"]]


async def test_a_guardian_of_two_children_chooses_which_case_a_message_is_about(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, first, second = await guardian_of_two(standin, staffed_bot)
    sent = parent.send_text("Ainon asia")
    await standin.wait_idle()
    assert parent.last_bot_message().text == translators["fi"](FAMILY_NOTICES["which_child"])
    assert [label for label, _ in parent.last_bot_message().buttons()] == ["Aino 2 v", "Eetu 4 kk"]
    parent.tap("Aino")
    await answered(standin, 1)
    aino_topic = topic_of(standin, second.reference)
    copied = [m.copied_from for m in staff_group(standin).messages(aino_topic) if m.copied_from]
    assert copied == [(9001, sent["message_id"])]
    parent.send_text("Ja vielä")
    await answered(standin, 2)
    assert len([m for m in staff_group(standin).messages(aino_topic) if m.copied_from]) == 2
    assert first.reference != second.reference
    parent.send_text("/child")
    await standin.wait_idle()
    assert parent.last_bot_message().text == translators["fi"](FAMILY_NOTICES["which_child"])


async def test_a_relay_reaches_the_topic_within_two_seconds(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    parent, _issued = await linked_parent(standin, staffed_bot)
    loop = asyncio.get_running_loop()
    started = loop.time()
    parent.send_text("Nopeasti perille?")
    await standin.wait_for(lambda: any(c.ok for c in standin.calls_to("copyMessage")))
    assert loop.time() - started < 2.0


async def test_a_family_that_blocked_the_bot_is_reported_to_the_topic(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    parent.block_bot()
    therapist = standin.user(7001, language_code="fi")
    staff_group(standin).send_text(therapist, "Huomenta!", thread_id=topic)
    blocked = translators["en"](STAFF_NOTICES["blocked"])
    await standin.wait_for(lambda: topic_says(standin, topic, blocked))


async def test_a_timed_out_relay_is_not_sent_again_but_reported_uncertain(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    standin.delay("copyMessage", 7)  # longer than the bot waits for an answer
    parent.send_text("Tuleeko tämä perille?")
    uncertain = translators["en"](STAFF_NOTICES["uncertain"])
    await standin.wait_for(lambda: topic_says(standin, topic, uncertain), timeout=15)
    standin.delay("copyMessage", 0)
    assert len(standin.calls_to("copyMessage")) == 1


async def test_newcase_in_the_staff_group_gives_a_code_a_link_and_a_qr_code(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    therapist = standin.user(7001, language_code="fi")
    staff_group(standin).send_text(therapist, "/newcase Eetu 4 kk")
    await standin.wait_idle()
    posted = standin.calls_to("sendPhoto")[-1]
    assert posted.files, "the QR code is uploaded as a PNG"
    assert next(iter(posted.files.values())).startswith(b"\x89PNG")
    caption = posted.params["caption"]
    code = caption.split("<code>")[1].split("</code>")[0]
    parent = standin.user(9300, language_code="en")
    await open_code_page(standin, parent)
    parent.send_text(code)
    await standin.wait_idle()
    assert parent.last_bot_message().text == plain(translators["en"](OUTCOMES["linked"]))
    staff_group(standin).send_text(therapist, "/newcase 131052-308T")
    await standin.wait_idle()
    assert "not opened" in staff_group(standin).last_bot_message().text


async def test_an_expired_code_is_refused(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    issued = new_case(staffed_bot)
    engine = make_engine(staffed_bot.settings.database_url)
    with unit_of_work(engine) as db:
        db.execute(update(LinkCode).values(expires_at=utcnow() - timedelta(minutes=1)))
    engine.dispose()
    parent = standin.user(9400, language_code="en")
    parent.send_text(f"/start {issued.link_code}")
    await standin.wait_idle()
    assert parent.last_bot_message().text == plain(translators["en"](OUTCOMES["expired"]))


async def test_a_family_edit_reaches_staff_as_a_marked_update(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    sent = parent.send_text("Tulemme tiistaina")
    await answered(standin, 1)
    parent.edit_text(sent["message_id"], "Tulemme torstaina")
    edited = translators["en"](STAFF_NOTICES["edited"])
    await standin.wait_for(lambda: topic_says(standin, topic, edited))
    copies = [m.text for m in staff_group(standin).messages(topic) if m.copied_from]
    assert copies == ["Tulemme tiistaina", "Tulemme torstaina"]


async def test_one_guardian_can_be_unlinked_by_number(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    therapist = standin.user(7001, language_code="fi")
    group = staff_group(standin)
    second = await second_guardian(standin, topic, therapist, 9011)
    group.send_text(therapist, "/unlink 2", thread_id=topic)
    unlinked = translators["en"](FAMILY_NOTICES["unlinked"])
    await standin.wait_for(lambda: second.last_bot_message().text == unlinked)
    assert parent.last_bot_message().text != translators["fi"](FAMILY_NOTICES["unlinked"])
    group.send_text(therapist, "/status", thread_id=topic)
    await standin.wait_idle()
    assert "linked: 1 (1: " in group.last_bot_message(topic).text


def answers_from_staff(parent: SimUser) -> list[str]:
    return [m.text or "" for m in parent.bot_messages() if m.protect_content]


async def test_an_answer_in_a_topic_made_a_moment_ago_reaches_the_family(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    therapist = standin.user(7001, language_code="fi")
    issued = new_case(staffed_bot)
    # Telegram makes the topic at once, but its answer reaches the bot late.
    standin.delay("createForumTopic", 1.5)
    parent = standin.user(9001)
    parent.send_text(f"/start {issued.link_code}")
    await standin.wait_for(lambda: bool(staff_group(standin).topics))
    (topic,) = staff_group(standin).topics
    staff_group(standin).send_text(therapist, "Tervetuloa, olen Eetun terapeutti", topic)
    await standin.wait_for(lambda: bool(answers_from_staff(parent)), timeout=5)
    assert answers_from_staff(parent) == ["Tervetuloa, olen Eetun terapeutti"]
    standin.delay("createForumTopic", 0)
    parent.send_text("Kiitos!")
    await standin.wait_idle(timeout=10)
    assert list(staff_group(standin).topics) == [topic], "one topic for the case"
    assert staff_group(standin).last_bot_message(topic).text == "Kiitos!"


async def test_an_answer_in_a_topic_the_bot_never_noted_reaches_the_family(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    therapist = standin.user(7001, language_code="fi")
    noted = topic_of(standin, issued.reference)
    # A run of the bot made the case a topic and stopped before it noted it.
    async with Bot(TOKEN, base_url=standin.base_url) as stopped_run:
        orphan = await stopped_run.create_forum_topic(STAFF, f"{issued.reference} Eetu 4 kk")
    staff_group(standin).send_text(therapist, "Nähdään torstaina", orphan.message_thread_id)
    staff_group(standin).send_text(therapist, "Soittakaa jos tulee kysyttävää", noted)
    await standin.wait_idle(timeout=10)
    assert answers_from_staff(parent) == ["Nähdään torstaina", "Soittakaa jos tulee kysyttävää"]


async def test_a_topic_staff_named_like_a_case_is_no_case(
    standin: BotApiStandIn, staffed_bot: RunningBot
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    therapist = standin.user(7001, language_code="fi")
    lookalike = staff_group(standin).create_topic(therapist, f"{issued.reference} muistiot")
    staff_group(standin).send_text(therapist, "Vain meille", lookalike)
    await standin.wait_idle(timeout=10)
    assert answers_from_staff(parent) == []
