"""The baseline: a bare python-telegram-bot bot that answers every text with a page of HTML
as long as otbot's advice pages (about 1,500 characters), with PTB's stock polling.

Usage: python bench/page_bot.py API_URL TOKEN [--concurrent]
  --concurrent  handle updates side by side (`concurrent_updates(64)`), else one at a time
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

PARAGRAPH = (
    "<b>Vauva itkee paljon</b>\n"
    "Itku on vauvan tapa kertoa tarpeistaan. Rauhoita vauvaa <i>lähelläsi</i>: kantaminen, "
    "keinuttaminen ja rauhallinen ääni auttavat monia. Pidä huolta myös omasta jaksamisestasi.\n\n"
)
PAGE = PARAGRAPH * round(1500 / len(PARAGRAPH))


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message and update.message.text:
        await update.message.reply_text(PAGE, parse_mode=ParseMode.HTML)


def main() -> None:
    api_url, token = sys.argv[1], sys.argv[2]
    builder = ApplicationBuilder().token(token).base_url(f"{api_url}/bot")
    if "--concurrent" in sys.argv[3:]:
        builder = builder.concurrent_updates(64)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, answer))
    application.run_polling(allowed_updates=[Update.MESSAGE], timeout=30)


if __name__ == "__main__":
    main()
