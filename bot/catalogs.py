"""Keeping the translation catalogs: extract texts from the code, update each language, check.

`otbot i18n update` extracts every marked text into `locales/bot.pot` and merges it into the
Finnish, Swedish and English catalogs; `otbot i18n check` lists every problem a translator
must fix. The test suite runs the same check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from bot.i18n import BABEL_LOCALES, DOMAIN, LANGUAGES, LOCALES_DIR, catalog_path, read_catalog

SOURCE_DIR = Path(__file__).resolve().parent
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "plural": (1, 2)}
COMMENT_TAGS = ["Translators:"]

_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
_TAG = re.compile(r"</?([a-z-]+)[^>]*>")
_HTML_TAGS_ALLOWED = {"b", "i", "u", "s", "code", "pre", "a", "blockquote", "tg-spoiler"}


def extract(source_dir: Path = SOURCE_DIR) -> Catalog:
    """Every text marked in the code, with its translator comments and places."""
    template = _new_catalog(None)
    method_map = [("**.py", "python")]
    found = extract_from_dir(
        source_dir,
        method_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        location = (f"bot/{Path(filename).as_posix()}", lineno)
        template.add(message, None, [location], auto_comments=comments, context=context)
    return template


def update(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Write the template and merge it into each language's catalog; returns what was written."""
    template = extract()
    written = [_write(template, locales_dir / f"{DOMAIN}.pot")]
    for language in LANGUAGES:
        path = catalog_path(language, locales_dir)
        if path.exists():
            catalog = read_catalog(path, BABEL_LOCALES[language])
        else:
            catalog = _new_catalog(BABEL_LOCALES[language])
        catalog.update(template, update_header_comment=False)
        catalog.obsolete.clear()
        if language == "en":
            _fill_english(catalog)
        written.append(_write(catalog, path))
    return written


def _new_catalog(locale: str | None) -> Catalog:
    catalog = Catalog(
        locale=locale,
        domain=DOMAIN,
        project="otbot",
        version="1",
        copyright_holder="City of Helsinki",
        msgid_bugs_address="",
        creation_date=datetime(2026, 11, 28, tzinfo=UTC),
        revision_date=datetime(2026, 11, 28, tzinfo=UTC),
        last_translator="otbot text keepers",
        language_team="City of Helsinki paediatric occupational therapy",
        fuzzy=False,
    )
    catalog.header_comment = (
        "# Texts of otbot, the Telegram bot of Helsinki's paediatric occupational therapy.\n"
        "# Edit the msgstr lines; run `otbot i18n check` before committing."
    )
    return catalog


def _fill_english(catalog: Catalog) -> None:
    """English is the source language: a new English text starts as its source."""
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
        if message.id and message.fuzzy and message.string:
            message.string = message.id
            message.flags.discard("fuzzy")


def _write(catalog: Catalog, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=99, sort_output=False, include_previous=True)
    return path


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
    from bot.preview.gallery import build

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
