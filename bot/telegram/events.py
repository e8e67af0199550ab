"""Update → event: the dialog event a message stands for."""

from __future__ import annotations

import logging

from telegram import Message, Update

from bot.dialogs.base import (
    Command,
    Event,
    Text,
    Unsupported,
)

log = logging.getLogger(__name__)


def message_event(message: Message, *, edited: bool = False) -> Event:
    """The dialog event a message stands for."""
    if edited:
        return Unsupported("edited")
    text = message.text
    if text is None:
        return Unsupported(_content_kind(message))
    if text.startswith("/"):
        head, _, argument = text[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        if name:
            return Command(name, argument.strip())
    return Text(text)


def _content_kind(message: Message) -> str:
    for kind in ("sticker", "photo", "voice", "video_note", "video", "audio", "document"):
        if getattr(message, kind, None):
            return kind
    if message.location or message.venue:
        return "location"
    if message.contact:
        return "contact"
    return "other"


def language_code_of(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user else None
