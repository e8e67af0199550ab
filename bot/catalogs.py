"""Keeping the translation catalogs: extract texts from the code, update each language, check.

`otbot i18n update` extracts every marked text into `locales/bot.pot` and merges it into the
Finnish, Swedish and English catalogs; `otbot i18n check` (`bot.catalog_checks`) lists every
problem a translator must fix.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from bot.i18n import BABEL_LOCALES, DOMAIN, LANGUAGES, LOCALES_DIR, catalog_path, read_catalog

SOURCE_DIR = Path(__file__).resolve().parent
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "plural": (1, 2)}
COMMENT_TAGS = ["Translators:"]


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
