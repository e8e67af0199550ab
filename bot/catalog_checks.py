"""`otbot i18n check`: every problem a translator must fix, in the catalogs and on the
screens as the preview renders them. The test suite runs the same check."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from bot.catalogs import extract
from bot.i18n import BABEL_LOCALES, LANGUAGES, LOCALES_DIR, catalog_path, read_catalog
from bot.preview.gallery import build

_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
_TAG = re.compile(r"</?([a-z-]+)[^>]*>")
_HTML_TAGS_ALLOWED = {"b", "i", "u", "s", "code", "pre", "a", "blockquote", "tg-spoiler"}


@dataclass(frozen=True)
class Problem:
    language: str
    message: str
    what: str

    def __str__(self) -> str:
        return f"{self.language}: {self.what}: {self.message[:70]!r}"


def check(locales_dir: Path = LOCALES_DIR) -> list[Problem]:
    """Every text of the code must be translated in every language, not fuzzy, with the same
    placeholders and HTML tags as the source; and every screen, rendered as the preview
    renders it, within Telegram's limits (text, caption, pop-up, button data) with no button
    label too wide for a 360 px phone."""
    template = extract()
    problems = _catalog_problems(template, locales_dir)
    return problems + limit_problems(template, locales_dir)


def limit_problems(template: Catalog, locales_dir: Path = LOCALES_DIR) -> list[Problem]:
    """What Telegram would refuse or a narrow phone would cut, screen by screen."""
    gallery = build(locales_dir, template)
    return [
        Problem(language, entry.scene.key, flag)
        for entry in gallery.entries
        for language, rendered in entry.by_language.items()
        for flag in rendered.limit_flags
    ]


def _catalog_problems(template: Catalog, locales_dir: Path) -> list[Problem]:
    problems: list[Problem] = []
    for language in LANGUAGES:
        path = catalog_path(language, locales_dir)
        if not path.exists():
            problems.append(Problem(language, str(path), "catalog missing"))
            continue
        catalog = read_catalog(path, BABEL_LOCALES[language])
        for source in template:
            if source.id:
                problems.extend(_check_message(language, source, catalog.get(source.id)))
    return problems


def _check_message(language: str, source: Message, found: Message | None) -> list[Problem]:
    key = source.id if isinstance(source.id, str) else source.id[0]
    if found is None:
        return [Problem(language, key, "missing")]
    if found.fuzzy:
        return [Problem(language, key, "fuzzy")]
    sources = [source.id] if isinstance(source.id, str) else list(source.id)
    strings = [found.string] if isinstance(found.string, str) else list(found.string or ())
    if not all(strings):
        return [Problem(language, key, "not translated")]
    problems = []
    for text in strings:
        if _placeholders(text) != _placeholders(sources[-1]):
            problems.append(Problem(language, key, f"placeholders differ: {_placeholders(text)}"))
        if _tags(text) != _tags(sources[-1]):
            problems.append(Problem(language, key, "HTML tags differ"))
        if not set(_tags(text)) <= _HTML_TAGS_ALLOWED:
            problems.append(Problem(language, key, "HTML tag Telegram does not know"))
    return problems


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _tags(text: str) -> list[str]:
    return sorted(_TAG.findall(text))
