"""The one identity code check: every way a Finnish personal identity code can be written is
found, and ordinary numbers are not taken for one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.domain.identity_codes import holds_identity_code, message_holds_identity_code

HELD = [
    "Eetun hetu on 131052-308T",
    "131052A308T",  # 2000s
    "010594Y9032",  # a temporary code (900–999), a 1900s sign from 2023
    "010101-900R",  # a temporary code
    "020502E123T kiitos",  # a 2000s sign from 2023
    "131052+308T",  # 1800s
    *(f"131052{sign}308T" for sign in "-+AYXWVUBCDEF"),
    "131052 A 308T",  # spaces around the century sign
    "131052 - 308T",
    "131052\u00a0-\u00a0308T",  # no-break spaces
    "131052\u202f-308T",  # a narrow no-break space
    "131052\u200b-308T",  # a zero-width space
    "131052-\u2060308T",  # a word joiner
    "131052\u2013308T",  # an en dash
    "131052\u2212308T",  # a minus sign
    "131052\u2011308T",  # a non-breaking hyphen
    "\uff11\uff13\uff11\uff10\uff15\uff12\uff0d\uff13\uff10\uff18\uff34",  # full width
    "HETU131052A308T",  # glued to letters before
    "131052A308Tkiitos",  # and after
    "131052-308X",  # a wrong check character is still a code
    "131052-3085",  # a digit as the check character
    "hetu: 131052-308t",  # lower case
]

NOT_HELD = [
    "",
    "puhelin 040 123 4567, aika 13.10.52 klo 8.30",
    "041-555-1234",
    "+358401234567",
    "tilinumero FI21 1234 5600 0007 85",
    "321052-308T",  # no 32nd day
    "131352-308T",  # no 13th month
    "000152-308T",  # no day 0
    "131052-30",  # too short
    "131052G308T",  # G is no century sign
    "1310521-308T",  # seven digits before the sign
    "131052-30851",  # a longer number
]


@pytest.mark.parametrize("text", HELD)
def test_identity_codes_are_found_however_written(text: str) -> None:
    assert holds_identity_code(text)


@pytest.mark.parametrize("text", NOT_HELD)
def test_other_numbers_are_not_taken_for_identity_codes(text: str) -> None:
    assert not holds_identity_code(text)


def test_a_message_is_checked_in_its_text_caption_and_file_names() -> None:
    def message(**parts: object) -> SimpleNamespace:
        empty = {"text": None, "caption": None, "document": None, "audio": None}
        return SimpleNamespace(**{**empty, "video": None, "animation": None, **parts})

    named = SimpleNamespace(file_name="lausunto_131052-308T.pdf")
    assert message_holds_identity_code(message(text="131052-308T"))
    assert message_holds_identity_code(message(caption="hetu 131052 A 308T"))
    for part in ("document", "audio", "video", "animation"):
        assert message_holds_identity_code(message(**{part: named}))
    assert not message_holds_identity_code(
        message(caption="kuva", document=SimpleNamespace(file_name="lausunto.pdf"))
    )
