"""Staff-entered text printed by the `otbot` command, made safe for a terminal.

A case label or a visit's note is whatever someone typed: it may hold terminal escape
sequences (ESC, CSI), other control characters, or bidirectional overrides that reorder
what the terminal shows. Each is printed as a visible escape (`\\x1b`, `\\u202e`) instead.
"""

from __future__ import annotations

import json
import re

#: C0 controls and DEL, C1 controls, and the bidirectional marks, embeddings, overrides
#: and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """`text` with every control character and bidi override written as an escape."""
    return _UNSAFE.sub(_escaped, text)


def shown_json(value: object) -> str:
    """`value` as one line of JSON in which those characters are \\u escapes: the same
    JSON to a program, and harmless on a terminal."""
    return _UNSAFE.sub(
        lambda match: f"\\u{ord(match[0]):04x}", json.dumps(value, ensure_ascii=False)
    )
