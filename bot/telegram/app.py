"""Builds the python-telegram-bot Application: the one place that wires every handler."""

from __future__ import annotations

import logging
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.runtime.http import AiohttpRequest
from bot.runtime.intake import note_failure
from bot.runtime.limits import Limits
from bot.services import Services
from bot.telegram import groups, handlers, staff_access
from bot.telegram.context import BotContext, attach

log = logging.getLogger(__name__)

BotApplication = Application[Any, BotContext, Any, Any, Any, Any]

#: The updates the bot asks Telegram for.
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    # Who joins the staff group and who is made or stops being an administrator (staff);
    # Telegram sends these only to a bot that is an administrator, and only when asked.
    Update.CHAT_MEMBER,
]

# Handler groups run in this order; the first matching handler of each group runs.
GUARDS = -1
CONVERSATION = 0


def build_application(services: Services) -> BotApplication:
    settings = services.settings
    application: BotApplication = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .updater(None)
        .request(AiohttpRequest(connections=settings.concurrency))
        .get_updates_request(AiohttpRequest(connections=1))
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(
            Limits(
                per_second=settings.worker_send_rate,
                group_per_minute=settings.worker_group_rate,
            )
        )
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .build()
    )
    attach(application, services)

    staff = filters.Chat(settings.staff_chat_id) if settings.staff_chat_id else None
    other_groups = filters.ChatType.GROUPS & ~staff if staff else filters.ChatType.GROUPS

    application.add_handlers(
        [
            ChatMemberHandler(groups.on_bot_added_to_group, ChatMemberHandler.MY_CHAT_MEMBER),
            MessageHandler(
                other_groups | filters.ChatType.CHANNEL, groups.on_foreign_group_message
            ),
        ],
        group=GUARDS,
    )
    application.add_handlers(
        [
            MessageHandler(
                filters.ChatType.PRIVATE
                & (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE),
                handlers.on_private_message,
            ),
            CallbackQueryHandler(handlers.on_button),
        ],
        group=CONVERSATION,
    )
    if staff is not None:
        application.add_handler(
            MessageHandler(staff & filters.UpdateType.MESSAGES, handlers.on_staff_message),
            group=CONVERSATION,
        )
        application.add_handler(
            ChatMemberHandler(
                staff_access.on_member_change,
                ChatMemberHandler.CHAT_MEMBER,
                chat_id=settings.staff_chat_id,
            ),
            group=CONVERSATION,
        )
    application.add_error_handler(note_failure)
    return application
