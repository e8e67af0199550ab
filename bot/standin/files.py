"""Files: what the bot uploads or names by id, and ``getFile``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.standin.core import Core
from bot.standin.errors import JSONDict, _bad
from bot.standin.records import _MIME, _File, _Request


class Files(Core):
    """File records: uploads, file ids, media objects and ``getFile``."""

    def _new_file(
        self, kind: str, data: bytes, file_name: str | None = None, mime_type: str | None = None
    ) -> _File:
        n = next(self._file_counter)
        suffix = Path(file_name).suffix if file_name else ""
        folder = {"photo": "photos", "voice": "voice", "video": "videos"}.get(kind, "documents")
        record = _File(
            file_id=f"{kind.upper()}-{n:06d}-{self.bot_id}",
            file_unique_id=f"U{n:06d}",
            data=data,
            file_path=f"{folder}/file_{n}{suffix}",
            file_name=file_name,
            mime_type=mime_type or _MIME.get(kind),
        )
        self._files[record.file_id] = record
        self._file_paths[record.file_path] = record
        return record

    def _resolve_file(self, req: _Request, value: Any, part: str, kind: str) -> _File:
        if value is None and part in req.files:
            name = part
        elif isinstance(value, str) and value.startswith("attach://"):
            name = value[len("attach://") :]
            if name not in req.files:
                raise _bad(f"file {value!r} is not attached")
        elif isinstance(value, str):
            known = self._files.get(value)
            if known is not None:
                return known
            if re.match(r"https?://\S", value):
                return self._new_file(kind, b"", Path(value).name or None)
            raise _bad("wrong file identifier/HTTP URL specified")
        else:
            raise _bad(f"there is no {kind} in the request")
        data = req.files[name]
        if not data:
            raise _bad("file must be non-empty")
        return self._new_file(kind, data, req.filenames.get(name))

    @staticmethod
    def _media_object(kind: str, record: _File, params: dict[str, Any]) -> JSONDict:
        base: JSONDict = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": len(record.data),
        }
        duration = params.get("duration", 3)
        if kind == "photo":
            return {"photo": [{**base, "width": 1280, "height": 960}]}
        if kind == "document":
            base["file_name"] = record.file_name or "document"
        elif kind in {"voice", "audio"}:
            base["duration"] = duration
        elif kind in {"video", "animation"}:
            base.update(width=params.get("width", 640), height=params.get("height", 360))
            base["duration"] = duration
        elif kind == "video_note":
            base.update(length=params.get("length", 240), duration=duration)
        elif kind == "sticker":
            base.update(
                type="regular",
                width=512,
                height=512,
                is_animated=False,
                is_video=False,
                emoji=params.get("emoji", "🙂"),
            )
        if record.mime_type and kind not in {"sticker", "video_note"}:
            base["mime_type"] = record.mime_type
        return {kind: base}

    def _get_file(self, req: _Request) -> JSONDict:
        record = self._files.get(str(req.params["file_id"]))
        if record is None:
            raise _bad("invalid file_id")
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": len(record.data),
            "file_path": record.file_path,
        }
