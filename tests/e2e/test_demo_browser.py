"""`otbot demo` end to end in a real headless Chromium (Debian's, through Playwright): the
command serves one page on 127.0.0.1; on it a parent uses the bot in Swedish and writes to
their therapist, a therapist answers from the case's topic, and a moved clock brings the
visit's reminder.

A screenshot of each side is kept in `OTBOT_ARTEFACTS` (default `build/artefacts/`).
Without Playwright or Chromium the tests are skipped, except in CI.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import segno
from support.browser import ARTEFACTS, skip_without_browser
from support.browser import browser as browser  # the fixture
from support.net import free_port

from bot.dialogs.advice_texts import SAFETY_NET, TOPICS
from bot.domain.visit_words import VISIT_NOTICES
from bot.i18n import Translator

skip_without_browser()
from playwright.sync_api import Browser, Locator, Page, expect  # noqa: E402

#: Long enough for the bot's start and the demo's seeding on a busy machine.
START_SECONDS = 90
WAIT_MS = 15_000
LANGUAGE_BUTTON = "🌐 Kieli · Språk · Language"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`otbot demo` in its own process, started in an empty folder with no OTBOT_ settings
    (no token, no .env); yields the one URL it prints."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTBOT_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--port", str(free_port())],
        cwd=tmp_path_factory.mktemp("demo"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + START_SECONDS
    line = ""
    while time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
        if "http://" in line:
            break
    urls = re.findall(r"http://127\.0\.0\.1:\d+/", line)
    try:
        assert len(urls) == 1, f"no URL printed: {line!r}"
        yield urls[0]
    finally:
        process.send_signal(signal.SIGINT)
        _out, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    assert "broke the Bot API" not in errors, errors


@pytest.fixture
def page(browser: Browser, demo: str) -> Iterator[Page]:
    """The demo's page, loaded, with every console error it logs kept on `page.errors`."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(demo)
    expect(page.locator("#parent-chat .message").first).to_be_visible(timeout=WAIT_MS)
    yield page
    page.close()
    assert errors == []


def tap(page: Page, label: str) -> None:
    """Press the button labelled `label` on the bot's latest message that has one."""
    page.locator("#parent-chat .keyboard button", has_text=label).last.click()


def parent_says(page: Page, text: str) -> None:
    page.fill("#parent-text", text)
    page.press("#parent-text", "Enter")


def last_bubble(chat: Locator) -> Locator:
    return chat.locator(".message .bubble .text").last


def plain(html: str) -> str:
    return re.sub(r"</?[a-z]+>", "", html)


def test_the_page_shows_the_seeded_case_on_both_sides(page: Page) -> None:
    phone = page.locator("#parent-chat")
    expect(phone).to_contain_text("📅")  # the visit booked from the topic
    expect(phone.locator(".message.mine").first).to_have_text(re.compile(r"^/start"))
    topic = page.locator("#topics button.current")
    expect(topic).to_contain_text("Eetu 4 kk")
    expect(page.locator("#staff-chat")).to_contain_text("Anna")  # "Anna linked their chat"


def test_a_new_parent_uses_the_bot_in_swedish(
    page: Page, translators: dict[str, Translator]
) -> None:
    sv = translators["sv"]
    phone = page.locator("#parent-chat")
    page.select_option("#who", "new")
    expect(phone.locator(".message")).to_have_count(0)
    page.select_option("#phone-language", "sv")
    expect(page.locator("#phone[data-language='sv']")).to_have_count(1, timeout=WAIT_MS)

    parent_says(page, "/start")
    eating = next(t for t in TOPICS if t.key == "eating")
    tap(page, sv("🍼 Baby advice"))
    tap(page, sv(eating.label))
    tap(page, sv(eating.questions[0].label))
    expect(last_bubble(phone)).to_contain_text(plain(sv(SAFETY_NET)), timeout=WAIT_MS)
    assert plain(sv(eating.questions[0].answer))[:40] in last_bubble(phone).inner_text()

    parent_says(page, "bebisen vill inte äta, vad gör jag")
    # /start, the menu the buttons moved through, the question and its answer
    expect(phone.locator(".message")).to_have_count(4, timeout=WAIT_MS)
    expect(phone.locator(".message").last).not_to_have_class(re.compile("mine"))
    answer = last_bubble(phone).inner_text()
    shown = [plain(sv(q.answer))[:40] for q in eating.questions] + [plain(sv(eating.label))]
    assert any(part in answer for part in shown), answer
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#phone").screenshot(path=str(ARTEFACTS / "demo-new-parent.png"))


def test_a_linked_parent_writes_and_the_therapist_answers_from_the_topic(page: Page) -> None:
    phone, staff = page.locator("#parent-chat"), page.locator("#staff-chat")
    page.select_option("#who", "anna")
    question = "Hej! Får jag ta med hans syster till besöket på torsdag?"
    parent_says(page, question)
    copied = staff.locator(".message", has_text=question)
    expect(copied).to_have_count(1, timeout=WAIT_MS)
    expect(phone.locator(".message.mine", has_text=question).locator(".reactions")).to_have_text(
        "👍", timeout=WAIT_MS
    )

    copied.locator(".bubble").click()  # the therapist answers that message
    answer = "Hej Anna! Ja, hon är välkommen. Vi ses på torsdag. /Terhi"
    page.fill("#staff-text", answer)
    page.press("#staff-text", "Enter")
    delivered = phone.locator(".message", has_text=answer)
    expect(delivered).to_have_count(1, timeout=WAIT_MS)
    expect(delivered.locator(".quote")).to_have_text(question)

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#phone").screenshot(path=str(ARTEFACTS / "demo-parent.png"))
    page.locator("#staff").screenshot(path=str(ARTEFACTS / "demo-staff.png"))


def test_moving_the_clock_brings_the_visit_reminder(page: Page) -> None:
    phone = page.locator("#parent-chat")
    before = phone.locator(".message", has_text="⏰").count()
    for _day in range(2):
        page.click("#clock button[data-hours='24']")
    expect(phone.locator(".message", has_text="⏰")).to_have_count(before + 1, timeout=WAIT_MS)
    expect(page.locator("#now")).to_contain_text("Wed")


def test_the_staff_commands_answer_in_the_topic(
    page: Page, translators: dict[str, Translator]
) -> None:
    staff, phone = page.locator("#staff-chat"), page.locator("#parent-chat")
    family_saw = phone.locator(".message").count()
    page.click(".shortcuts button[data-command='/note ']")
    page.type("#staff-text", "soitettu äidille")
    page.press("#staff-text", "Enter")
    page.click(".shortcuts button[data-command='/close']")
    page.press("#staff-text", "Enter")
    # A case with a visit ahead is not closed: the topic is told why, in the staff language.
    refused = plain(translators["fi"](VISIT_NOTICES["visit_close_refused"], count=1))
    expect(staff.locator(".message .text").last).to_have_text(refused, timeout=WAIT_MS)
    # The note stays in the topic: the family saw neither command.
    assert staff.locator(".message", has_text="soitettu äidille").count() == 1
    assert phone.locator(".message").count() == family_saw


def test_a_photo_from_the_parent_reaches_the_topic(page: Page, tmp_path: Path) -> None:
    picture = tmp_path / "drawing.png"
    segno.make("Eetu piirsi tämän").save(str(picture), scale=8)
    page.select_option("#who", "anna")
    page.fill("#parent-text", "Eetun piirustus")
    page.set_input_files("#parent-photo", str(picture))
    staff_photo = page.locator("#staff-chat .message", has_text="Eetun piirustus").locator("img")
    expect(staff_photo).to_have_count(1, timeout=WAIT_MS)
    expect(page.locator("#parent-chat .message.mine img").last).to_be_visible()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#staff-chat img'))"
        ".some(img => img.complete && img.naturalWidth > 0)",
        timeout=WAIT_MS,
    )
