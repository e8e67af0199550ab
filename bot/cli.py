"""The `otbot` command: run the bot and keep its translations."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Annotated, NoReturn

import typer

from bot.config import Settings, SettingsError, load_settings

app = typer.Typer(
    help="otbot: the Telegram bot of Helsinki's paediatric occupational therapy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
i18n_app = typer.Typer(help="Keep the translation catalogs in locales/.", no_args_is_help=True)
app.add_typer(i18n_app, name="i18n")


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
