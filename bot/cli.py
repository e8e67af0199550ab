"""The `otbot` command: run the bot and keep its translations."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from bot.config import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from bot.cases import IssuedCode

app = typer.Typer(
    help="otbot: the Telegram bot of Helsinki's paediatric occupational therapy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
i18n_app = typer.Typer(help="Keep the translation catalogs in locales/.", no_args_is_help=True)
app.add_typer(i18n_app, name="i18n")
case_app = typer.Typer(help="Open, list and close cases; make link codes.", no_args_is_help=True)
app.add_typer(case_app, name="case")

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


@app.command()
def run() -> None:
    """Serve the bot: long-poll the Bot API until stopped (SIGTERM or Ctrl+C)."""
    from bot.runner import serve

    settings = _settings()
    try:
        settings.require_token()
        configure_logging(settings)
        asyncio.run(serve(settings))
    except SettingsError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        pass


@case_app.command("new")
def case_new(
    label: Annotated[str, typer.Option(help="A short label staff recognise; no identity codes.")],
    as_json: JsonOption = False,
    qr: Annotated[Path | None, typer.Option(help="Write the link as a QR code (PNG).")] = None,
) -> None:
    """Open a case and make its first link code."""
    from bot.cases import open_case

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
    from bot.cases import new_code

    _print_code(
        lambda db, secret, days: new_code(db, reference=reference, secret=secret, days=days),
        as_json=as_json,
        qr=qr,
    )


@case_app.command("list")
def case_list(as_json: JsonOption = False) -> None:
    """List the cases: reference, status, linked guardians, opened, label."""
    from bot.cases import list_cases

    with _store() as db:
        cases = list_cases(db)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "reference": c.reference,
                        "label": c.label,
                        "status": c.status,
                        "guardians": c.guardians,
                        "created_at": c.created_at.isoformat(),
                    }
                    for c in cases
                ],
                ensure_ascii=False,
            )
        )
        return
    for c in cases:
        typer.echo(f"{c.reference}\t{c.status}\t{c.guardians}\t{c.created_at:%Y-%m-%d}\t{c.label}")


@case_app.command("close")
def case_close(reference: str) -> None:
    """Close a case."""
    from bot.cases import close_case

    with _store() as db:
        case = close_case(db, reference=reference)
    typer.echo(f"closed {case.reference}")


@i18n_app.command("update")
def i18n_update() -> None:
    """Extract the texts from the code into locales/bot.pot and merge them into each catalog."""
    from bot.catalogs import update

    for path in update():
        typer.echo(f"wrote {path}")


@i18n_app.command("check")
def i18n_check(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
) -> None:
    """List texts that are missing, fuzzy, or whose placeholders or HTML tags differ."""
    from bot.catalogs import check

    problems = check()
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        raise typer.Exit(1)
    if not quiet:
        typer.echo("every text is translated in fi, sv and en")


@app.command()
def diagram() -> None:
    """Regenerate the dialogs' Mermaid diagrams in docs/ from their state machines."""
    from bot.diagrams import write_diagrams

    for path in write_diagrams():
        typer.echo(f"wrote {path}")


@contextmanager
def _store() -> Iterator[Connection]:
    """One unit of work on the migrated store; a CaseError is one line and exit status 1."""
    from bot.cases import CaseError
    from bot.store.database import make_engine, migrate, unit_of_work

    engine = make_engine(_settings().database_url)
    try:
        migrate(engine)
        with unit_of_work(engine) as db:
            yield db
    except CaseError as exc:
        print(f"otbot: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


def _print_code(
    make: Callable[[Connection, bytes, int], IssuedCode], *, as_json: bool, qr: Path | None
) -> None:
    from bot.cases import load_secret
    from bot.runner import BOT_USERNAME_KEY
    from bot.store import queries

    settings = _settings()
    with _store() as db:
        username = settings.bot_username or queries.remembered(db, key=BOT_USERNAME_KEY)
        if not username:
            _fail("OTBOT_BOT_USERNAME is not set and the bot has not run yet to learn it")
        issued = make(db, load_secret(settings), settings.link_code_days)
    link = issued.link(username.lstrip("@"))
    if qr is not None:
        import segno

        segno.make(link, error="m").save(str(qr), kind="png", scale=8, border=4)
    values = {
        "reference": issued.reference,
        "code": issued.code,
        "link": link,
        "expires": issued.expires_at.isoformat(),
    }
    if as_json:
        typer.echo(json.dumps(values))
    else:
        for key, value in values.items():
            typer.echo(f"{key}: {value}")


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        _fail(str(exc))


def _fail(message: str) -> NoReturn:
    print(f"otbot: {message}", file=sys.stderr)
    raise typer.Exit(2)


class _RedactToken(logging.Filter):
    """Belt and braces: no log line ever carries the bot token."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "<token>")
            record.args = None
        return True


def configure_logging(settings: Settings) -> None:
    """Log lines to stderr without tokens or message texts (httpx would log the token's URL)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if settings.token is not None:
        handler.addFilter(_RedactToken(settings.token.get_secret_value()))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    quiet_libraries()


#: Libraries whose debug lines would carry message texts (PTB logs every request and
#: answer) or the token (httpx logs request URLs). They log warnings and up only.
CHATTY_LIBRARIES = ("telegram", "httpx", "httpcore", "apscheduler", "alembic", "transitions")


def quiet_libraries() -> None:
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def main() -> None:
    app()
