"""Message text as Telegram reads it: ``parse_mode=HTML`` parsed into entities, lengths in
UTF-16 code units.
"""

from __future__ import annotations

import html
import re
from http import HTTPStatus

from bot.standin.errors import CANT_PARSE, ApiError, JSONDict, _bad


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the way Telegram counts characters and offsets."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_HTML_SPECIAL = re.compile(r"[<&]")
_HTML_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_HTML_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_HTML_ATTR = re.compile(
    r"\s*([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?"
)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram's HTML subset: returns the visible text and its entities.

    Raises :class:`ApiError` 400 "can't parse entities: ..." for what Telegram rejects.
    """
    if _HTML_SPECIAL.search(text) is None:
        return text, []
    out: list[str] = []
    pos16 = 0
    stack: list[tuple[str, JSONDict, int]] = []
    entities: list[JSONDict] = []
    i = 0
    n = len(text)

    def fail(reason: str) -> ApiError:
        return ApiError(HTTPStatus.BAD_REQUEST, CANT_PARSE + reason)

    while i < n:
        match = _HTML_SPECIAL.search(text, i)
        end = match.start() if match else n
        if end > i:
            chunk = text[i:end]
            out.append(chunk)
            pos16 += utf16_len(chunk)
        if match is None:
            break
        i = end
        if text[i] == "&":
            entity = _HTML_ENTITY.match(text, i)
            if entity is None:
                raise fail(
                    f"Character '&' at byte offset {_byte_offset(text, i)} does not start an "
                    'HTML entity; use "&amp;"'
                )
            try:
                chunk = html.unescape(entity.group(0))
            except (ValueError, OverflowError):  # pragma: no cover - defensive
                raise fail(f"Wrong HTML entity at byte offset {_byte_offset(text, i)}") from None
            out.append(chunk)
            pos16 += utf16_len(chunk)
            i = entity.end()
            continue
        # a tag
        close = text.find(">", i)
        if close == -1:
            raise fail(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
        if text.startswith("</", i):
            name = text[i + 2 : close].strip().lower()
            if not stack:
                raise fail(f'Unexpected end tag "{name}" at byte offset {_byte_offset(text, i)}')
            open_name, attrs, start16 = stack.pop()
            if open_name != name:
                raise fail(
                    f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            if pos16 > start16:
                entity_dict: JSONDict = {
                    "type": _HTML_ENTITY_TYPES[open_name],
                    "offset": start16,
                    "length": pos16 - start16,
                }
                if open_name == "a":
                    entity_dict["url"] = attrs.get("href", "")
                elif open_name == "tg-emoji":
                    entity_dict["custom_emoji_id"] = attrs.get("emoji-id", "")
                elif open_name == "blockquote" and "expandable" in attrs:
                    entity_dict["type"] = "expandable_blockquote"
                entities.append(entity_dict)
            i = close + 1
            continue
        name_match = _HTML_TAG_NAME.match(text, i + 1)
        if name_match is None:
            raise fail(f"Unsupported start tag at byte offset {_byte_offset(text, i)}")
        name = name_match.group(0).lower()
        if name not in _HTML_ENTITY_TYPES:
            raise fail(f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}')
        attrs = {}
        rest = text[name_match.end() : close]
        j = 0
        while rest[j:].strip():
            attr = _HTML_ATTR.match(rest, j)
            if attr is None or attr.end() == j:
                raise fail(
                    f'Can\'t parse attributes of tag "{name}" at byte offset '
                    f"{_byte_offset(text, i)}"
                )
            value = attr.group(2) or ""
            if value[:1] in {'"', "'"}:
                value = value[1:-1]
            attrs[attr.group(1).lower()] = html.unescape(value)
            j = attr.end()
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, i)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise fail(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset '
                f"{_byte_offset(text, i)}"
            )
        stack.append((name, attrs, pos16))
        i = close + 1
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def render_text(text: str, parse_mode: str | None) -> tuple[str, list[JSONDict]]:
    """What the reader sees for ``text`` sent with ``parse_mode`` (HTML is checked)."""
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode in {"markdown", "markdownv2"}:
        return text, []
    raise _bad(f"unsupported parse_mode {parse_mode!r}")
