"""The message methods: send, copy, forward, edit, delete, react, answer callback queries."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from bot.standin.checks import Checks
from bot.standin.errors import (
    EDIT_NOT_FOUND,
    NOT_MODIFIED,
    QUERY_INVALID,
    ApiError,
    JSONDict,
    _bad,
)
from bot.standin.files import Files
from bot.standin.records import _MEDIA_KINDS, ChatMessage, _Chat, _Request


class Messages(Checks, Files):
    """Sending, copying, forwarding, editing and deleting messages."""

    def _send_message(self, req: _Request) -> JSONDict:
        params = req.params
        chat = self._writable_target(params)
        plain, entities = self._render_text(params["text"], params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        msg = self._bot_message(
            chat,
            params,
            text=plain,
            entities=entities,
            source=str(params["text"]),
            parse_mode=params.get("parse_mode"),
            markup=markup,
        )
        return msg.to_dict()

    def _send_media(self, req: _Request) -> JSONDict:
        params = req.params
        kind = _MEDIA_KINDS[req.spec.name]
        chat = self._writable_target(params)
        caption, entities = self._render_caption(params.get("caption"), params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        self._check_thread(chat, params)
        record = self._resolve_file(req, params.get(kind), kind, kind)
        msg = self._bot_message(
            chat,
            params,
            kind=kind,
            caption=caption,
            entities=entities,
            source=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            media=self._media_object(kind, record, params),
            markup=markup,
        )
        return msg.to_dict()

    def _send_media_group(self, req: _Request) -> list[JSONDict]:
        params = req.params
        chat = self._writable_target(params)
        media = params["media"]
        if not 2 <= len(media) <= 10:
            raise _bad("wrong number of media in the album: must be 2-10")
        prepared = []
        for item in media:
            if not isinstance(item, dict) or item.get("type") not in {
                "photo",
                "video",
                "document",
                "audio",
            }:
                raise _bad("can't parse InputMedia: unknown type")
            kind = str(item["type"])
            caption, entities = self._render_caption(item.get("caption"), item.get("parse_mode"))
            record = self._resolve_file(req, item.get("media"), "", kind)
            prepared.append((kind, caption, entities, item, record))
        group_id = f"{next(self._media_group_counter):012d}"
        out = []
        for kind, caption, entities, item, record in prepared:
            msg = self._bot_message(
                chat,
                params,
                kind=kind,
                caption=caption,
                entities=entities,
                source=item.get("caption"),
                parse_mode=item.get("parse_mode"),
                media=self._media_object(kind, record, item),
                media_group_id=group_id,
            )
            out.append(msg.to_dict())
        return out

    def _edit_target(self, params: dict[str, Any]) -> ChatMessage | None:
        if params.get("inline_message_id") is not None:
            return None
        chat = self._writable_target(params)
        if params.get("message_id") is None:
            raise _bad("message identifier is not specified")
        msg = chat.live(params["message_id"])
        if msg is None:
            raise ApiError(HTTPStatus.BAD_REQUEST, EDIT_NOT_FOUND)
        if not msg.from_bot:
            raise _bad("message can't be edited")
        return msg

    def _touch(self, msg: ChatMessage) -> JSONDict:
        msg.edit_date = self._now()
        msg.touched = next(self._touch_counter)
        return msg.to_dict()

    def _edit_message_text(self, req: _Request) -> JSONDict | bool:
        params = req.params
        msg = self._edit_target(params)
        plain, entities = self._render_text(params["text"], params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        if msg is None:
            return True
        if msg.text is None:
            raise _bad("there is no text in the message to edit")
        new_rows = (markup or {}).get("inline_keyboard") or []
        if plain == msg.text and entities == msg.entities and new_rows == msg.reply_markup:
            raise ApiError(HTTPStatus.BAD_REQUEST, NOT_MODIFIED)
        msg.text, msg.entities = plain, entities
        msg.source, msg.parse_mode = str(params["text"]), params.get("parse_mode")
        msg.markup = markup
        return self._touch(msg)

    def _edit_message_caption(self, req: _Request) -> JSONDict | bool:
        params = req.params
        msg = self._edit_target(params)
        caption, entities = self._render_caption(params.get("caption"), params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        if msg is None:
            return True
        if msg.text is not None:
            raise _bad("there is no caption in the message to edit")
        new_rows = (markup or {}).get("inline_keyboard") or []
        if caption == msg.caption and entities == msg.entities and new_rows == msg.reply_markup:
            raise ApiError(HTTPStatus.BAD_REQUEST, NOT_MODIFIED)
        msg.caption, msg.entities = caption, entities
        msg.source, msg.parse_mode = params.get("caption"), params.get("parse_mode")
        msg.markup = markup
        return self._touch(msg)

    def _edit_message_reply_markup(self, req: _Request) -> JSONDict | bool:
        params = req.params
        msg = self._edit_target(params)
        markup = self._check_markup(params.get("reply_markup"))
        if msg is None:
            return True
        new_rows = (markup or {}).get("inline_keyboard") or []
        if new_rows == msg.reply_markup:
            raise ApiError(HTTPStatus.BAD_REQUEST, NOT_MODIFIED)
        msg.markup = markup
        return self._touch(msg)

    def _delete_message(self, req: _Request) -> bool:
        chat = self._target(req.params)
        msg = chat.live(req.params["message_id"])
        if msg is None:
            raise _bad("message to delete not found")
        msg.deleted = True
        self._notify()
        return True

    def _delete_messages(self, req: _Request) -> bool:
        chat = self._target(req.params)
        for message_id in req.params["message_ids"]:
            msg = chat.live(message_id)
            if msg is not None:
                msg.deleted = True
        self._notify()
        return True

    def _source_message(self, params: dict[str, Any], message_id: Any, verb: str) -> ChatMessage:
        source_chat = self._target(params, "from_chat_id")
        source = source_chat.live(message_id)
        if source is None:
            raise _bad(f"message to {verb} not found")
        if source.kind == "service":
            raise _bad(
                "message can't be copied" if verb == "copy" else "message can't be forwarded"
            )
        return source

    def _copy_one(self, chat: _Chat, params: dict[str, Any], source: ChatMessage) -> ChatMessage:
        caption, entities, source_text = source.caption, source.entities, source.source
        if source.text is None and "caption" in params:
            caption, entities = self._render_caption(params["caption"], params.get("parse_mode"))
            source_text = params["caption"]
        return self._bot_message(
            chat,
            params,
            kind=source.kind,
            text=source.text,
            caption=caption,
            entities=list(entities),
            source=source_text,
            parse_mode=params.get("parse_mode", source.parse_mode),
            media=dict(source.media),
            markup=self._check_markup(params.get("reply_markup")),
            copied_from=(source.chat_id, source.message_id),
            extra={k: v for k, v in source.extra.items() if k in {"location", "contact"}},
        )

    def _copy_message(self, req: _Request) -> JSONDict:
        params = req.params
        chat = self._writable_target(params)
        source = self._source_message(params, params["message_id"], "copy")
        self._check_thread(chat, params)
        return {"message_id": self._copy_one(chat, params, source).message_id}

    def _copy_messages(self, req: _Request) -> list[JSONDict]:
        params = req.params
        chat = self._writable_target(params)
        self._check_thread(chat, params)
        sources = [self._source_message(params, m, "copy") for m in params["message_ids"]]
        plain = {k: v for k, v in params.items() if k not in {"caption", "reply_markup"}}
        return [{"message_id": self._copy_one(chat, plain, s).message_id} for s in sources]

    def _forward_one(
        self, chat: _Chat, params: dict[str, Any], source: ChatMessage
    ) -> ChatMessage:
        origin: JSONDict = {"type": "user", "sender_user": source.sender, "date": source.date}
        if source.sender is None:
            origin = {"type": "chat", "sender_chat": source.chat, "date": source.date}
        return self._bot_message(
            chat,
            params,
            kind=source.kind,
            text=source.text,
            caption=source.caption,
            entities=list(source.entities),
            source=source.source,
            parse_mode=source.parse_mode,
            media=dict(source.media),
            forwarded_from=(source.chat_id, source.message_id),
            extra={
                "forward_origin": origin,
                **{k: v for k, v in source.extra.items() if k in {"location", "contact"}},
            },
        )

    def _forward_message(self, req: _Request) -> JSONDict:
        params = req.params
        chat = self._writable_target(params)
        source = self._source_message(params, params["message_id"], "forward")
        return self._forward_one(chat, params, source).to_dict()

    def _forward_messages(self, req: _Request) -> list[JSONDict]:
        params = req.params
        chat = self._writable_target(params)
        sources = [self._source_message(params, m, "forward") for m in params["message_ids"]]
        return [{"message_id": self._forward_one(chat, params, s).message_id} for s in sources]

    def _set_message_reaction(self, req: _Request) -> bool:
        chat = self._target(req.params)
        msg = chat.live(req.params["message_id"])
        if msg is None:
            raise _bad("message to react not found")
        msg.reactions = list(req.params.get("reaction") or [])
        return True

    def _send_chat_action(self, req: _Request) -> bool:
        chat = self._writable_target(req.params)
        self._check_thread(chat, req.params)
        return True

    def _answer_callback_query(self, req: _Request) -> bool:
        query_id = str(req.params["callback_query_id"])
        if self._open_callbacks.pop(query_id, None) is None:
            raise ApiError(HTTPStatus.BAD_REQUEST, QUERY_INVALID)
        self.callback_answers[query_id] = dict(req.params)
        return True
