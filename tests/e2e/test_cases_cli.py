"""Staff open and keep cases from the command line; codes exist only as they are printed."""

from __future__ import annotations

import json
import re
import stat
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import fresh_postgres
from support.command import USERNAME, otbot
from support.family import SECRET

from bot.domain.cases import TYPED_ALPHABET, open_case
from bot.domain.erasure import erase_closed_cases
from bot.runtime.runner import BOT_USERNAME_KEY
from bot.store import queries
from bot.store.database import make_engine, migrate, unit_of_work


def fields(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.splitlines())


def test_a_new_case_prints_its_reference_code_and_link() -> None:
    code, out, _ = otbot("case", "new", "--label", "Eetu, 4 kk")
    assert code == 0
    printed = fields(out)
    assert printed["reference"] == "OT-2026-0001" or re.fullmatch(
        r"OT-\d{4}-0001", printed["reference"]
    )
    assert len(printed["code"]) == 8
    assert set(printed["code"]) <= set(TYPED_ALPHABET)
    assert re.fullmatch(r"https://t\.me/hel_ot_bot\?start=[A-Za-z0-9_-]{20,64}", printed["link"])
    second = fields(otbot("case", "new", "--label", "Aino")[1])
    assert second["reference"].endswith("-0002")


def test_json_and_a_qr_image(tmp_path: Path) -> None:
    code, out, _ = otbot(
        "case", "new", "--label", "Aino", "--json", "--qr", str(tmp_path / "a.png")
    )
    assert code == 0
    printed = json.loads(out)
    assert {"reference", "code", "link"} <= set(printed)
    assert (tmp_path / "a.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_another_guardian_gets_another_code() -> None:
    first = fields(otbot("case", "new", "--label", "Siblings' case")[1])
    again = fields(otbot("case", "link", first["reference"].lower())[1])
    assert again["reference"] == first["reference"]
    assert again["code"] != first["code"]
    assert again["link"] != first["link"]


def test_closing_and_listing() -> None:
    reference = fields(otbot("case", "new", "--label", "Aino")[1])["reference"]
    otbot("case", "new", "--label", "Eetu")
    assert otbot("case", "close", reference)[0] == 0
    listed = json.loads(otbot("case", "list", "--json")[1])
    assert [(c["label"], c["status"], c["guardians"]) for c in listed] == [
        ("Aino", "closed", 0),
        ("Eetu", "open", 0),
    ]
    code, _, err = otbot("case", "link", reference)
    assert code == 1
    assert "closed" in err


@pytest.mark.parametrize("command", [("case", "close", "OT-1999-0042"), ("case", "link", "nope")])
def test_an_unknown_reference_is_one_clear_line(command: tuple[str, ...]) -> None:
    code, _, err = otbot(*command)
    assert code == 1
    assert err.strip().count("\n") == 0
    assert "no case" in err


@pytest.mark.parametrize("label", ["Eetu 131052-308T", "Eetu 131052A308T", "", "x" * 65])
def test_a_label_with_an_identity_code_or_no_sense_is_refused(label: str) -> None:
    code, _, err = otbot("case", "new", "--label", label)
    assert code == 1
    assert err.startswith("otbot: ")
    assert json.loads(otbot("case", "list", "--json")[1]) == []


def test_the_store_keeps_no_code_and_the_secret_stays_private(tmp_path: Path) -> None:
    printed = fields(otbot("case", "new", "--label", "Aino")[1])
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("otbot.sqlite3*"))
    assert printed["code"].encode() not in stored
    assert printed["link"].split("start=")[1].encode() not in stored
    secret = tmp_path / "otbot.secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_a_configured_secret_is_used_instead_of_a_file(tmp_path: Path) -> None:
    assert (
        otbot("case", "new", "--label", "Aino", env={**USERNAME, "OTBOT_SECRET": SECRET})[0] == 0
    )
    assert not (tmp_path / "otbot.secret").exists()


def test_the_link_needs_the_bots_username() -> None:
    code, _, err = otbot("case", "new", "--label", "Aino", env={})
    assert code == 2
    assert "OTBOT_BOT_USERNAME" in err


def test_the_username_the_bot_learnt_from_telegram_is_used() -> None:
    engine = make_engine("sqlite:///otbot.sqlite3")
    migrate(engine)
    with unit_of_work(engine) as db:
        queries.remember(db, key=BOT_USERNAME_KEY, value="learnt_bot")
    engine.dispose()
    code, out, _ = otbot("case", "new", "--label", "Aino", env={})
    assert code == 0
    assert fields(out)["link"].startswith("https://t.me/learnt_bot?start=")


def test_a_database_server_needs_one_secret_for_every_process(tmp_path: Path) -> None:
    env = {**USERNAME, "OTBOT_DATABASE_URL": fresh_postgres()}
    code, _, err = otbot("case", "new", "--label", "Aino", env=env)
    assert code == 2
    assert "OTBOT_SECRET" in err
    assert not (tmp_path / "otbot.secret").exists(), "never a file in the working directory"
    code, _, err = otbot("run", env={**env, "OTBOT_TOKEN": "123:abc"})
    assert code == 2
    assert "OTBOT_SECRET" in err


def test_cases_opened_at_once_get_distinct_references_on_postgresql() -> None:
    engine = make_engine(fresh_postgres())
    migrate(engine)
    references: list[str] = []
    failures: list[BaseException] = []

    def open_one(n: int) -> None:
        try:
            with unit_of_work(engine) as db:
                issued = open_case(db, label=f"Child {n}", secret=b"s", days=14)
                time.sleep(0.05)  # the transaction stays open while others start theirs
            references.append(issued.reference)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=open_one, args=(n,), daemon=True) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    engine.dispose()
    assert failures == []
    assert len(set(references)) == 6


def test_a_label_cannot_drive_the_terminal() -> None:
    label = "\x1b[2J\x1b]0;pwned\x07Eetu \u202eku 4\u202c \x9b31m"
    assert otbot("case", "new", "--label", label)[0] == 0
    code, out, _ = otbot("case", "list")
    assert code == 0
    printed = out.split("\t")[-1].strip()
    assert printed == "\\x1b[2J\\x1b]0;pwned\\x07Eetu \\u202eku 4\\u202c \\x9b31m"
    assert not any((ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F for c in out)
    code, out, _ = otbot("case", "list", "--json")
    assert json.loads(out)[0]["label"] == label, "the JSON holds the label itself"
    for unsafe in ("\x1b", "\u202e", "\x9b"):
        assert unsafe not in out


@pytest.mark.parametrize("where", ["/nonexistent/x.png", "{tmp}", "{tmp}/no/such/folder/x.png"])
def test_a_qr_file_that_cannot_be_written_is_refused_before_the_case_is_made(
    tmp_path: Path, where: str
) -> None:
    code, out, err = otbot("case", "new", "--label", "Aino", "--qr", where.format(tmp=tmp_path))
    assert code == 2
    assert out == ""
    assert err.startswith("otbot: --qr ")
    assert err.count("\n") == 1
    assert json.loads(otbot("case", "list", "--json")[1]) == [], "no case was made"


def test_a_closed_case_is_reopened_and_an_erased_one_cannot_be() -> None:
    reference = fields(otbot("case", "new", "--label", "Aino")[1])["reference"]
    assert otbot("case", "reopen", reference) == (0, f"{reference} is open already\n", "")
    otbot("case", "close", reference)
    assert otbot("case", "reopen", reference.lower()) == (0, f"reopened {reference}\n", "")
    assert [c["status"] for c in json.loads(otbot("case", "list", "--json")[1])] == ["open"]
    assert otbot("case", "link", reference)[0] == 0, "it takes codes again"

    otbot("case", "close", reference)
    engine = make_engine("sqlite:///otbot.sqlite3")
    with unit_of_work(engine) as db:
        assert erase_closed_cases(db, older_than=timedelta(0)) == 1
    engine.dispose()
    code, out, err = otbot("case", "reopen", reference)
    assert (code, out) == (1, "")
    assert "erased after the retention period" in err
    assert [c["status"] for c in json.loads(otbot("case", "list", "--json")[1])] == ["closed"]
