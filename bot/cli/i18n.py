"""`otbot i18n`: keep the translation catalogs in locales/."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass


i18n_app = typer.Typer(help="Keep the translation catalogs in locales/.", no_args_is_help=True)


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
    """List texts that are missing, fuzzy, or whose placeholders or HTML tags differ, and
    screens over Telegram's limits or with a button label too wide for a 360 px phone."""
    from bot.catalog_checks import check

    problems = check()
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        raise typer.Exit(1)
    if not quiet:
        typer.echo("every text is translated in fi, sv and en, and every screen fits")
