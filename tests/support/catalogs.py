"""Catalogs with faults, for the tests of the checks and the preview."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.pofile import write_po

from bot.i18n import BABEL_LOCALES, LANGUAGES, LOCALES_DIR, catalog_path, read_catalog

LONG_LABEL = "🔒 Tietosuoja, henkilötiedot ja niiden poistaminen"


def broken_catalogs(tmp_path: Path) -> Path:
    """Copies of the catalogs in which Finnish has a label too long and a fuzzy text."""
    for language in LANGUAGES:
        target = catalog_path(language, tmp_path)
        target.parent.mkdir(parents=True)
        shutil.copy(catalog_path(language, LOCALES_DIR), target)
    path = catalog_path("fi", tmp_path)
    catalog = read_catalog(path, BABEL_LOCALES["fi"])
    catalog["🔒 Privacy"].string = LONG_LABEL
    catalog["I have a code"].flags.add("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return tmp_path
