"""The gallery as static HTML pages: index.html with fi, sv and en side by side, and one
page per language."""

from __future__ import annotations

import html
from pathlib import Path

import segno
from babel.messages.catalog import Message

from bot.dialogs.base import Button
from bot.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
)
from bot.preview import limits
from bot.preview.gallery import SAMPLE_LINK, Entry, Gallery, Rendered, build
from bot.preview.scene_kit import Shown


def write_gallery(out: Path, gallery: Gallery | None = None) -> list[Path]:
    """Write index.html (fi, sv and en side by side) and one page per language into `out`."""
    gallery = gallery or build()
    out.mkdir(parents=True, exist_ok=True)
    written = [_write(out / "index.html", page(gallery, LANGUAGES))]
    for language in LANGUAGES:
        written.append(_write(out / f"{language}.html", page(gallery, (language,))))
    return written


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def page(gallery: Gallery, languages: tuple[str, ...]) -> str:
    comments = {str(m.id): m for m in gallery.template if m.id}
    sections: dict[str, list[Entry]] = {}
    for entry in gallery.entries:
        sections.setdefault(entry.scene.section, []).append(entry)
    title = "otbot: every screen" + ("" if len(languages) > 1 else f" ({languages[0]})")
    parts = [
        "<!doctype html>",
        f'<html lang="{languages[0] if len(languages) == 1 else "en"}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{html.escape(title)}</h1>",
        "<p>Each screen as a phone 360 px wide shows it: the message with its formatting and the",
        " buttons under it (a label too long for its button is cut, as Telegram cuts it). Under",
        " each screen's name: the catalog texts it uses, with their comments for translators,",
        " and what is wrong.</p>",
        '<p class="summary">Screens: ',
        f"{len(gallery.entries)}. Flagged: "
        f'<span id="flagged">{_count_flagged(gallery, languages)}</span>.'
        ' Labels or bubbles too wide in this browser: <span id="too-wide">…</span>.</p>',
        '<nav><a href="index.html">fi · sv · en</a>',
        *(f' · <a href="{code}.html">{LANGUAGE_NAMES[code]}</a>' for code in LANGUAGES),
        "<br>",
        " · ".join(f'<a href="#{_anchor(name)}">{html.escape(name)}</a>' for name in sections),
        "</nav></header><main>",
    ]
    for name, entries in sections.items():
        parts.append(f'<section id="{_anchor(name)}"><h2>{html.escape(name)}</h2>')
        for entry in entries:
            parts.append(_entry(entry, languages, comments))
        parts.append("</section>")
    parts.append(_not_screens(gallery, comments))
    parts.append(f"</main><script>{SCRIPT}</script></body></html>")
    return "\n".join(parts)


def _count_flagged(gallery: Gallery, languages: tuple[str, ...]) -> int:
    return sum(1 for e in gallery.entries if any(e.by_language[code].flags for code in languages))


def _anchor(name: str) -> str:
    return name.lower().replace(" ", "-")


def _entry(entry: Entry, languages: tuple[str, ...], comments: dict[str, Message]) -> str:
    scene = entry.scene
    flags = [f"{code}: {flag}" for code in languages for flag in entry.by_language[code].flags]
    flagged = " flagged" if flags else ""
    parts = [
        f'<article class="scene{flagged}" id="{html.escape(scene.key)}">',
        f'<h3><a href="#{html.escape(scene.key)}">{html.escape(scene.key)}</a> · ',
        f"{html.escape(scene.title)}{' · <em>staff group</em>' if scene.staff else ''}</h3>",
        '<ul class="flags">',
        *(f"<li>{html.escape(flag)}</li>" for flag in flags),
        "</ul>",
        f"<details><summary>catalog texts: {len(entry.used)}</summary><dl>",
    ]
    for text in entry.used:
        message = comments.get(text)
        note = " ".join(message.auto_comments) if message else ""
        where = ", ".join(f"{p}:{n}" for p, n in message.locations) if message else ""
        parts.append(
            f"<dt><code>{html.escape(text[:120])}{'…' if len(text) > 120 else ''}</code></dt>"
            f'<dd>{html.escape(note)} <span class="where">{html.escape(where)}</span></dd>'
        )
    parts.append('</dl></details><div class="phones">')
    for code in languages:
        parts.append(_phone(entry.by_language[code]))
    parts.append("</div></article>")
    return "\n".join(parts)


def _phone(rendered: Rendered) -> str:
    code = rendered.language
    parts = [
        f'<div class="phone" lang="{code}" data-language="{code}">',
        f'<div class="language">{html.escape(LANGUAGE_NAMES[code])}</div>',
    ]
    for item in rendered.shown:
        parts.append(_shown(item))
    parts.append("</div>")
    return "\n".join(parts)


def _shown(item: Shown) -> str:
    if item.kind == "popup":
        return f'<div class="popup" title="pop-up">{html.escape(item.text)}</div>'
    if item.kind in ("description", "short"):
        heading = "What can this bot do?" if item.kind == "description" else "Bio"
        return f'<div class="description"><b>{heading}</b><br>{html.escape(item.text)}</div>'
    if item.kind == "commands":
        lines = "".join(
            f"<li><b>{html.escape(line.partition(' – ')[0])}</b> "
            f"{html.escape(line.partition(' – ')[2])}</li>"
            for line in item.text.splitlines()
        )
        return f'<ul class="commands">{lines}</ul>'
    body = limits.parse(item.text).html
    photo = ""
    if item.kind == "caption":
        code = segno.make(SAMPLE_LINK, error="m").svg_inline(scale=3)
        photo = f'<div class="photo">{code}</div>'
    rows = "".join(_row(row) for row in item.rows)
    keyboard = f'<div class="keyboard">{rows}</div>' if rows else ""
    wide = " with-keyboard" if rows else ""
    return f'<div class="message{wide}">{photo}<div class="bubble">{body}</div>{keyboard}</div>'


def _row(row: tuple[Button, ...]) -> str:
    buttons = "".join(
        f'<div class="button{" url" if b.url else ""}" '
        f'data-callback="{html.escape(b.data or "")}">'
        f'<span class="label">{html.escape(b.label)}</span></div>'
        for b in row
    )
    return f'<div class="row">{buttons}</div>'


def _not_screens(gallery: Gallery, comments: dict[str, Message]) -> str:
    items = "".join(
        f"<li>{html.escape(why)}: <code>{html.escape(text[:80])}…</code></li>"
        for text, why in gallery.not_screens.items()
    )
    return (
        '<section id="not-screens"><h2>Not screens</h2><p>Keyword lists: the words the bot'
        " reads typed messages with. They are edited in the catalogs but never shown.</p>"
        f"<ul>{items}</ul></section>"
    )


STYLE = f"""
:root {{ --phone: {limits.PHONE_WIDTH}px; --bubble: {limits.BUBBLE_WIDTH}px;
  --gap: {limits.BUTTON_GAP}px; --pad: {limits.BUTTON_PADDING}px; }}
body {{ font: 14px/1.4 Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif,
  "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji"; margin: 0; background: #f4f4f5;
  color: #111; }}
header, main {{ padding: 8px 16px; }}
header p {{ max-width: 70em; }}
nav a {{ margin-right: .2em; }}
h2 {{ border-bottom: 2px solid #3a76b8; margin-top: 2em; }}
h3 {{ font-size: 15px; margin: 1.4em 0 .3em; }}
.scene.flagged h3::before {{ content: "⚠️ "; }}
.flags {{ color: #a40000; margin: 0; padding-left: 1.2em; }}
details {{ margin: .2em 0 .5em; }}
dt code {{ background: #e8e8ea; }}
dd {{ margin: 0 0 .4em 1.5em; color: #444; }}
.where {{ color: #888; font-size: 12px; }}
.phones {{ display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }}
.phone {{ width: var(--phone); box-sizing: border-box; padding: 8px 8px 12px;
  background: #b8d3a3; border-radius: 12px; overflow: hidden; }}
.language {{ font-size: 12px; color: #2d4a1e; margin-bottom: 4px; }}
.message {{ max-width: var(--bubble); margin-bottom: 8px; }}
.message.with-keyboard {{ width: var(--bubble); }}
.bubble {{ background: #fff; border-radius: 12px 12px 12px 4px; padding: 6px 9px 7px;
  font-size: 15px; line-height: 1.35; white-space: pre-wrap; overflow-wrap: anywhere;
  overflow: hidden; box-shadow: 0 1px 1px rgba(0,0,0,.15); }}
.bubble code, .bubble pre {{ font-family: "Roboto Mono", "DejaVu Sans Mono", monospace;
  color: #2d61a3; }}
.bubble blockquote {{ margin: 2px 0; padding-left: 8px; border-left: 3px solid #3a76b8; }}
.bubble .spoiler {{ background: #ccc; color: transparent; }}
.bubble a {{ color: #2d61a3; }}
.photo {{ background: #fff; border-radius: 12px 12px 0 0; padding: 8px; text-align: center; }}
.photo + .bubble {{ border-radius: 0 0 12px 4px; }}
.keyboard {{ margin-top: 4px; }}
.row {{ display: flex; gap: var(--gap); margin-top: var(--gap); }}
.button {{ flex: 1 1 0; min-width: 0; background: rgba(60, 90, 50, .45); color: #fff;
  border-radius: 8px; padding: 9px var(--pad); text-align: center; position: relative; }}
.button.url::after {{ content: "↗"; position: absolute; top: 1px; right: 4px; font-size: 10px; }}
.label {{ display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  font-size: {limits.BUTTON_FONT_PX}px; font-weight: 500; }}
.too-wide {{ outline: 3px solid #e00000; }}
.popup {{ background: rgba(30, 30, 30, .85); color: #fff; border-radius: 8px; padding: 8px 12px;
  margin: 4px 16px 8px; font-size: 14px; }}
.description {{ background: rgba(255,255,255,.8); border-radius: 12px; padding: 10px;
  text-align: center; white-space: pre-wrap; }}
.commands {{ background: #fff; border-radius: 12px; list-style: none; padding: 6px 10px;
  margin: 0; }}
.commands li {{ padding: 4px 0; border-bottom: 1px solid #eee; }}
#not-screens code {{ font-size: 12px; }}
"""

#: Marks every label and bubble wider than its box (scroll width over client width), once
#: the fonts are in, and counts them; `data-checked` tells a test the marks are done.
SCRIPT = """
document.fonts.ready.then(function () {
  var wide = 0;
  document.querySelectorAll('.label, .bubble').forEach(function (el) {
    if (el.scrollWidth > el.clientWidth) {
      wide += 1;
      el.classList.add('too-wide');
      var scene = el.closest('.scene');
      scene.classList.add('flagged');
      var item = document.createElement('li');
      item.textContent = el.closest('.phone').dataset.language + ': too wide on a 360 px phone: '
        + el.textContent.slice(0, 60);
      scene.querySelector('.flags').appendChild(item);
    }
  });
  document.getElementById('too-wide').textContent = wide;
  document.body.dataset.checked = String(wide);
});
"""
