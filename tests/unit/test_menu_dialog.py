"""The main menu as a pure dialog: events and stored state in, state and screens out."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.dialogs import menu, menu_pages
from bot.dialogs.base import Command, DialogContext, Press, Reply, Unsupported
from bot.dialogs.menu_pages import State
from bot.i18n import LANGUAGES

Context = Callable[[str], DialogContext]


def press(state: str, label: str, context: DialogContext) -> Reply:
    """Press the button whose label contains `label` on the page of `state`."""
    screen = menu.render(State(state), context)
    for row in screen.rows:
        for button in row:
            if label in button.label and button.data:
                return menu.step(state, Press(button.data), context)
    raise AssertionError(f"no button {label!r} on {state}: {screen.rows}")


def buttons(reply: Reply) -> list[str]:
    return [button.label for row in reply.screens[-1].rows for button in row]


def test_start_shows_the_welcome_with_every_entry(dialog_context: Context) -> None:
    reply = menu.step("main", Command("start"), dialog_context("en"))
    assert reply.state == "main"
    assert "City of Helsinki" in reply.screens[0].text
    assert buttons(reply) == [
        "🍼 Baby advice",
        "ℹ️ About occupational therapy",
        "💬 I'm already a customer",
        "🌐 Kieli · Språk · Language",
        "🔒 Privacy",
    ]


@pytest.mark.parametrize("state", [s.value for s in menu_pages.PAGES if s is not State.MAIN])
def test_every_page_has_a_way_back(state: str, dialog_context: Context) -> None:
    screen = menu.render(State(state), dialog_context("en"))
    labels = [button.label for row in screen.rows for button in row]
    assert "« Back" in labels or "Main menu" in labels


def test_about_pages_lead_back_to_about_and_to_the_menu(dialog_context: Context) -> None:
    context = dialog_context("en")
    about = press("main", "About occupational therapy", context)
    assert about.state == "about"
    visits = press("about", "How the visits go", context)
    assert visits.state == "about.visits"
    assert "2–3 visits" in visits.screens[0].text
    assert press("about.visits", "Back", context).state == "about"
    assert press("about.visits", "Main menu", context).state == "main"


def test_choosing_swedish_answers_in_swedish(dialog_context: Context) -> None:
    reply = press("language", "svenska", dialog_context("fi"))
    assert reply.language == "sv"
    assert reply.state == "main"
    assert reply.notice == "Jag använder svenska med dig."
    assert "Helsingfors" in reply.screens[0].text


def test_the_language_menu_names_each_language_in_itself(dialog_context: Context) -> None:
    reply = menu.step("main", Command("language"), dialog_context("en"))
    assert buttons(reply)[:3] == ["suomi", "svenska", "English"]


@pytest.mark.parametrize(
    "data",
    [
        "",
        "x" * 64,
        "main",
        "nosuchstate:about",
        "language:choose:de",
        "language:choose:",
        "about:referral:extra:parts",
        "main:__init__",
        "main:erase",  # erasing is only possible after the question
        "about.visits:choose:fi",
        "💥:💥",
    ],
)
def test_forged_button_data_changes_nothing(data: str, dialog_context: Context) -> None:
    reply = menu.step("about", Press(data), dialog_context("en"))
    assert reply.state == "about"
    assert reply.notice == "That button is no longer in use. Here is where you are now."
    assert not reply.erase
    assert reply.language is None


def test_a_button_on_an_older_screen_still_works(dialog_context: Context) -> None:
    # The user is on the privacy page but presses "About" on the welcome above it.
    reply = menu.step("privacy", Press("main:about"), dialog_context("en"))
    assert reply.state == "about"
    assert reply.notice is None


def test_erasing_asks_first(dialog_context: Context) -> None:
    context = dialog_context("en")
    question = menu.step("main", Command("forget"), context)
    assert question.state == "forget"
    assert not question.erase
    done = press("forget", "Yes, erase", context)
    assert done.erase
    assert "erased" in done.screens[0].text


def test_unknown_command_lists_the_known_ones(dialog_context: Context) -> None:
    reply = menu.step("main", Command("weather", "tomorrow"), dialog_context("en"))
    assert "I do not know the command /weather." in reply.screens[0].text
    assert "/language" in reply.screens[0].text


def test_a_command_name_is_escaped_for_html(dialog_context: Context) -> None:
    reply = menu.step("main", Command("<b>"), dialog_context("en"))
    assert "/&lt;b&gt;" in reply.screens[0].text


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (Unsupported("sticker"), "stickers"),
        (Unsupported("edited"), "not edits"),
    ],
)
def test_other_input_gets_a_friendly_answer_and_the_menu(
    event: Unsupported, expected: str, dialog_context: Context
) -> None:
    reply = menu.step("about.maisa", event, dialog_context("en"))
    assert expected in reply.screens[0].text
    assert "🍼 Baby advice" in buttons(reply)


def test_an_unknown_stored_state_starts_from_the_menu(dialog_context: Context) -> None:
    reply = menu.step("a-state-from-an-older-version", Command("start"), dialog_context("en"))
    assert reply.state == "main"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", list(menu_pages.PAGES))
def test_every_page_exists_in_every_language(
    state: State, language: str, dialog_context: Context
) -> None:
    screen = menu.render(state, dialog_context(language))
    english = menu.render(state, dialog_context("en"))
    assert screen.text
    if language != "en":
        assert screen.text != english.text, f"{state} is not translated into {language}"
