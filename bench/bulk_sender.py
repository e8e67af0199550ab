"""The baseline for reminders: a bare python-telegram-bot script that sends one message to
each of N chats, one after another, at most RATE a second — what any bot must do to send
them, without a store, a scheduler or an outbox. The message is like a reminder: about as
long, with its three buttons.

Usage: python bench/bulk_sender.py API_URL TOKEN FIRST_CHAT COUNT RATE
"""

from __future__ import annotations

import asyncio
import sys

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

#: A message like a reminder: about as long, with three buttons.
TEXT = (
    "⏰ <b>Muistutus toimintaterapiakäynnistä</b>\n👶 Lapsi 1\n🗓 <b>to 3.12. klo 9.30</b>\n"
    "📍 Toimintaterapian vastaanotolla\n\nEnsimmäinen käynti kestää noin tunnin. Mukaan "
    "tulee vanhempi tai joku muu lapselle tärkeä aikuinen.\nSopiiko aika teille? Vastaa alla "
    "olevalla painikkeella."
)
BUTTONS = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("✅ Vahvista", callback_data="visit:confirm:1:abc")],
        [InlineKeyboardButton("🔁 Tarvitsen toisen ajan", callback_data="visit:other:1:abc")],
        [InlineKeyboardButton("✖️ Peru", callback_data="visit:cancel:1:abc")],
    ]
)


async def main() -> None:
    api_url, token, first, count, rate = sys.argv[1:6]
    interval = 1.0 / float(rate)
    loop = asyncio.get_running_loop()
    async with Bot(token, base_url=f"{api_url}/bot") as bot:
        next_send = loop.time()
        for chat_id in range(int(first), int(first) + int(count)):
            wait = next_send - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            next_send = max(loop.time(), next_send) + interval
            await bot.send_message(chat_id, TEXT, parse_mode="HTML", reply_markup=BUTTONS)


if __name__ == "__main__":
    asyncio.run(main())
