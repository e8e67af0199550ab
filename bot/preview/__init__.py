"""A gallery of every screen the bot can show, in Finnish, Swedish and English side by side,
for the people who keep the texts: `otbot preview --out DIR`.

Pure: it reads the dialogs and the catalogs and writes static HTML; nothing here talks to
Telegram. `scenes` makes each screen with the dialogs from fixed sample data, `limits` knows
what Telegram accepts and how wide a phone is, `gallery` renders them and `pages` writes the pages.
"""

from bot.preview.gallery import Gallery, build
from bot.preview.pages import write_gallery

__all__ = ["Gallery", "build", "write_gallery"]
