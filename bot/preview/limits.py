"""What Telegram accepts and how a phone shows it: the HTML it parses, its length limits, and
an estimate of a button label's width on a narrow phone.

Pure: a message is read the way Telegram reads `parse_mode=HTML` (its tags, its four named
entities), so a text Telegram would refuse is found here, before anyone sends it.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Telegram's limits, counted after the HTML is parsed (in UTF-16 code units).
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
#: The text of a button's pop-up notice (answerCallbackQuery).
POPUP_LIMIT = 200
#: Bytes of a button's callback data.
DATA_LIMIT = 64

#: The phone the preview draws: a 360 px wide screen, as many Android phones have.
PHONE_WIDTH = 360
#: A bot's message bubble and its keyboard on that phone, at their widest.
BUBBLE_WIDTH = 300
#: Between two buttons of a row.
BUTTON_GAP = 4
#: Left and right inside a button, around its one-line label.
BUTTON_PADDING = 10
#: Button labels: 15 px, medium weight (Roboto on Android).
BUTTON_FONT_PX = 15

#: Tags Telegram's HTML knows, with what the preview draws for each.
TAGS = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
    "pre": "pre",
    "a": "a",
    "blockquote": "blockquote",
    "tg-spoiler": "span",
    "span": "span",
}


@dataclass
class Parsed:
    """A message text as Telegram reads it."""

    #: HTML safe to put in a page: only Telegram's tags, everything else escaped.
    html: str
    #: The text without tags, as the user sees it.
    plain: str
    #: Why Telegram would refuse it ("can't parse entities: ..."), if it would.
    problems: list[str] = field(default_factory=list)

    @property
    def length(self) -> int:
        """Telegram counts UTF-16 code units."""
        return utf16_length(self.plain)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.plain: list[str] = []
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown = TAGS.get(tag)
        if shown is None:
            self.problems.append(f'can\'t parse entities: unsupported start tag "{tag}"')
            self.out.append(html.escape(self.get_starttag_text() or ""))
            return
        self.open.append(tag)
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.out.append(f'<a href="{html.escape(href)}" target="_blank" rel="noopener">')
        elif tag in ("tg-spoiler", "span"):
            self.out.append('<span class="spoiler">')
        else:
            self.out.append(f"<{shown}>")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f'can\'t parse entities: unmatched end tag "{tag}"')
            self.out.append(html.escape(f"</{tag}>"))
            return
        self.open.pop()
        self.out.append(f"</{TAGS[tag]}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))
        self.plain.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.problems.append(f'can\'t parse entities: unsupported entity "&{name};"')
        self.handle_data(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.handle_data(html.unescape(f"&#{name};"))


def parse(text: str) -> Parsed:
    """Read a text as Telegram reads `parse_mode=HTML`."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    problems = list(reader.problems)
    if reader.open:
        problems.append(f'can\'t parse entities: unclosed tag "{reader.open[-1]}"')
    plain = "".join(reader.plain)
    if not plain.strip():
        problems.append("message text is empty")
    return Parsed("".join(reader.out), plain, problems)


# The width of a label ---------------------------------------------------------------------

#: Rough advance widths of Roboto Medium, in ems, by kind of character; rounded up, so that
#: the estimate flags a label a little before a phone would cut it.
_NARROW = set("ijlI.,:;!|'ʼ’·()[]{}/\\ -ftr")
_WIDE = set("mwMWÅÄÖÆ@%&—")


def label_width(label: str, font_px: float = BUTTON_FONT_PX) -> float:
    """An estimate of a label's width in px, at the buttons' font size."""
    ems = 0.0
    for index, char in enumerate(label):
        if unicodedata.combining(char) or char in "\ufe0f\u200d":
            continue
        if _is_emoji(char) or label[index + 1 : index + 2] == "\ufe0f":
            ems += 1.45
        elif char in _NARROW:
            ems += 0.33
        elif char in _WIDE:
            ems += 0.88
        elif char.isupper() or char.isdigit():
            ems += 0.66
        else:
            ems += 0.57
    return ems * font_px


def _is_emoji(char: str) -> bool:
    return ord(char) >= 0x2100 and unicodedata.category(char) == "So"


def label_room(buttons_in_row: int) -> float:
    """The width a label has in a row of this many buttons, in px."""
    button = (BUBBLE_WIDTH - BUTTON_GAP * (buttons_in_row - 1)) / buttons_in_row
    return button - 2 * BUTTON_PADDING
