"""Language choice and the Finland formats of dates and times."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from bot.i18n import Translator, find_locales, language_for, load_translators


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("fi", "fi"),
        ("FI", "fi"),
        ("sv-FI", "sv"),
        ("sv_SE", "sv"),
        ("en-US", "en"),
        ("se", "en"),
        ("ru", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_the_language_of_a_telegram_client(code: str | None, language: str) -> None:
    assert language_for(code) == language


@pytest.mark.parametrize(
    ("language", "day", "weekday_day", "clock"),
    [
        ("fi", "3.12.2026", "to 3.12.", "9.30"),
        ("sv", "3.12.2026", "tors 3 dec.", "9.30"),
        ("en", "03/12/2026", "Thu, 3 Dec", "9.30"),
    ],
)
def test_dates_and_times_are_written_as_in_finland(
    language: str, day: str, weekday_day: str, clock: str, translators: dict[str, Translator]
) -> None:
    translate = translators[language]
    assert translate.date(date(2026, 12, 3)) == day
    assert translate.weekday_date(date(2026, 12, 3)) == weekday_day
    assert translate.time(datetime(2026, 12, 3, 9, 30)) == clock
    assert translate.time(datetime(2026, 12, 3, 16, 5)) == "16.05"


def test_plural_forms_fall_back_to_the_source() -> None:
    english = Translator("en")
    assert english.plural("{count} visit", "{count} visits", 1) == "1 visit"
    assert english.plural("{count} visit", "{count} visits", 3) == "3 visits"


def test_a_missing_catalog_is_logged_and_falls_back_to_english(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    translators = load_translators(tmp_path)
    assert translators["fi"]("Hello") == "Hello"
    assert "catalog missing" in caplog.text
    assert str(tmp_path / "fi" / "LC_MESSAGES" / "bot.po") in caplog.text


def test_the_catalogs_are_found_in_a_checkout_and_in_an_installed_package(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "bot").mkdir(parents=True)
    assert find_locales(checkout / "bot") == checkout / "locales"
    (checkout / "bot" / "locales").mkdir()
    (checkout / "bot" / "locales" / "bot.pot").write_text("")
    assert find_locales(checkout / "bot") == checkout / "bot" / "locales"
