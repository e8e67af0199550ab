"""The linked family's flow as a pure dialog: states, transitions and effects, without
Telegram or the store."""

from __future__ import annotations

from collections.abc import Callable

from bot.dialogs import family
from bot.dialogs.base import Command, DialogContext
from bot.dialogs.family import (
    Answer,
    ChildChosen,
    Converse,
    Family,
    HoldBack,
    Link,
    Message,
    NoteOffHours,
    Relay,
    Remember,
    Show,
    State,
)
from bot.dialogs.menu_pages import NOTICES
from bot.dialogs.menu_pages import State as MenuState
from bot.domain.inbox import FAMILY_NOTICES, LinkedCase

Context = Callable[[str], DialogContext]

ANNA = LinkedCase(1, "Anna", "open")
BORIS = LinkedCase(2, "Boris <3", "open")
TYPING = MenuState.CUSTOMER_CODE.value


def test_the_state_follows_what_the_chat_holds() -> None:
    assert Family().state is State.UNLINKED
    assert Family(menu_state=TYPING).state is State.TYPING_CODE
    assert Family((ANNA,)).state is State.WRITING
    assert Family((ANNA, BORIS)).state is State.CHOOSING
    assert Family((ANNA, BORIS), chosen=2).state is State.WRITING
    assert Family((ANNA, BORIS), chosen=9).state is State.CHOOSING  # that case is gone
    assert Family((ANNA, BORIS), pending=40).state is State.HOLDING


def test_a_message_goes_to_the_only_case(dialog_context: Context) -> None:
    outcome = family.step(Family((ANNA,)), Message(7, "hei"), dialog_context("fi"))
    assert outcome.state is State.WRITING
    assert outcome.effects == (Relay(ANNA, 7), NoteOffHours())


def test_an_edit_goes_to_the_chosen_case_as_an_edit(dialog_context: Context) -> None:
    outcome = family.step(
        Family((ANNA, BORIS), chosen=2), Message(7, edited=True), dialog_context("fi")
    )
    assert outcome.effects == (Relay(BORIS, 7, edited=True), NoteOffHours())


def test_without_the_staff_group_the_family_is_told_to_use_maisa(
    dialog_context: Context,
) -> None:
    context = dialog_context("en")
    outcome = family.step(Family((ANNA,), staff_online=False), Message(7, "123456-123A"), context)
    assert outcome.state is State.WRITING
    (show,) = outcome.effects
    assert isinstance(show, Show)
    assert show.screens[0].text == context.translate(FAMILY_NOTICES["offline"])


def test_an_identity_code_is_held_back_from_the_chosen_case(dialog_context: Context) -> None:
    context = dialog_context("en")
    outcome = family.step(
        Family((ANNA, BORIS), chosen=1), Message(7, "x", identity_code=True), context
    )
    assert outcome.state is State.WRITING
    hold, show = outcome.effects
    assert hold == HoldBack(1)
    assert isinstance(show, Show)
    assert show.screens[0].text == context.translate(FAMILY_NOTICES["held_back"])


def test_without_a_choice_a_message_waits_and_the_family_is_asked(
    dialog_context: Context,
) -> None:
    context = dialog_context("en")
    outcome = family.step(Family((ANNA, BORIS)), Message(7, "hei"), context)
    assert outcome.state is State.HOLDING
    show, remember = outcome.effects
    assert remember == Remember(None, 7)
    assert isinstance(show, Show)
    assert show.screens[0].text == context.translate(FAMILY_NOTICES["which_child"])
    buttons = [row[0] for row in show.screens[0].rows]
    assert [(b.label, b.data) for b in buttons] == [("Anna", "child:1"), ("Boris <3", "child:2")]


def test_a_later_message_waits_instead_of_the_held_one(dialog_context: Context) -> None:
    outcome = family.step(Family((ANNA, BORIS), pending=7), Message(8), dialog_context("fi"))
    assert outcome.state is State.HOLDING
    assert outcome.effects[1] == Remember(None, 8)


def test_a_code_without_a_choice_is_held_back_from_every_child(dialog_context: Context) -> None:
    held = Message(8, identity_code=True)
    outcome = family.step(Family((ANNA, BORIS), pending=7), held, dialog_context("fi"))
    assert outcome.state is State.HOLDING  # the message held earlier still waits
    assert outcome.effects[:2] == (HoldBack(1), HoldBack(2))
    assert len(outcome.effects) == 3


def test_the_held_message_edited_to_hold_a_code_no_longer_waits(
    dialog_context: Context,
) -> None:
    edit = Message(7, edited=True, identity_code=True)
    outcome = family.step(Family((ANNA, BORIS), pending=7), edit, dialog_context("fi"))
    assert outcome.state is State.CHOOSING
    assert outcome.effects[:3] == (HoldBack(1), HoldBack(2), Remember(None, None))


def test_choosing_the_child_sends_the_held_message(dialog_context: Context) -> None:
    context = dialog_context("en")
    chosen = ChildChosen("child:2", pressed=50)
    outcome = family.step(Family((ANNA, BORIS), pending=7), chosen, context)
    assert outcome.state is State.WRITING
    answer, show, remember, relay = outcome.effects
    assert answer == Answer()
    assert show == Show(
        (family.Screen(context.translate(FAMILY_NOTICES["child_chosen"], label="Boris &lt;3")),),
        replace=50,
    )
    assert remember == Remember(2, None)
    assert relay == Relay(BORIS, 7)


def test_a_choice_without_a_held_message_or_staff_group_relays_nothing(
    dialog_context: Context,
) -> None:
    offline = Family((ANNA, BORIS), pending=7, staff_online=False)
    outcome = family.step(offline, ChildChosen("child:1"), dialog_context("fi"))
    assert outcome.effects == (Answer(), Remember(1, None))


def test_a_button_of_a_case_no_longer_linked_is_outdated(dialog_context: Context) -> None:
    context = dialog_context("en")
    for chat in (Family((ANNA, BORIS), chosen=1), Family()):
        outcome = family.step(chat, ChildChosen("child:9", pressed=50), context)
        assert outcome.state is chat.state
        assert outcome.effects == (Answer(context.translate(NOTICES["outdated"])),)


def test_child_asks_again_and_forgets_the_choice(dialog_context: Context) -> None:
    outcome = family.step(
        Family((ANNA, BORIS), chosen=1, pending=7), Command("child"), dialog_context("fi")
    )
    assert outcome.state is State.CHOOSING
    assert isinstance(outcome.effects[0], Show)
    assert outcome.effects[1] == Remember(None, None)


def test_child_with_one_case_or_none_is_the_menus(dialog_context: Context) -> None:
    for chat in (Family((ANNA,)), Family()):
        outcome = family.step(chat, Command("child"), dialog_context("fi"))
        assert outcome.effects == (Converse(),)


def test_other_commands_are_the_menus(dialog_context: Context) -> None:
    outcome = family.step(Family((ANNA, BORIS)), Command("help"), dialog_context("fi"))
    assert outcome == family.Outcome(State.CHOOSING, (Converse(),))


def test_a_link_code_links_from_anywhere(dialog_context: Context) -> None:
    for chat in (Family(), Family((ANNA,)), Family(menu_state=TYPING)):
        outcome = family.step(chat, Command("start", "abc"), dialog_context("fi"))
        assert outcome.effects == (Link("abc", typed=False),)


def test_text_typed_on_the_code_page_is_the_code(dialog_context: Context) -> None:
    chat = Family(menu_state=TYPING)
    outcome = family.step(chat, Message(7, "ABCD-1234"), dialog_context("fi"))
    assert outcome == family.Outcome(State.TYPING_CODE, (Link("ABCD-1234", typed=True),))


def test_anything_else_unlinked_is_the_menus(dialog_context: Context) -> None:
    context = dialog_context("fi")
    typing = Family(menu_state=TYPING)
    assert family.step(typing, Message(7), context).effects == (Converse(),)  # a sticker
    assert family.step(typing, Message(7, edited=True), context).effects == (Converse(),)
    assert family.step(Family(), Message(7, "hei"), context).effects == (Converse(),)
    # An unlinked chat is never checked for identity codes here: the advice answers.
    coded = Message(7, "x", identity_code=True)
    assert family.step(Family(), coded, context).effects == (Converse(),)
