"""The bot's profile: commands by scope and language, descriptions, name and menu button."""

from __future__ import annotations

import re
from typing import Any

from bot.standin.checks import Checks
from bot.standin.core import _BOT_FIRST_NAME
from bot.standin.errors import JSONDict, _bad
from bot.standin.records import _Request


class Profile(Checks):
    """Commands, descriptions, name and menu button."""

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not isinstance(scope, dict) or scope.get("type", "default") == "default":
            return "default"
        kind = str(scope["type"])
        if kind in {"chat", "chat_administrators"}:
            return f"{kind}:{scope.get('chat_id')}"
        if kind == "chat_member":
            return f"{kind}:{scope.get('chat_id')}:{scope.get('user_id')}"
        return kind

    def _set_my_commands(self, req: _Request) -> bool:
        commands = req.params["commands"]
        if len(commands) > 100:
            raise _bad("too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand")
            name = command.get("command")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise _bad("command description is invalid")
        scope = self._scope_key(req.params.get("scope"))
        lang = str(req.params.get("language_code") or "")
        self.scoped_commands[(scope, lang)] = list(commands)
        if scope == "default":
            self.commands[lang] = list(commands)
        return True

    def _get_my_commands(self, req: _Request) -> list[JSONDict]:
        scope = self._scope_key(req.params.get("scope"))
        lang = str(req.params.get("language_code") or "")
        return self.scoped_commands.get((scope, lang), [])

    def _delete_my_commands(self, req: _Request) -> bool:
        scope = self._scope_key(req.params.get("scope"))
        lang = str(req.params.get("language_code") or "")
        self.scoped_commands.pop((scope, lang), None)
        if scope == "default":
            self.commands.pop(lang, None)
        return True

    @staticmethod
    def _set_text(store: dict[str, str], req: _Request, key: str, limit: int) -> bool:
        value = str(req.params.get(key) or "")
        lang = str(req.params.get("language_code") or "")
        if len(value) > limit:
            raise _bad(f"{key} is too long")
        if value:
            store[lang] = value
        else:
            store.pop(lang, None)
        return True

    @staticmethod
    def _get_text(store: dict[str, str], req: _Request, key: str) -> JSONDict:
        lang = str(req.params.get("language_code") or "")
        return {key: store.get(lang, store.get("", ""))}

    def _set_my_description(self, req: _Request) -> bool:
        return self._set_text(self.descriptions, req, "description", 512)

    def _get_my_description(self, req: _Request) -> JSONDict:
        return self._get_text(self.descriptions, req, "description")

    def _set_my_short_description(self, req: _Request) -> bool:
        return self._set_text(self.short_descriptions, req, "short_description", 120)

    def _get_my_short_description(self, req: _Request) -> JSONDict:
        return self._get_text(self.short_descriptions, req, "short_description")

    def _set_my_name(self, req: _Request) -> bool:
        return self._set_text(self.names, req, "name", 64)

    def _get_my_name(self, req: _Request) -> JSONDict:
        result = self._get_text(self.names, req, "name")
        return result if result["name"] else {"name": _BOT_FIRST_NAME}

    def _set_chat_menu_button(self, req: _Request) -> bool:
        chat_id = req.params.get("chat_id")
        if chat_id is not None:
            self._target(req.params)
        button = req.params.get("menu_button") or {"type": "default"}
        self.menu_buttons[chat_id] = button
        return True

    def _get_chat_menu_button(self, req: _Request) -> JSONDict:
        chat_id = req.params.get("chat_id")
        return self.menu_buttons.get(chat_id, self.menu_buttons.get(None, {"type": "default"}))
