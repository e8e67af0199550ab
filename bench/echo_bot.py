"""The baseline: a bare python-telegram-bot echo bot with PTB's stock polling.

Usage: python bench/echo_bot.py API_URL TOKEN
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message and update.message.text:
        await update.message.reply_text(update.message.text)


def main() -> None:
    api_url, token = sys.argv[1], sys.argv[2]
    application = ApplicationBuilder().token(token).base_url(f"{api_url}/bot").build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(allowed_updates=[Update.MESSAGE], timeout=30)


if __name__ == "__main__":
    main()
