"""Office hours: weekdays 8–16 in Helsinki, never on Finnish public holidays."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import RunningBot
from support.family import SECRET, STAFF, linked_parent

from bot.config import Settings
from bot.domain.inbox import FAMILY_NOTICES
from bot.domain.office_hours import OfficeHours
from bot.i18n import Translator
from bot.standin import BotApiStandIn

HELSINKI = ZoneInfo("Europe/Helsinki")
HOURS = OfficeHours.parse("mon-fri 08:00-16:00", HELSINKI)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)


@pytest.mark.parametrize(
    ("moment", "is_open", "opens"),
    [
        (at(2026, 11, 30, 10, 0), True, at(2026, 11, 30, 10, 0)),  # Monday
        (at(2026, 11, 30, 16, 0), False, at(2026, 12, 1, 8, 0)),  # Monday, closing time
        (at(2026, 11, 28, 10, 0), False, at(2026, 11, 30, 8, 0)),  # Saturday
        (at(2026, 12, 24, 10, 0), False, at(2026, 12, 28, 8, 0)),  # Christmas Eve, Thursday
        (at(2027, 1, 6, 9, 0), False, at(2027, 1, 7, 8, 0)),  # Epiphany, Wednesday
        (at(2026, 12, 1, 7, 59), False, at(2026, 12, 1, 8, 0)),  # before opening
    ],
)
def test_weekdays_weekends_and_holidays(moment: datetime, is_open: bool, opens: datetime) -> None:
    assert HOURS.is_open(moment) is is_open
    assert HOURS.next_opening(moment) == opens


@pytest.mark.parametrize("text", ["", "weekdays", "fri-mon 08:00-16:00", "mon-fri 16:00-08:00"])
def test_a_malformed_setting_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"mon-fri|forwards"):
        OfficeHours.parse(text, HELSINKI)


@pytest.mark.parametrize(
    ("moment", "notes", "day"),
    [
        (at(2026, 11, 30, 10, 0), 0, None),
        (at(2026, 11, 28, 20, 0), 1, "ma 30.11."),
        (at(2026, 12, 24, 12, 0), 1, "ma 28.12."),
    ],
    ids=["weekday", "weekend", "christmas-eve"],
)
async def test_a_note_outside_office_hours_once_per_off_period(
    standin: BotApiStandIn,
    make_settings: Callable[..., Settings],
    translators: dict[str, Translator],
    moment: datetime,
    notes: int,
    day: str | None,
) -> None:
    standin.group(STAFF, "Lasten toimintaterapia", forum=True)
    bot = RunningBot(
        make_settings(staff_chat_id=STAFF, secret=SECRET, staff_language="en"),
        clock=lambda: moment.astimezone(UTC),
    )
    await bot.start(standin)
    try:
        parent, _issued = await linked_parent(standin, bot)
        parent.send_text("Hei!")
        parent.send_text("Vielä yksi asia")
        await standin.wait_idle()
        fi = translators["fi"]
        texts = [m.text for m in parent.bot_messages()]
        noted = [t for t in texts if t.startswith(fi(FAMILY_NOTICES["off_hours"])[:20])]
        assert len(noted) == notes, texts
        if day is not None:
            assert day in noted[0]
            assert "8.00" in noted[0]
    finally:
        await bot.stop()
