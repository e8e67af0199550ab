"""Translations from the gettext catalogs in `locales/`, language choice and Babel formatting.

The catalogs are read from the `.po` files at start (`babel.messages.pofile.read_po`), so there
is no compile step and no stale `.mo` file. English is the source language. In a checkout they
are `locales/` beside the package; an installed wheel carries them as `bot/locales/`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES = ("fi", "sv", "en")
#: A parent's language when their Telegram app's is none of `LANGUAGES`, or when the bot
#: keeps no language of theirs (`language_for`). Staff read `OTBOT_STAFF_LANGUAGE` instead.
DEFAULT_LANGUAGE = "en"
#: Each language's name written in that language, for the language menu.
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}
#: Babel's Finland locales: 24-hour clock, "9.30".
BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_FI"}
DOMAIN = "bot"

log = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).resolve().parent


def find_locales(package_dir: Path = PACKAGE_DIR) -> Path:
    """The catalogs' folder: inside the installed package, else the checkout's `locales/`."""
    installed = package_dir / "locales"
    if (installed / f"{DOMAIN}.pot").exists():
        return installed
    return package_dir.parent / "locales"


LOCALES_DIR = find_locales()


def N_(message: str) -> str:  # noqa: N802 (gettext's name for a marker)
    """Mark a text for the catalogs where it is defined as data; translate it when shown."""
    return message


#: A day as people here write it before a time: "to 3.12.", "tors 3.12", "Thu 3 Dec".
DAY_PATTERNS = {"fi": "EEE d.M.", "sv": "EEE d.M", "en": "EEE d MMM"}
# Translators: a visit's day and time, like "to 3.12. klo 9.30" or "tors 3.12 kl. 9.30".
MOMENT = N_("{day} at {time}")


def language_for(language_code: str | None) -> str:
    """The bot's language for a parent from a Telegram client's language code or the
    language kept for their chat: fi, sv or else English (`DEFAULT_LANGUAGE`)."""
    if language_code:
        primary = language_code.replace("_", "-").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def catalog_path(language: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


@dataclass(frozen=True)
class Translator:
    """One language's texts and formats. Call it like gettext: `_("Hello, {name}!", name=n)`."""

    language: str
    messages: Mapping[str, str] = field(default_factory=dict)
    plurals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __call__(self, message: str, /, **values: object) -> str:
        text = self.messages.get(message) or message
        return text.format(**values) if values else text

    def plural(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        # Finnish, Swedish and English share the rule nplurals=2; plural=(n != 1).
        index = 0 if count == 1 else 1
        forms = self.plurals.get(singular) or (singular, plural)
        text = forms[index] or (singular, plural)[index]
        return text.format(count=count, **values)

    @property
    def locale(self) -> str:
        return BABEL_LOCALES[self.language]

    def date(self, value: dt.date) -> str:
        """3.12.2026 / 3.12.2026 / 03/12/2026."""
        return format_date(value, "short", locale=self.locale)

    def weekday_date(self, value: dt.date) -> str:
        """to 3.12. / tors 3 dec. / Thu, 3 Dec."""
        return format_skeleton("MMMEd", value, locale=self.locale)

    def moment(self, value: dt.datetime) -> str:
        """A visit's time, in the zone it is given in: "to 3.12. klo 9.30" / "tors 3.12
        kl. 9.30" / "Thu 3 Dec at 9.30"."""
        wall = value.replace(tzinfo=None)  # the cache keys on the wall time, not the instant
        return self(MOMENT, day=_day(wall, self.language), time=_time(wall, self.locale))

    def time(self, value: dt.time | dt.datetime) -> str:
        """9.30 in every language: the 24-hour clock as it is written in Finland."""
        return format_time(value, "short", locale=self.locale)


@lru_cache(maxsize=1024)
def _day(value: dt.datetime, language: str) -> str:
    """A visit's day from its local wall time; kept, since a day's visits share their days
    and times (reminders in bulk format the same few again and again)."""
    return format_datetime(value, DAY_PATTERNS[language], locale=BABEL_LOCALES[language])


@lru_cache(maxsize=1024)
def _time(value: dt.datetime, locale: str) -> str:
    return format_time(value, "short", locale=locale)


def load_translators(locales_dir: Path = LOCALES_DIR) -> dict[str, Translator]:
    """Read every language's catalog once; a missing catalog falls back to the English source."""
    translators: dict[str, Translator] = {}
    for language in LANGUAGES:
        path = catalog_path(language, locales_dir)
        if not path.exists():
            log.error("catalog missing: %s (its texts are shown in English)", path)
            translators[language] = Translator(language)
            continue
        catalog = read_catalog(path, BABEL_LOCALES[language])
        messages: dict[str, str] = {}
        plurals: dict[str, tuple[str, ...]] = {}
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple | list):
                plurals[message.id[0]] = tuple(message.string or ())
            elif message.string:
                messages[str(message.id)] = str(message.string)
        translators[language] = Translator(language, messages, plurals)
    return translators
