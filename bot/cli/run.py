"""`otbot run`, `demo`, `preview` and `diagram`: serving the bot and seeing it."""

from __future__ import annotations

import asyncio
import errno
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import (
    fail,
    settings_or_fail,
)
from bot.cli.db import ready_store
from bot.cli.logs import configure_logging, quiet_libraries
from bot.config import SettingsError

if TYPE_CHECKING:
    pass


def run(
    no_migrate: Annotated[
        bool,
        typer.Option(
            "--no-migrate",
            help="Do not migrate the store; refuse to start unless it is current "
            "(run `otbot db upgrade` first).",
        ),
    ] = False,
) -> None:
    """Serve the bot until stopped (SIGTERM or Ctrl+C): long-poll the Bot API, or with
    OTBOT_WEBHOOK_URL take Telegram's posts on OTBOT_LISTEN."""
    from bot.domain.cases import check_secret_setting
    from bot.runtime.runner import serve
    from bot.store.database import StoreError, StoreUnavailableError

    settings = settings_or_fail()
    try:
        settings.require_token()
        settings.require_webhook_secret()
        settings.check_workers()
        check_secret_setting(settings)
        configure_logging(settings)
        ready_store(settings, migrate=not no_migrate)
        asyncio.run(serve(settings, migrate=False))
    except (SettingsError, StoreError) as exc:
        fail(str(exc))
    except StoreUnavailableError as exc:
        fail(str(exc), status=1)
    except KeyboardInterrupt:
        pass


def preview(
    out: Annotated[Path, typer.Option(help="Folder to write the HTML pages into.")],
) -> None:
    """Write every screen of the bot in fi, sv and en as static HTML, for translators: open
    DIR/index.html in a browser (no server needed)."""
    from bot.preview import build, write_gallery

    gallery = build()
    pages = write_gallery(out, gallery)
    for flag in gallery.flags:
        typer.echo(f"flagged: {flag}")
    missing = gallery.missing()
    for text in missing:
        typer.echo(f"not in the preview: {text[:70]!r}")
    typer.echo(f"{len(gallery.entries)} screens, {len(gallery.flags)} flags; open {pages[0]}")
    if missing:
        raise typer.Exit(1)


def demo(
    port: Annotated[int, typer.Option(help="Port of the demo's page on 127.0.0.1.")] = 8000,
    reload: Annotated[
        bool,
        typer.Option(
            "--reload", help="Restart the bot with the new texts whenever a .po file is saved."
        ),
    ] = False,
) -> None:
    """Try the bot in a browser, with no Telegram and no token: a parent's phone and the
    staff group side by side, on a temporary store that is gone when the demo stops."""
    from bot.demo import run_demo

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    quiet_libraries()
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    def ready(url: str) -> None:
        typer.echo(f"otbot demo: open {url} (Ctrl+C stops it and forgets everything)")

    try:
        asyncio.run(run_demo(port, reload=reload, ready=ready))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            fail(f"port {port} on 127.0.0.1 is in use: choose another with --port")
        fail(f"the demo cannot listen on 127.0.0.1:{port}: {exc.strerror}")
    except KeyboardInterrupt:
        pass


def diagram() -> None:
    """Regenerate the dialogs' Mermaid diagrams in docs/ from their state machines."""
    from bot.diagrams import write_diagrams

    for path in write_diagrams():
        typer.echo(f"wrote {path}")
