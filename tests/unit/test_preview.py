"""The translators' preview: every catalog text is on a screen in it (or is a keyword list),
and what Telegram would refuse or a narrow phone would cut is flagged."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.catalogs import broken_catalogs
from typer.testing import CliRunner

from bot.catalog_checks import check
from bot.cli import app
from bot.dialogs.base import Button
from bot.i18n import LANGUAGES
from bot.preview import build, limits
from bot.preview.gallery import Gallery
from bot.preview.pages import page
from bot.preview.scene_kit import Shown


@pytest.fixture(scope="module")
def gallery() -> Gallery:
    return build()


def test_every_catalog_text_is_on_a_screen_or_listed_as_no_screen(gallery: Gallery) -> None:
    assert gallery.missing() == []
    template_ids = {str(m.id) for m in gallery.template if m.id}
    assert set(gallery.not_screens) <= template_ids
    assert not set(gallery.not_screens) & gallery.used


def test_the_screens_of_today_have_nothing_to_flag(gallery: Gallery) -> None:
    assert gallery.flags == []


def test_each_screen_is_shown_in_finnish_swedish_and_english(gallery: Gallery) -> None:
    main = next(e for e in gallery.entries if e.scene.key == "main")
    texts = {code: main.by_language[code].shown[0].text for code in LANGUAGES}
    assert "Helsingin" in texts["fi"]
    assert "Helsingfors" in texts["sv"]
    assert "City of Helsinki" in texts["en"]
    html = page(gallery, LANGUAGES)
    assert html.count('class="phone"') == 3 * len(gallery.entries)


def test_a_visit_card_is_made_from_the_sample_visit(gallery: Gallery) -> None:
    moved = next(e for e in gallery.entries if e.scene.key == "visit.moved").by_language["fi"]
    assert "to 3.12. klo 9.30" in moved.shown[0].text
    assert "<s>ti 1.12. klo 13.00</s>" in moved.shown[0].text
    assert moved.shown[0].rows[0][0].label == "✅ Vahvista"


def test_telegram_html_is_read_as_telegram_reads_it() -> None:
    parsed = limits.parse("<b>Hei</b> &amp; <i>moi</i>")
    assert parsed.plain == "Hei & moi"
    assert parsed.problems == []
    assert "<b>Hei</b>" in parsed.html
    assert limits.parse("<b>open").problems == ['can\'t parse entities: unclosed tag "b"']
    assert limits.parse("<div>x</div>").problems[0].startswith("can't parse entities")
    assert limits.parse("<script>x</script>").html.startswith("&lt;script&gt;")
    assert limits.parse("😢").length == 2  # Telegram counts UTF-16 code units


def test_over_the_limits_is_flagged() -> None:
    from bot.preview.gallery import _limit_flags

    long_label = Button("Nukahtaminen, yöheräily, vuorokausirytmi ja väsymysmerkit", "a:b")
    shown = (
        Shown("x" * (limits.TEXT_LIMIT + 1)),
        Shown("y" * (limits.CAPTION_LIMIT + 1), kind="caption"),
        Shown("z" * (limits.POPUP_LIMIT + 1), kind="popup"),
        Shown("ok", ((long_label,), (Button("« Takaisin", "a:c"), Button("Päävalikko", "a:d")))),
    )
    flags = _limit_flags(shown)
    assert any(f.startswith("text is 4097 characters") for f in flags)
    assert any(f.startswith("caption is 1025 characters") for f in flags)
    assert any(f.startswith("pop-up is 201 characters") for f in flags)
    assert any("may be cut" in f and "Nukahtaminen" in f for f in flags)
    assert not any("Takaisin" in f or "Päävalikko" in f for f in flags)


#: A Finnish "Privacy" button no phone shows whole.


def test_a_translation_too_long_for_its_button_fails_the_check(tmp_path: Path) -> None:
    locales = broken_catalogs(tmp_path)
    flags = build(locales).flags
    assert "main: fi: label may be cut on a 360 px phone: " in " ".join(flags)
    assert any(f.startswith("customer: fi: fuzzy: 'I have a code'") for f in flags)
    problems = [(p.language, p.message) for p in check(locales) if "may be cut" in p.what]
    assert ("fi", "main") in problems
    assert all(language == "fi" for language, _scene in problems)


def test_otbot_preview_writes_a_page_for_all_and_one_for_each_language(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["preview", "--out", str(tmp_path / "preview")])
    assert result.exit_code == 0, result.output
    assert "0 flags" in result.output
    written = sorted(p.name for p in (tmp_path / "preview").iterdir())
    assert written == ["en.html", "fi.html", "index.html", "sv.html"]
    finnish = (tmp_path / "preview" / "fi.html").read_text(encoding="utf-8")
    everything = (tmp_path / "preview" / "index.html").read_text(encoding="utf-8")
    assert finnish.count('class="phone" lang="fi"') == finnish.count('class="phone"')
    assert everything.count('class="phone"') == 3 * finnish.count('class="phone"')
