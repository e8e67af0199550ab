"""The preview in a real headless Chromium (Debian's, through Playwright): it loads from disk
with no console error, and nothing on it is wider than its 360 px phone.

A screenshot of each language's page is kept in `OTBOT_ARTEFACTS` (default
`build/artefacts/`). Without Playwright or Chromium the tests are skipped, except in CI,
where `.ci/run` installs both.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from support.browser import ARTEFACTS, skip_without_browser
from support.browser import browser as browser  # the fixture
from support.catalogs import LONG_LABEL, broken_catalogs

from bot.i18n import LANGUAGES
from bot.preview import build, write_gallery
from bot.preview.limits import label_width

skip_without_browser()
from playwright.sync_api import Browser, Page  # noqa: E402


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("preview")
    write_gallery(out)
    return out


def opened(browser: Browser, path: Path, errors: list[str]) -> Page:
    """A page loaded from disk on a wide screen, once it has marked what is too wide."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-checked]", state="attached", timeout=30_000)
    return page


def too_wide(page: Page) -> list[str]:
    """Labels and bubbles whose scroll width is over their client width."""
    found: list[str] = page.evaluate(
        """() => Array.from(document.querySelectorAll('.label, .bubble'))
            .filter(e => e.scrollWidth > e.clientWidth)
            .map(e => e.closest('.scene').id + ': ' + e.textContent.slice(0, 60))"""
    )
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_loads_cleanly_and_fits_a_360_px_phone(
    browser: Browser, pages: Path, language: str
) -> None:
    errors: list[str] = []
    page = opened(browser, pages / f"{language}.html", errors)
    assert errors == []
    assert too_wide(page) == []
    assert page.get_attribute("body", "data-checked") == "0"
    widths = page.evaluate(
        "() => Array.from(document.querySelectorAll('.phone')).map(e => e.offsetWidth)"
    )
    assert set(widths) == {360}
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"preview-{language}.png"), full_page=True)
    page.close()


def test_all_three_side_by_side_load_cleanly(browser: Browser, pages: Path) -> None:
    errors: list[str] = []
    page = opened(browser, pages / "index.html", errors)
    assert errors == []
    assert too_wide(page) == []
    page.close()


def test_a_label_cut_on_the_phone_is_flagged_on_the_page(browser: Browser, tmp_path: Path) -> None:
    write_gallery(tmp_path / "out", build(broken_catalogs(tmp_path / "locales")))
    errors: list[str] = []
    page = opened(browser, tmp_path / "out" / "fi.html", errors)
    cut = too_wide(page)
    assert cut
    assert {line.partition(": ")[2] for line in cut} == {LONG_LABEL}
    flags = page.inner_text("#main .flags")
    assert "too wide on a 360 px phone: 🔒 Tietosuoja" in flags
    assert page.get_attribute("body", "data-checked") == str(len(cut))
    assert errors == []
    page.close()


def test_the_check_without_a_browser_never_estimates_a_label_narrower_than_it_is(
    browser: Browser, pages: Path
) -> None:
    """`otbot i18n check` estimates label widths; in Roboto, every estimate is at least the
    width the browser lays the label out in, so the check flags a label before a phone cuts
    it."""
    fonts = subprocess.run(["fc-list", ":family=Roboto"], capture_output=True, text=True)
    if not fonts.stdout and not os.environ.get("CI"):
        pytest.skip("the Roboto font is not installed (see .ci/run)")
    errors: list[str] = []
    page = opened(browser, pages / "index.html", errors)
    measured: list[tuple[str, float]] = page.evaluate(
        """() => Array.from(document.querySelectorAll('.label')).map(e => {
            const range = document.createRange();
            range.selectNodeContents(e);
            return [e.textContent, range.getBoundingClientRect().width];
        })"""
    )
    page.close()
    assert len(measured) > 500
    under = [(label, width) for label, width in measured if label_width(label) < width - 0.5]
    assert under == []
