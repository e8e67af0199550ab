"""Words as matching sees them: a text's words, folded to plain letters and cut to their
Snowball stems."""

from __future__ import annotations

import re
import unicodedata
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


def fold(text: str) -> str:
    """A word folded to plain letters (`yöllä` → `yolla`)."""
    return text.translate(_FOLD)


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    """A word's stem in a language, folded to plain letters."""
    return fold(str(_stemmer(language).stemWord(word)))


def words(text: str) -> list[str]:
    """The words of a text, lower-case, in Unicode's composed form; a "word" longer than any
    real one is cut, so that no message costs more than its length."""
    return [w[:LONGEST_WORD] for w in _WORD.findall(unicodedata.normalize("NFC", text).lower())]
