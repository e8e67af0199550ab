"""Language choice and the Finland formats of dates and times."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.i18n import Translator, language_for


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
