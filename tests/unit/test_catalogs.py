"""The catalogs: complete in every language, consistent with the code, and spelled right."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot.catalog_checks import check
from bot.catalogs import extract
from bot.i18n import BABEL_LOCALES, LANGUAGES, LOCALES_DIR, catalog_path, read_catalog

SPELLING = Path(__file__).parent.parent / "spelling"
SPELLERS = {
    "fi": ["voikkospell"],
    "sv": ["hunspell", "-d", "sv_FI", "-l"],
    "en": ["hunspell", "-d", "en_GB", "-l"],
}


def test_every_text_is_translated_in_every_language() -> None:
    problems = check()
    assert not problems, "\n".join(map(str, problems))


def test_the_check_catches_a_missing_a_fuzzy_and_a_broken_translation(tmp_path: Path) -> None:
    template = extract()
    messages = [m for m in template if m.id and isinstance(m.id, str)]
    with_placeholder = next(m for m in messages if "{" in m.id)
    with_tag = next(m for m in messages if "<b>" in m.id and "{" not in m.id)
    for language in LANGUAGES:
        catalog = Catalog(locale=BABEL_LOCALES[language])
        for message in messages:
            catalog.add(message.id, message.id)
        catalog[with_placeholder.id].string = with_placeholder.id.replace("{", "{x")
        catalog[with_tag.id].string = with_tag.id.replace("<b>", "")
        plain = [m for m in messages if m not in (with_placeholder, with_tag)]
        catalog[plain[0].id].flags.add("fuzzy")
        del catalog[plain[1].id]
        path = catalog_path(language, tmp_path)
        path.parent.mkdir(parents=True)
        with path.open("wb") as handle:
            write_po(handle, catalog)
    found = {(p.language, p.what.split(":")[0]) for p in check(tmp_path)}
    for language in LANGUAGES:
        assert {"missing", "fuzzy", "placeholders differ", "HTML tags differ"} <= {
            what for lang, what in found if lang == language
        }


def test_the_template_is_up_to_date() -> None:
    committed = read_catalog(LOCALES_DIR / "bot.pot")
    fresh = extract()
    assert {m.id for m in committed if m.id} == {m.id for m in fresh if m.id}, (
        "run `otbot i18n update` and commit locales/"
    )


def words_of(text: str) -> set[str]:
    text = re.sub(r"<code>.*?</code>", " ", text)
    text = re.sub(r"<[^>]+>|\{\w*\}|https?://\S+|\S+\.fi\b|/\w+", " ", text)
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text)
    return {word for word in words if len(word) > 1}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalog_is_spelled_right(language: str) -> None:
    speller = SPELLERS[language]
    if shutil.which(speller[0]) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{speller[0]} is missing: .ci/run installs the dictionaries")
        pytest.skip(f"{speller[0]} is not installed (see .ci/run)")
    catalog = read_catalog(catalog_path(language), BABEL_LOCALES[language])
    words: set[str] = set()
    for message in catalog:
        if message.id and isinstance(message.string, str):
            words |= words_of(message.string)
    known = set((SPELLING / f"{language}.txt").read_text(encoding="utf-8").split())
    output = subprocess.run(
        speller, input="\n".join(sorted(words)), capture_output=True, text=True, check=True
    ).stdout
    if language == "fi":
        wrong = {line[3:] for line in output.splitlines() if line.startswith("W: ")}
    else:
        wrong = set(output.split())
    misspelled = sorted(w for w in wrong if w.lower() not in known)
    assert not misspelled, f"{language}: unknown words {misspelled} (fix, or add to spelling/)"
