"""The baseline for reminders: a bare python-telegram-bot script that sends one message to
each of N chats at most RATE a second — what any bot must do to send them, without a
store, a scheduler or an outbox — one after another, or with up to CONCURRENCY in flight
(as otbot's outbox keeps up to 64). The message is like a reminder: about as long, with
its three buttons.

Usage: python bench/bulk_sender.py API_URL TOKEN FIRST_CHAT COUNT RATE [CONCURRENCY]
"""

from __future__ import annotations

import asyncio
import sys

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import RetryAfter
from telegram.request import HTTPXRequest

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
    concurrency = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    interval = 1.0 / float(rate)
    loop = asyncio.get_running_loop()
    chats = iter(range(int(first), int(first) + int(count)))
    next_send = loop.time()

    async def turn() -> None:
        """Wait for the next send's moment at RATE a second."""
        nonlocal next_send
        wait = next_send - loop.time()
        next_send = max(loop.time(), next_send) + interval
        if wait > 0:
            await asyncio.sleep(wait)

    async def sender(bot: Bot) -> None:
        for chat_id in chats:
            while True:
                await turn()
                try:
                    await bot.send_message(chat_id, TEXT, parse_mode="HTML", reply_markup=BUTTONS)
                    break
                except RetryAfter as exc:  # over Telegram's limit after all: wait, send again
                    wait = exc.retry_after
                    await asyncio.sleep(wait if isinstance(wait, int | float) else wait.seconds)

    request = HTTPXRequest(connection_pool_size=max(concurrency, 1) + 1)
    async with Bot(token, base_url=f"{api_url}/bot", request=request) as bot:
        await asyncio.gather(*(sender(bot) for _ in range(concurrency)))


if __name__ == "__main__":
    asyncio.run(main())
