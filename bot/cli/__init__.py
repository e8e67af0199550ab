"""The `otbot` command: run the bot and keep its store, cases, visits and translations. One
module per group of subcommands: `db`, `cases`, `visits`, `i18n`, and `run` (run, demo,
preview, diagram)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli import run as serving
from bot.cli.cases import case_app
from bot.cli.db import db_app
from bot.cli.i18n import i18n_app
from bot.cli.visits import visit_app

app = typer.Typer(
    help="otbot: the Telegram bot of Helsinki's paediatric occupational therapy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(i18n_app, name="i18n")
app.add_typer(case_app, name="case")
app.add_typer(db_app, name="db")
app.add_typer(visit_app, name="visit")
for command in (serving.run, serving.preview, serving.demo, serving.diagram):
    app.command()(command)


def _print_version(value: bool) -> None:
    if value:
        from bot import __version__

        typer.echo(f"otbot {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and stop."
        ),
    ] = False,
) -> None:
    """otbot: the Telegram bot of Helsinki's paediatric occupational therapy."""


def main() -> None:
    app()
