"""Scanning every table of the store for what it must not keep.

The tables are read from the store itself (reflected), so a table a new migration adds is
scanned without changing the tests."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from conftest import RunningBot
from sqlalchemy import Engine, MetaData
from sqlmodel import SQLModel

from bot.domain.identity_codes import holds_identity_code
from bot.standin import BotApiStandIn, SimUser
from support.family import THERAPIST, new_case, staff_group, topic_of

#: A digest (sha256 in hex) says nothing of what it was made from; its letters and digits
#: could look like an identity code by chance.
_DIGEST = re.compile(r"[0-9a-f]{64}")


def store_bytes(database_url: str) -> bytes:
    """The bytes of an SQLite store and its companion files (the journal, the WAL)."""
    path = Path(database_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def left_in_the_file(bot: RunningBot, words: Iterable[str]) -> list[str]:
    """Which words an SQLite store's files still hold anywhere, freed pages included (the bot
    is stopped to read them). A database server's files are not read: none."""
    if not bot.settings.database_url.startswith("sqlite"):
        return []
    await bot.stop()
    stored = store_bytes(bot.settings.database_url)
    return [word for word in words if word.encode() in stored]


def store_tables(engine: Engine) -> MetaData:
    """Every table in the store, as the store has it (not as the models say)."""
    tables = MetaData()
    tables.reflect(engine)
    missing = set(SQLModel.metadata.tables) - set(tables.tables)
    assert not missing, f"tables the models know but the store lacks: {missing}"
    return tables


def leftovers(
    engine: Engine, *, words: Iterable[str] = (), number: int | None = None
) -> dict[str, list[str]]:
    """What every row of every table holds that it must not, by table: any of `words`
    (inside any text), the id `number` (as a column or inside a text: an outbox payload, a
    lane) and anything shaped like an identity code."""
    words = [word.casefold() for word in words]
    inside = re.compile(rf"(?<![0-9]){number}(?![0-9])") if number is not None else None
    found: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for table in store_tables(engine).sorted_tables:
            for row in connection.execute(table.select()):
                for column, value in zip(table.columns, row, strict=True):
                    why = _why(value, words, number, inside)
                    if why:
                        found.setdefault(table.name, []).append(f"{column.name}: {why}")
    return found


def _why(value: Any, words: list[str], number: int | None, inside: re.Pattern[str] | None) -> str:
    if number is not None and value == number:
        return f"the id {number}"
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return ""
    text = value.casefold()
    for word in words:
        if word in text:
            return f"{word!r}"
    if inside is not None and inside.search(value):
        return f"the id {number} in {value[:80]!r}"
    if not _DIGEST.fullmatch(value) and holds_identity_code(value):
        return f"an identity code in {value[:80]!r}"
    return ""


#: What a family writes; none of it may stay in the store.
FAMILY_WORDS = ["Kalervo-Aapeli", "unilääkettä", "Mannerheimintie", "041-555-1234"]
#: The names of the family's files.
FILE_NAMES = ["Kalervon_neuvolakortti.pdf", "lausunto 131052-308T.pdf"]
#: What the therapist answers.
STAFF_WORDS = ["Puheterapeutti", "torstaina"]


async def a_conversation_leaving_traces(
    standin: BotApiStandIn, bot: RunningBot, user_id: int
) -> tuple[SimUser, int, list[str]]:
    """A family links their chat and writes, sends files, edits, sends identity codes; a
    therapist answers, once with a code. The parent, the topic, and every word, file id and
    file name the store must not keep."""
    issued = new_case(bot)
    parent = standin.user(user_id, "Kalervo", username="kalervo_k", language_code="fi")
    parent.send_text(f"/start {issued.link_code}")
    await standin.wait_for(lambda: bool(staff_group(standin).topics))
    topic = topic_of(standin, issued.reference)
    sent = [
        parent.send_text("Kalervo-Aapeli ei saa unta, kokeilimme unilääkettä"),
        parent.send_photo(caption="Osoite Mannerheimintie 1, puhelin 041-555-1234"),
        parent.send_document(file_name=FILE_NAMES[0]),
        parent.send_document(file_name=FILE_NAMES[1]),  # held back: a code in its name
        parent.send_text("Hänen henkilötunnuksensa on 131052-308T"),  # held back
        parent.send_voice(),
    ]
    await standin.wait_idle()
    parent.edit_text(sent[0]["message_id"], "Kalervo-Aapeli, hetu 010594Y9032")  # held back
    therapist = standin.user(THERAPIST, language_code="fi")
    group = staff_group(standin)
    group.send_text(therapist, "Puheterapeutti soittaa torstaina", thread_id=topic)
    group.send_text(therapist, "Tarkistin: 131052 A 308T", thread_id=topic)  # held back
    await standin.wait_idle()
    files: list[str] = []
    for message in sent:
        for part in ("photo", "document", "voice"):
            media = message.get(part)
            for item in media if isinstance(media, list) else [media] if media else []:
                files += [item["file_id"], item["file_unique_id"]]
    assert files, "the family sent files"
    names = ["Kalervo", "kalervo_k"]  # the parent's Telegram name and username
    return parent, topic, [*FAMILY_WORDS, *FILE_NAMES, *STAFF_WORDS, *files, *names, "131052"]
