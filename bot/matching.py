"""Recognising what a parent wrote: word stems compared with keyword lists from the catalogs.

Finnish inflects heavily (itku, itkee, itkua, itkuinen), parents type fast, with typos and
often without ä, ö and å. So both the message and the keywords are cut to stems with the
Snowball stemmer of each language and folded to plain letters. A keyword stem matches a
word that starts with it (compounds included) or, when the stem is long, nearly does: one
letter wrong, missing, extra or swapped after the first letter.

Matching runs on every typed message, so the keyword stems are indexed once (`StemIndex`)
and a message costs a few dictionary look-ups per word.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

STEMMERS = {"fi": "finnish", "sv": "swedish", "en": "english"}
_WORD = re.compile(r"[^\W_]+")
_FOLD = str.maketrans("äöåéèüáà", "aoaeeuaa")
#: Stems this short must match a word's stem exactly, not as its beginning.
SHORT_STEM = 3
#: Stems at least this long also match with one typo.
TYPO_STEM = 6
#: Longer words are cut to this length (Finnish compounds stay whole).
LONGEST_WORD = 40
#: How many different words a vocabulary remembers the matches of.
SEEN_WORDS = 100_000


@lru_cache(maxsize=3)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(STEMMERS[language])


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    """A word's stem in a language, folded to plain letters."""
    return str(_stemmer(language).stemWord(word)).translate(_FOLD)


def words(text: str) -> list[str]:
    """The words of a text, lower-case, in Unicode's composed form; a "word" longer than any
    real one is cut, so that no message costs more than its length."""
    return [w[:LONGEST_WORD] for w in _WORD.findall(unicodedata.normalize("NFC", text).lower())]


def stems(text: str, languages: Iterable[str]) -> frozenset[str]:
    """Every stem a text's words may have in the given languages, folded to plain letters."""
    found: set[str] = set()
    for word in words(text):
        found.add(word.translate(_FOLD))
        found.update(stem(word, language) for language in languages)
    return frozenset(found)


@dataclass(frozen=True)
class Keywords:
    """A keyword list: phrases, each a tuple of stems that must all occur."""

    phrases: tuple[tuple[str, ...], ...]
    #: For each stem, the phrases it is in.
    by_stem: dict[str, tuple[tuple[str, ...], ...]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for phrase in self.phrases:
            for item in set(phrase):
                index[item].append(phrase)
        object.__setattr__(self, "by_stem", {k: tuple(v) for k, v in index.items()})

    @property
    def all_stems(self) -> Iterable[str]:
        return self.by_stem.keys()

    @classmethod
    def parse(cls, text: str, language: str) -> Keywords:
        phrases = []
        for part in text.split(","):
            phrase = tuple(stem(word, language) for word in words(part))
            if phrase:
                phrases.append(phrase)
        return cls(tuple(phrases))

    def __or__(self, other: Keywords) -> Keywords:
        return Keywords(tuple(dict.fromkeys(self.phrases + other.phrases)))

    def score(self, found: frozenset[str]) -> int:
        """How strongly a message points here: the words of every phrase whose stems were
        all found (`StemIndex.found`)."""
        candidates = {p for item in found if item in self.by_stem for p in self.by_stem[item]}
        return sum(len(p) for p in candidates if all(s in found for s in p))


class StemIndex:
    """The keyword stems of a vocabulary, indexed for the three ways a word can match."""

    def __init__(self, keywords: Iterable[Keywords]) -> None:
        self.exact: set[str] = set()
        self.prefixes: set[str] = set()
        self.near: dict[str, set[str]] = defaultdict(set)
        self._seen: dict[str, frozenset[str]] = {}
        self.longest = 0
        for keyword_list in keywords:
            for item in keyword_list.all_stems:
                self.longest = max(self.longest, len(item))
                if len(item) <= SHORT_STEM:
                    self.exact.add(item)
                    continue
                self.prefixes.add(item)
                if len(item) >= TYPO_STEM:
                    for variant in _deletions(item) | {item}:
                        self.near[variant].add(item)

    def found(self, message: frozenset[str]) -> frozenset[str]:
        """The keyword stems a message's stems match."""
        hits: set[str] = set()
        for word in message:
            hits.update(self._hits(word))
        return frozenset(hits)

    def _hits(self, word: str) -> frozenset[str]:
        known = self._seen.get(word)
        if known is not None:
            return known
        hits: set[str] = set()
        if word in self.exact:
            hits.add(word)
        for end in range(SHORT_STEM + 1, min(len(word), self.longest + 1) + 1):
            start = word[:end]
            if start in self.prefixes:
                hits.add(start)
            if end >= TYPO_STEM - 1:
                hits.update(self._near(start))
        if len(self._seen) < SEEN_WORDS:
            self._seen[word] = frozenset(hits)
        return frozenset(hits)

    def _near(self, start: str) -> set[str]:
        """Stems one edit from a word's beginning, with the same first letter."""
        candidates: set[str] = set()
        for variant in _deletions(start) | {start}:
            candidates.update(self.near.get(variant, ()))
        return {c for c in candidates if c[0] == start[0]}


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1 :] for i in range(len(text))}
