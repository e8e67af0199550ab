"""`otbot case`: open, list, close and reopen cases; make link codes."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import (
    JsonOption,
    fail,
    settings_or_fail,
    unit,
)
from bot.config import Settings, SettingsError
from bot.terminal import shown, shown_json

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from bot.domain.cases import IssuedCode


case_app = typer.Typer(
    help="Open, list, close and reopen cases; make link codes.", no_args_is_help=True
)


@case_app.command("new")
def case_new(
    label: Annotated[str, typer.Option(help="A short label staff recognise; no identity codes.")],
    as_json: JsonOption = False,
    qr: Annotated[Path | None, typer.Option(help="Write the link as a QR code (PNG).")] = None,
) -> None:
    """Open a case and make its first link code."""
    from bot.domain.cases import open_case

    _print_code(
        lambda db, secret, days: open_case(db, label=label, secret=secret, days=days),
        as_json=as_json,
        qr=qr,
    )


@case_app.command("link")
def case_link(
    reference: str,
    as_json: JsonOption = False,
    qr: Annotated[Path | None, typer.Option(help="Write the link as a QR code (PNG).")] = None,
) -> None:
    """Make another link code for a case (for another guardian)."""
    from bot.domain.cases import new_code

    _print_code(
        lambda db, secret, days: new_code(db, reference=reference, secret=secret, days=days),
        as_json=as_json,
        qr=qr,
    )


@case_app.command("list")
def case_list(as_json: JsonOption = False) -> None:
    """List the cases: reference, status, linked guardians, opened, label."""
    from bot.domain.cases import list_cases

    with unit() as db:
        cases = list_cases(db)
    if as_json:
        typer.echo(
            shown_json(
                [
                    {
                        "reference": c.reference,
                        "label": c.label,
                        "status": c.status,
                        "guardians": c.guardians,
                        "created_at": c.created_at.isoformat(),
                    }
                    for c in cases
                ]
            )
        )
        return
    for c in cases:
        line = f"{c.reference}\t{c.status}\t{c.guardians}\t{c.created_at:%Y-%m-%d}"
        typer.echo(f"{line}\t{shown(c.label)}")


@case_app.command("close")
def case_close(reference: str) -> None:
    """Close a case."""
    from bot.domain.cases import close_case

    with unit() as db:
        case = close_case(db, reference=reference)
    typer.echo(f"closed {case.reference}")


@case_app.command("reopen")
def case_reopen(reference: str) -> None:
    """Open a closed case again (not one erased after the retention period)."""
    from bot.domain.cases import find_case, reopen_case

    with unit() as db:
        reopened = reopen_case(db, reference=reference)
        case = find_case(db, reference=reference)
    typer.echo(f"reopened {case.reference}" if reopened else f"{case.reference} is open already")


def _print_code(
    make: Callable[[Connection, bytes, int], IssuedCode], *, as_json: bool, qr: Path | None
) -> None:
    from bot.domain.cases import check_secret_setting, load_secret
    from bot.runtime.runner import BOT_USERNAME_KEY
    from bot.store import queries

    settings = settings_or_fail()
    try:
        check_secret_setting(settings)
    except SettingsError as exc:
        fail(str(exc))
    if qr is not None:
        _check_writable(qr)
    username = settings.bot_username
    if not username:
        with unit() as db:
            username = queries.remembered(db, key=BOT_USERNAME_KEY)
    asked = None if username else _ask_username(settings)  # never inside a transaction
    with unit() as db:
        if asked:
            username = asked
            queries.remember(db, key=BOT_USERNAME_KEY, value=asked)
        try:
            secret = load_secret(settings)
        except SettingsError as exc:
            fail(str(exc))
        issued = make(db, secret, settings.link_code_days)
    assert username is not None
    link = issued.link(username.lstrip("@"))
    values = {
        "reference": issued.reference,
        "code": issued.code,
        "link": link,
        "expires": issued.expires_at.isoformat(),
    }
    if as_json:
        typer.echo(shown_json(values))
    else:
        for key, value in values.items():
            typer.echo(f"{key}: {value}")
    if qr is not None:  # after the code is printed: it exists nowhere else
        import segno

        try:
            segno.make(link, error="m").save(str(qr), kind="png", scale=8, border=4)
        except OSError as exc:
            fail(f"the QR code could not be written to {qr}: {exc.strerror}", status=1)


def _check_writable(file: Path) -> None:
    """Refuse, before anything is made, a file that cannot be written."""
    folder = file.absolute().parent
    if file.is_dir():
        fail(f"--qr {file} is a folder; give a file name, like {file / 'case.png'}")
    if not folder.is_dir():
        fail(f"--qr {file}: there is no folder {folder}")
    if not os.access(folder, os.W_OK) or (file.exists() and not os.access(file, os.W_OK)):
        fail(f"--qr {file}: no permission to write there")


def _ask_username(settings: Settings) -> str:
    """The bot's @username from the Bot API (getMe), for links before the bot has run."""
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError

    if settings.token is None:
        fail("set OTBOT_BOT_USERNAME (the bot's @username) or OTBOT_TOKEN to ask Telegram")

    async def ask() -> str:
        bot = Bot(settings.require_token(), base_url=f"{settings.api_url}/bot")
        async with bot:
            return bot.username

    try:
        return asyncio.run(ask())
    except InvalidToken:
        fail("the Bot API refused OTBOT_TOKEN; set OTBOT_BOT_USERNAME or fix the token")
    except TelegramError as exc:
        fail(f"cannot ask the Bot API for the bot's username ({exc}); set OTBOT_BOT_USERNAME")
