"""`otbot db`: migrate, check and back up the case store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import (
    fail,
    opened_store,
    settings_or_fail,
)
from bot.config import Settings

if TYPE_CHECKING:
    pass


db_app = typer.Typer(help="Migrate, check and back up the case store.", no_args_is_help=True)


def ready_store(settings: Settings, *, migrate: bool) -> None:
    """Before serving: the store answers (waited for) and is migrated, or is current when
    migrating is left to `otbot db upgrade`. Exit 2 for a URL that cannot work, 1 else."""
    from bot.store.database import schema_status

    with opened_store(settings, migrate=migrate) as engine:
        if not migrate:
            status = schema_status(engine)
            if not status.up_to_date:
                fail(f"{status}: run `otbot db upgrade` first", status=1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the store's schema to this version (one process at a time)."""
    from bot.store.database import schema_status

    with opened_store(settings_or_fail(), migrate=True) as engine:
        typer.echo(f"the store is current (revision {schema_status(engine).head})")


@db_app.command("check")
def db_check() -> None:
    """Exit 0 when the store's schema is this version's, 1 when it is behind (or unknown),
    2 when the store cannot be read."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.database import schema_status

    with opened_store(settings_or_fail(), migrate=False) as engine:
        try:
            status = schema_status(engine)
        except SQLAlchemyError as exc:
            fail(f"cannot read the store's revision: {str(exc).splitlines()[0]}")
    if not status.up_to_date:
        fail(f"{status}: run `otbot db upgrade`", status=1)
    typer.echo(f"the store is current (revision {status.head})")


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="A new file for the copy.")],
) -> None:
    """Copy a SQLite store to FILE while the bot runs (SQLite's online backup).
    PostgreSQL is backed up with pg_dump."""
    from bot.domain.cases import secret_path
    from bot.store.database import StoreError, backup_sqlite

    settings = settings_or_fail()
    with opened_store(settings, migrate=False) as engine:
        try:
            backup_sqlite(engine, file)
        except StoreError as exc:
            fail(str(exc))
    typer.echo(f"copied the store to {file}")
    if settings.secret is None:
        secret = secret_path(settings.database_url)
        typer.echo(f"keep {secret} with it: the link codes need that secret")
