"""Identity codes never reach the other side: not from a family (text, caption, file name,
edit, a message held while a guardian of several children chooses the child) and not from
a therapist (a reply or an edit); whoever wrote it is told why."""

from __future__ import annotations

import pytest
from conftest import RunningBot
from support.family import guardian_of_two, linked_parent, staff_group, topic_of
from support.family import staffed_bot as staffed_bot  # the fixture, with this staff language

from bot.domain.inbox import FAMILY_NOTICES, STAFF_NOTICES
from bot.i18n import Translator
from bot.standin import BotApiStandIn


@pytest.fixture
def staff_language() -> str:
    """The staff group speaks Finnish here: its notices are in Finnish."""
    return "fi"


def copies(standin: BotApiStandIn) -> list[dict[str, object]]:
    return [call.params for call in standin.calls_to("copyMessage") if call.ok]


async def test_every_way_of_writing_a_code_is_held_back(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    held = translators["fi"](FAMILY_NOTICES["held_back"])
    written = [
        "tilapäinen tunnus 010594Y9032",
        "hetu 131052 - 308T",
        "hetu 131052\u00a0A\u00a0308T",
        "hetu 131052\u200b-308T",
        "HETU131052A308T",
        "131052A308Tkiitos",
        "hetu 131052\u2013308X",  # an en dash and a wrong check character
        "\uff11\uff13\uff11\uff10\uff15\uff12\uff0d\uff13\uff10\uff18\uff34",
    ]
    for text in written:
        parent.send_text(text)
        await standin.wait_idle()
        assert parent.last_bot_message().text == held, text
    parent.send_photo(caption="Eetun hetu 131052-308T")
    parent.send_document(file_name="lausunto 131052-308T.pdf")
    await standin.wait_idle()
    assert [m.text for m in parent.bot_messages()[-2:]] == [held, held]
    told = translators["fi"](STAFF_NOTICES["held_back"])
    expected = len(written) + 2
    await standin.wait_for(
        lambda: [m.text for m in staff_group(standin).bot_messages(topic)].count(told) == expected
    )
    assert copies(standin) == []
    parent.send_document(file_name="lausunto.pdf")
    await standin.wait_for(lambda: len(copies(standin)) == 1)


async def test_temporary_codes_spaces_minus_signs_and_every_century_sign_are_held_back(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, _issued = await linked_parent(standin, staffed_bot)
    held = translators["fi"](FAMILY_NOTICES["held_back"])
    written = [
        "tilapäinen 010101-900R",
        "hetu 131052 A 308T",
        "hetu 131052\u2212308T",  # a minus sign
        *(f"hetu 131052{sign}308T" for sign in "+-AYXWVUBCDEF"),
    ]
    for text in written:
        parent.send_text(text)
        await standin.wait_idle()
        assert parent.last_bot_message().text == held, text
    assert copies(standin) == []


async def test_an_edit_that_adds_a_code_is_held_back(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    sent = parent.send_text("Eetun henkilötunnus on")
    await standin.wait_for(lambda: len(copies(standin)) == 1)
    parent.edit_text(sent["message_id"], "Eetun henkilötunnus on 131052-308T")
    await standin.wait_idle()
    assert parent.last_bot_message().text == translators["fi"](FAMILY_NOTICES["held_back"])
    told = translators["fi"](STAFF_NOTICES["held_back"])
    await standin.wait_for(lambda: staff_group(standin).last_bot_message(topic).text == told)
    assert len(copies(standin)) == 1
    assert all("131052" not in (m.text or "") for m in staff_group(standin).messages(topic))


async def test_a_held_message_of_a_guardian_of_two_children_is_never_relayed(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, first, second = await guardian_of_two(standin, staffed_bot)
    parent.send_text("Ainon henkilötunnus on 131052-308T, kiitos")
    await standin.wait_idle()
    assert parent.last_bot_message().text == translators["fi"](FAMILY_NOTICES["held_back"])
    sent = parent.send_text("Ainon asia ilman tunnusta")
    await standin.wait_idle()
    assert parent.last_bot_message().text == translators["fi"](FAMILY_NOTICES["which_child"])
    parent.tap("Aino")
    await standin.wait_for(lambda: len(copies(standin)) == 1)
    await standin.wait_idle()
    relayed = [(p["from_chat_id"], p["message_id"]) for p in copies(standin)]
    assert relayed == [(9001, sent["message_id"])]
    told = translators["fi"](STAFF_NOTICES["held_back"])
    for issued in (first, second):
        topic = topic_of(standin, issued.reference)
        assert any(m.text == told for m in staff_group(standin).bot_messages(topic))


async def test_a_message_waiting_for_the_child_that_gains_a_code_by_an_edit_is_never_relayed(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, _first, _second = await guardian_of_two(standin, staffed_bot)
    sent = parent.send_text("Ainon asia")
    await standin.wait_idle()
    which = parent.last_bot_message()
    assert which.text == translators["fi"](FAMILY_NOTICES["which_child"])
    parent.edit_text(sent["message_id"], "Ainon asia, hetu 131052-308T")
    await standin.wait_idle()
    assert parent.last_bot_message().text == translators["fi"](FAMILY_NOTICES["held_back"])
    parent.press(which.message_id, which.button("Aino"))
    await standin.wait_idle()
    assert copies(standin) == []
    assert all("131052" not in (m.text or "") for m in staff_group(standin).messages())
    later = parent.send_text("Toinen asia")  # the child chosen stays chosen
    await standin.wait_for(lambda: len(copies(standin)) == 1)
    assert copies(standin)[0]["message_id"] == later["message_id"]


async def test_a_therapists_message_with_a_code_stays_in_the_topic(
    standin: BotApiStandIn, staffed_bot: RunningBot, translators: dict[str, Translator]
) -> None:
    parent, issued = await linked_parent(standin, staffed_bot)
    topic = topic_of(standin, issued.reference)
    therapist = standin.user(7001, language_code="en")
    group = staff_group(standin)
    group.send_text(therapist, "Eetun tunnus on 131052 - 308T, tarkistakaa", thread_id=topic)
    refused = translators["fi"](STAFF_NOTICES["staff_held_back"])
    await standin.wait_for(lambda: group.last_bot_message(topic).text == refused)
    group.send_photo(therapist, caption="hetu 010594Y9032", thread_id=topic)
    await standin.wait_idle()
    assert [m.text for m in group.bot_messages(topic)].count(refused) == 2
    assert copies(standin) == []
    answer = group.send_text(therapist, "Nähdään torstaina", thread_id=topic)
    await standin.wait_for(lambda: parent.last_bot_message().text == "Nähdään torstaina")
    group.edit_text(therapist, answer["message_id"], "Nähdään torstaina, hetu 131052-308T")
    edit_refused = translators["fi"](STAFF_NOTICES["staff_edit_held_back"])
    await standin.wait_for(lambda: group.last_bot_message(topic).text == edit_refused)
    assert parent.last_bot_message().text == "Nähdään torstaina"
    assert standin.calls_to("editMessageText") == []
