"""Recognising what a parent wrote: words compared with keyword lists from the catalogs.

Finnish inflects heavily (itku, itkee, itkua, itkuinen; uni, unta, unet), compounds freely
(hiustenpesu, päiväunet, morgonvakning) and parents type fast, with typos and often
without ä, ö and å. A keyword word therefore matches a message word in three ways:

- **base form**: both are forms of the same word in simplemma's dictionaries (`kädet` and
  `käsi`, `kylvyssä` and `kylpy`, `kräks` and `kräkas`). The dictionaries are large, so only
  the forms of the keywords' base forms are kept (`BaseForms`), read once per process;
  a compound's last part is looked up too (`hiusten|pesussa`);
- **stem**: the message word, or a compound's later part, starts with the keyword's
  Snowball stem (`koliikki` finds `koliikkivauva`), or nearly does when the stem is long:
  one letter wrong, missing, extra or swapped after the first letter;
- **exactly**, for stems of three letters or fewer.

Without simplemma (not installed, or its data unreadable) matching falls back to stems
alone, and `bot.domain.base_forms.base_forms_missing` says why.

Matching runs on every typed message, so the keyword stems are indexed once (`StemIndex`)
and a message costs a few dictionary look-ups per word.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.domain.base_forms import BASE, COMPOUND_PART, BaseForms
from bot.domain.words import SEEN_WORDS, SHORT_STEM, TYPO_STEM, fold, stem, words

log = logging.getLogger(__name__)

# Keyword lists -------------------------------------------------------------------------------

#: A word of a keyword phrase: the items that each stand for it (its stem, its base form).
Alternatives = frozenset[str]
Phrase = tuple[Alternatives, ...]


def parse(text: str, language: str, forms: BaseForms | None = None) -> tuple[Phrase, ...]:
    """The phrases of a comma-separated keyword text."""
    phrases = []
    for part in text.split(","):
        phrase = []
        for word in words(part):
            cut = stem(word, language)
            # A long word cut to a short stem would match too much (`lötkö` is not `lots`).
            alternatives = {fold(word) if len(cut) <= SHORT_STEM < len(word) else cut}
            base = forms.of(word, language) if forms else None
            if base is not None:
                alternatives.add(base)
            phrase.append(frozenset(alternatives))
        if phrase:
            phrases.append(tuple(phrase))
    return tuple(dict.fromkeys(phrases))


@dataclass(frozen=True)
class Keywords:
    """A keyword list: phrases, each a tuple of words that must all occur."""

    phrases: tuple[Phrase, ...]
    #: For each item, the phrases it is in.
    by_item: dict[str, tuple[Phrase, ...]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[Phrase]] = defaultdict(list)
        for phrase in self.phrases:
            for item in {i for alternatives in phrase for i in alternatives}:
                index[item].append(phrase)
        object.__setattr__(self, "by_item", {k: tuple(v) for k, v in index.items()})

    @property
    def all_items(self) -> Iterable[str]:
        return self.by_item.keys()

    def __or__(self, other: Keywords) -> Keywords:
        return Keywords(tuple(dict.fromkeys(self.phrases + other.phrases)))

    def matched(self, message: Message) -> list[Phrase]:
        """The phrases all of whose words the message holds."""
        candidates = {
            p for item in message.items if item in self.by_item for p in self.by_item[item]
        }
        return [p for p in candidates if all(alts & message.items for alts in p)]

    def matches(self, message: Message) -> bool:
        return bool(self.matched(message))


@dataclass(frozen=True)
class Message:
    """What a message's words matched: all the items, and each word's."""

    items: frozenset[str]
    by_word: tuple[frozenset[str], ...]


class StemIndex:
    """The keyword items of a vocabulary, indexed for the ways a word can match."""

    def __init__(self, keywords: Iterable[Keywords], forms: BaseForms | None = None) -> None:
        self.forms = forms
        self.exact: set[str] = set()
        self.prefixes: set[str] = set()
        self.near: dict[str, set[str]] = defaultdict(set)
        self._seen: dict[str, frozenset[str]] = {}
        self.longest = 0
        for keyword_list in keywords:
            for item in keyword_list.all_items:
                if item.startswith(BASE):
                    continue
                self.longest = max(self.longest, len(item))
                if len(item) <= SHORT_STEM:
                    self.exact.add(item)
                    continue
                self.prefixes.add(item)
                if len(item) >= TYPO_STEM:
                    for variant in _deletions(item) | {item}:
                        self.near[variant].add(item)

    def read(self, text: str, languages: Iterable[str]) -> Message:
        """The keyword items each word of a text matches."""
        languages = tuple(languages)
        by_word = tuple(self._word(word, languages) for word in words(text))
        return Message(frozenset().union(*by_word), by_word)

    def _word(self, word: str, languages: tuple[str, ...]) -> frozenset[str]:
        known = self._seen.get(word)
        if known is not None:
            return known
        hits: set[str] = set()
        folded = fold(word)
        forms = {folded, *(stem(word, language) for language in languages)}
        for form in forms:
            hits |= self._stem_hits(form)
        if self.forms is not None:
            hits |= self.forms.whole(word)
        if not hits:
            # A compound the keywords do not hold: its later parts (`hiusten|pesussa`).
            for start in range(COMPOUND_PART, len(folded) - SHORT_STEM):
                hits |= {h for h in self._prefix_hits(folded[start:]) if len(h) > SHORT_STEM}
            if self.forms is not None:
                hits |= self.forms.parts(word)
        if not hits:
            # A typo only in a word that nothing else recognised.
            for form in forms:
                for end in range(TYPO_STEM - 1, min(len(form), self.longest + 1) + 1):
                    hits |= self._near(form[:end])
        found = frozenset(hits)
        if len(self._seen) < SEEN_WORDS:
            self._seen[word] = found
        return found

    def _prefix_hits(self, word: str) -> set[str]:
        return {
            word[:end]
            for end in range(SHORT_STEM + 1, min(len(word), self.longest) + 1)
            if word[:end] in self.prefixes
        }

    def _stem_hits(self, word: str) -> set[str]:
        hits: set[str] = set()
        if word in self.exact:
            hits.add(word)
        for end in range(SHORT_STEM + 1, min(len(word), self.longest) + 1):
            if word[:end] in self.prefixes:
                hits.add(word[:end])
        return hits

    def _near(self, start: str) -> set[str]:
        """Stems one edit from a word's beginning, with the same first letter."""
        candidates: set[str] = set()
        for variant in _deletions(start) | {start}:
            candidates.update(self.near.get(variant, ()))
        return {c for c in candidates if c[0] == start[0]}


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


# Weighing ------------------------------------------------------------------------------------


class Weigher:
    """Scores of competing keyword lists (topics, pages) for a message.

    Each word of the message counts once for a list, by how specific the item it matched is:
    an item in one list counts 1, one in two lists 1/2, and so on, so that one word shared by
    several lists does not pull the answer away. An item of a list's own words (a topic's,
    not only one of its questions') counts fully, others half. A phrase of several words
    adds a quarter.
    """

    def __init__(self, lists: Mapping[str, tuple[Keywords, Keywords]]) -> None:
        """`lists`: by name, the list's own keywords and all of its keywords."""
        self.lists = {name: every for name, (_own, every) in lists.items()}
        self.own = {name: set(own.all_items) for name, (own, _every) in lists.items()}
        holders: dict[str, set[str]] = defaultdict(set)
        for name, keywords in self.lists.items():
            for item in keywords.all_items:
                holders[item].add(name)
        self.weight = {item: 1 / len(names) for item, names in holders.items()}

    def scores(self, message: Message) -> list[tuple[str, float]]:
        """Every list the message matches, best first."""
        result = []
        for name, keywords in self.lists.items():
            phrases = keywords.matched(message)
            if not phrases:
                continue
            items = {i for p in phrases for alternatives in p for i in alternatives}
            own = self.own[name]
            total = PHRASE_BONUS * sum(1 for p in phrases if len(p) > 1)
            for word_items in message.by_word:
                shared = word_items & items
                if shared:
                    total += max(
                        self.weight[i] * (1 if i in own else QUESTION_SHARE) for i in shared
                    )
            result.append((name, total))
        result.sort(key=lambda ns: -ns[1])
        return result


#: What a matched phrase of several words adds to a list's score.
PHRASE_BONUS = 0.25
#: How much a word found only among a topic's questions counts, against its own words.
QUESTION_SHARE = 0.5
