"""Base forms from simplemma's dictionaries: only the forms of the keywords' base forms are
kept, read once per process. Without simplemma (not installed, or its data unreadable)
matching falls back to stems alone, and `base_forms_missing` says why."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache

from bot.domain.words import fold

log = logging.getLogger(__name__)

#: A compound's first part is at least this long, and so is the part looked up after it.
COMPOUND_PART = 3
#: Base forms that carry person or negation (`en jaksa` is not `ei jaksa`): such keyword
#: words match only as written.
FUNCTION_WORDS = {
    "fi": {"ei", "olla", "minä", "sinä", "hän", "se", "me", "te", "he", "tämä", "joka", "mikä"},
    "sv": {"jag", "du", "han", "hon", "vara", "ha", "inte", "den", "det", "vi", "ni", "de"},
    "en": {"i", "be", "have", "do", "not", "he", "she", "it", "we", "they", "you"},
}
#: A dictionary pair is kept when its base form begins with the bytes a keyword word does.
PREFIX_BYTES = 3
#: Marks a base form among the items a word matches, so that it never meets a stem.
BASE = "="

#: Why base forms are not used, when they are not; None when they are.
base_forms_missing: str | None = None


def _records(language: str) -> Iterator[tuple[bytes, bytes]]:
    """Every (form, base form) pair of simplemma's dictionary for a language, UTF-8."""
    from simplemma.strategies.dictionaries import frontcode
    from simplemma.strategies.dictionaries.dictionary_factory import _read_decompressed

    data = _read_decompressed(language)
    reverse, _count, position = frontcode._read_header(data)
    for _start, key, value in frontcode._iter_records(data, position):
        yield (key[::-1], value[::-1]) if reverse else (key, value)


@lru_cache(maxsize=8)
def _forms(language: str, keyword_words: frozenset[str]) -> Mapping[str, str]:
    """Every form (also folded) of the keyword words' base forms, with its base form.

    One pass over the dictionary: the pairs whose base form begins like a keyword word are
    kept, then those of the keywords' own base forms chosen from them.
    """
    global base_forms_missing
    wanted = {w.encode() for w in keyword_words}
    beginnings = {w[:PREFIX_BYTES] for w in wanted}
    try:
        base_of: dict[bytes, bytes] = {}
        kept: list[tuple[bytes, bytes]] = []
        for form, base in _records(language):
            if form in wanted:
                base_of[form] = base
            if base[:PREFIX_BYTES] in beginnings:
                kept.append((form, base))
    except Exception as error:
        base_forms_missing = f"simplemma's dictionary for {language} is unusable: {error!r}"
        log.warning("matching by stems only: %s", base_forms_missing)
        return {}
    function_words = {w.encode() for w in FUNCTION_WORDS[language]}
    bases = {base_of.get(w, w) for w in wanted} - function_words
    table = {form.decode(): base.decode() for form, base in kept if base in bases}
    for encoded in bases:
        table.setdefault(encoded.decode(), encoded.decode())
    for written, base_form in list(table.items()):
        table.setdefault(fold(written), base_form)
    return table


class BaseForms:
    """The base forms of the words that matter: those of the keyword lists."""

    def __init__(self, keyword_words: Mapping[str, Iterable[str]]) -> None:
        self.tables = {
            language: _forms(language, frozenset(found))
            for language, found in keyword_words.items()
        }

    def of(self, word: str, language: str) -> str | None:
        """A keyword word's base form as an item (`=käsi`), or None when it has none."""
        base = self.tables.get(language, {}).get(word)
        return BASE + fold(base) if base else None

    def whole(self, word: str) -> set[str]:
        """The base forms a message word may have."""
        found = set()
        for table in self.tables.values():
            base = table.get(word)
            if base is not None:
                found.add(BASE + fold(base))
        return found

    def parts(self, word: str) -> set[str]:
        """The base forms a compound's last part may have."""
        found: set[str] = set()
        for table in self.tables.values():
            for start in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1):
                base = table.get(word[start:])
                if base is not None and len(base) > COMPOUND_PART:
                    found.add(BASE + fold(base))
        return found
