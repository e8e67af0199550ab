"""Finnish personal identity codes (henkilötunnus): the one check the bot uses wherever a
text could carry one — a family's message, caption or file name, an edit, a therapist's
reply, a case label, a visit note.

A code is ddmmyy, a century sign (`+ - A`, and from 2023 `Y X W V U` and `B C D E F`), a
three-digit individual number (900–999 for temporary codes) and a check character. The text
is normalised first (full-width and other digits, every kind of space and dash), the shape
is matched with optional spaces around the century sign, and the code may be glued to
letters ("HETU131052A308T"). The check character is not trusted: a mistyped code is still
a code. Only the date is checked roughly (day 01–31, month 01–12) so that other long
numbers do not raise false alarms.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: Characters that are removed: zero-width spaces and joiners, the soft hyphen, BOM.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"), None)
#: Dashes and minus signs that people (and phones) type for a hyphen.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")
_SPACES = re.compile(r"\s+")

_CODE = re.compile(
    r"(?<![0-9])"
    r"(?:0[1-9]|[12][0-9]|3[01])"  # day
    r"(?:0[1-9]|1[0-2])"  # month
    r"[0-9]{2}"  # year
    r" ?[-+AYXWVUBCDEF] ?"  # century sign
    r"[0-9]{3}"  # individual number (900–999: temporary)
    r"(?:[0-9](?![0-9])|[A-Y])",  # check character, whatever its value
    re.IGNORECASE,
)

#: The file-carrying parts of a message whose names are checked.
FILE_PARTS = ("document", "audio", "video", "animation")


def normalise(text: str) -> str:
    """The text as the check reads it: compatibility forms folded (full-width digits), every
    decimal digit as 0–9, invisible characters removed, dashes as "-", spaces as one " "."""
    folded = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_DASHES)
    if not folded.isascii():
        folded = "".join(_ascii_digit(char) for char in folded)
    return _SPACES.sub(" ", folded)


def _ascii_digit(char: str) -> str:
    value = unicodedata.decimal(char, None)
    return str(value) if value is not None else char


def holds_identity_code(text: str | None) -> bool:
    """Whether a text holds something shaped like a Finnish personal identity code."""
    return bool(text) and _CODE.search(normalise(text or "")) is not None


def message_texts(message: Any) -> list[str]:
    """What a message says in words: its text, its caption and the names of its files."""
    texts = [getattr(message, "text", None), getattr(message, "caption", None)]
    for part in FILE_PARTS:
        texts.append(getattr(getattr(message, part, None), "file_name", None))
    return [text for text in texts if text]


def message_holds_identity_code(message: Any) -> bool:
    """Whether a message's text, caption or a file name holds an identity code."""
    return any(holds_identity_code(text) for text in message_texts(message))
