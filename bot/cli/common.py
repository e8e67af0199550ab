"""What every `otbot` subcommand shares: the settings, the store, one unit of work, failing."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from bot.config import Settings, SettingsError, load_settings
from bot.terminal import shown

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from bot.services import Services


JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


@contextmanager
def opened_store(settings: Settings, *, migrate: bool) -> Iterator[Engine]:
    """The store, waited for and migrated if asked; a URL that cannot work is one line and
    exit status 2, a server that did not answer in time exit status 1."""
    from bot.store.database import StoreError, StoreUnavailableError, open_store

    try:
        engine = open_store(settings, migrate=migrate)
    except StoreError as exc:
        fail(str(exc))
    except StoreUnavailableError as exc:
        fail(str(exc), status=1)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def unit() -> Iterator[Connection]:
    """One unit of work on the migrated store; a refused case or visit operation is one
    line and exit status 1."""
    from bot.domain.cases import CaseError
    from bot.domain.visits import BookingError
    from bot.store.database import unit_of_work

    with opened_store(settings_or_fail(), migrate=True) as engine:
        try:
            with unit_of_work(engine) as db:
                yield db
        except (CaseError, BookingError) as exc:
            fail(str(exc), status=1)


@contextmanager
def unit_with_services() -> Iterator[tuple[Connection, Services]]:
    """A unit of work on the store, with the services booking needs."""
    from bot.i18n import load_translators
    from bot.services import Services

    with unit() as db:
        yield db, Services(settings_or_fail(), db.engine, load_translators())


def settings_or_fail() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        fail(str(exc))


def fail(message: str, *, status: int = 2) -> NoReturn:
    print(f"otbot: {shown(message)}", file=sys.stderr)
    raise typer.Exit(status)
