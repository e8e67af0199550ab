"""The `otbot` command: run the bot and keep its translations."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from bot.config import Settings, SettingsError, load_settings
from bot.terminal import shown, shown_json

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from bot.domain.cases import IssuedCode
    from bot.domain.visits import VisitRow
    from bot.services import Services

app = typer.Typer(
    help="otbot: the Telegram bot of Helsinki's paediatric occupational therapy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
i18n_app = typer.Typer(help="Keep the translation catalogs in locales/.", no_args_is_help=True)
app.add_typer(i18n_app, name="i18n")
case_app = typer.Typer(
    help="Open, list, close and reopen cases; make link codes.", no_args_is_help=True
)
app.add_typer(case_app, name="case")

db_app = typer.Typer(help="Migrate, check and back up the case store.", no_args_is_help=True)
app.add_typer(db_app, name="db")

visit_app = typer.Typer(
    help="Book, list and cancel visits; import a day's bookings.", no_args_is_help=True
)
app.add_typer(visit_app, name="visit")

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


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


@app.command()
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

    settings = _settings()
    try:
        settings.require_token()
        settings.require_webhook_secret()
        settings.check_workers()
        check_secret_setting(settings)
        configure_logging(settings)
        _ready_store(settings, migrate=not no_migrate)
        asyncio.run(serve(settings, migrate=False))
    except (SettingsError, StoreError) as exc:
        _fail(str(exc))
    except StoreUnavailableError as exc:
        _fail(str(exc), status=1)
    except KeyboardInterrupt:
        pass


def _ready_store(settings: Settings, *, migrate: bool) -> None:
    """Before serving: the store answers (waited for) and is migrated, or is current when
    migrating is left to `otbot db upgrade`. Exit 2 for a URL that cannot work, 1 else."""
    from bot.store.database import schema_status

    with _opened(settings, migrate=migrate) as engine:
        if not migrate:
            status = schema_status(engine)
            if not status.up_to_date:
                _fail(f"{status}: run `otbot db upgrade` first", status=1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the store's schema to this version (one process at a time)."""
    from bot.store.database import schema_status

    with _opened(_settings(), migrate=True) as engine:
        typer.echo(f"the store is current (revision {schema_status(engine).head})")


@db_app.command("check")
def db_check() -> None:
    """Exit 0 when the store's schema is this version's, 1 when it is behind (or unknown),
    2 when the store cannot be read."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.database import schema_status

    with _opened(_settings(), migrate=False) as engine:
        try:
            status = schema_status(engine)
        except SQLAlchemyError as exc:
            _fail(f"cannot read the store's revision: {str(exc).splitlines()[0]}")
    if not status.up_to_date:
        _fail(f"{status}: run `otbot db upgrade`", status=1)
    typer.echo(f"the store is current (revision {status.head})")


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="A new file for the copy.")],
) -> None:
    """Copy a SQLite store to FILE while the bot runs (SQLite's online backup).
    PostgreSQL is backed up with pg_dump."""
    from bot.domain.cases import secret_path
    from bot.store.database import StoreError, backup_sqlite

    settings = _settings()
    with _opened(settings, migrate=False) as engine:
        try:
            backup_sqlite(engine, file)
        except StoreError as exc:
            _fail(str(exc))
    typer.echo(f"copied the store to {file}")
    if settings.secret is None:
        secret = secret_path(settings.database_url)
        typer.echo(f"keep {secret} with it: the link codes need that secret")


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

    with _store() as db:
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

    with _store() as db:
        case = close_case(db, reference=reference)
    typer.echo(f"closed {case.reference}")


@case_app.command("reopen")
def case_reopen(reference: str) -> None:
    """Open a closed case again (not one erased after the retention period)."""
    from bot.domain.cases import find_case, reopen_case

    with _store() as db:
        reopened = reopen_case(db, reference=reference)
        case = find_case(db, reference=reference)
    typer.echo(f"reopened {case.reference}" if reopened else f"{case.reference} is open already")


@visit_app.command("add")
def visit_add(
    reference: str,
    at: Annotated[str, typer.Option(help="Local start time, like 2026-12-03T09:30.")],
    place: Annotated[str, typer.Option(help="clinic, home or daycare (or koti, hem, ...).")],
    note: Annotated[str, typer.Option(help="A short note the family sees.")] = "",
) -> None:
    """Book a visit for a case; the family is told at once (by the running bot)."""
    from bot.domain.staff_visits import book_outside
    from bot.domain.visit_input import Booking, check_note, comes_twice, parse_place, parse_when

    with _services() as (db, services):
        day, _t, clock = at.strip().replace(" ", "T").partition("T")
        now = services.clock()
        zone = services.settings.zone
        when = parse_when(day, clock, now=now, zone=zone)
        booking = Booking(when, parse_place(place), check_note(note))
        booked = book_outside(services, db, reference, booking)
    typer.echo(f"{booked.outcome} visit {booked.visit.id}: {_visit_line(booked.visit, services)}")
    if comes_twice(when, zone):
        typer.echo(
            f"note: {at.strip()} comes twice, as the clocks go back an hour that night; the "
            f"visit is at the earlier, {when.astimezone(zone).isoformat(timespec='minutes')}"
        )


@visit_app.command("list")
def visit_list(
    reference: Annotated[
        str | None, typer.Argument(help="A case; without it, every case.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List visits: id, case, local start, place, status, note. Without a case, the visits
    still ahead of every case."""
    from bot.domain.cases import find_case
    from bot.domain.visits import case_visits, upcoming_visits

    with _services() as (db, services):
        if reference:
            case = find_case(db, reference=reference)
            assert case.id is not None
            listed = [(case.reference, v) for v in case_visits(db, case_id=case.id)]
        else:
            listed = upcoming_visits(db, now=services.clock())
    if as_json:
        rows = [
            {
                "id": v.id,
                "reference": ref,
                "starts_at": v.starts_at.astimezone(services.settings.zone).isoformat(),
                "place": v.place,
                "status": v.status,
                "note": v.note,
            }
            for ref, v in listed
        ]
        typer.echo(shown_json(rows))
        return
    for ref, visit in listed:
        typer.echo(f"{visit.id}\t{ref}\t{_visit_line(visit, services)}")


@visit_app.command("cancel")
def visit_cancel(visit_id: int) -> None:
    """Cancel a visit; the family is told if it is still ahead, and the case's topic."""
    from bot.domain.cases import CaseError
    from bot.domain.staff_visits import cancel_outside
    from bot.domain.visits import visit_by_id

    with _services() as (db, services):
        visit = visit_by_id(db, visit_id)
        if visit is None:
            raise CaseError(f"no visit {visit_id}")
        cancel_outside(services, db, visit)
    typer.echo(f"cancelled visit {visit_id}")


@visit_app.command("import")
def visit_import(
    file: Annotated[Path, typer.Argument(help="CSV: reference, date, time, place, note.")],
) -> None:
    """Import a day's bookings from the booking system's CSV export. Good rows are booked
    (a visit already booked is left as it is); each bad row is reported by its line, and
    the exit status is then 1."""
    from bot.domain.cases import CaseError
    from bot.domain.staff_visits import book_outside
    from bot.domain.visit_input import CsvError, read_csv
    from bot.domain.visits import BookingError

    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror}")
    counts = {"booked": 0, "again": 0, "already": 0}
    bad = 0
    with _services() as (db, services):
        try:
            rows = list(read_csv(data, now=services.clock(), zone=services.settings.zone))
        except UnicodeDecodeError:
            _fail(f"{file} is not UTF-8 text")
        except CsvError as exc:
            _fail(f"{file} is not readable as CSV ({exc})")
        for row in rows:
            problem = row.problem
            if row.booking is not None:
                try:  # a refused row is refused before anything of it is written
                    counts[book_outside(services, db, row.reference, row.booking).outcome] += 1
                except (CaseError, BookingError) as exc:
                    problem = str(exc)
            if problem:
                bad += 1
                print(shown(f"{file.name}, line {row.line}: {problem}"), file=sys.stderr)
    typer.echo(
        f"booked {counts['booked'] + counts['again']}, already booked {counts['already']}, "
        f"bad rows {bad}"
    )
    if bad:
        raise typer.Exit(1)


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
    from bot.catalogs import check

    problems = check()
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        raise typer.Exit(1)
    if not quiet:
        typer.echo("every text is translated in fi, sv and en, and every screen fits")


@app.command()
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


@app.command()
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
            _fail(f"port {port} on 127.0.0.1 is in use: choose another with --port")
        _fail(f"the demo cannot listen on 127.0.0.1:{port}: {exc.strerror}")
    except KeyboardInterrupt:
        pass


@app.command()
def diagram() -> None:
    """Regenerate the dialogs' Mermaid diagrams in docs/ from their state machines."""
    from bot.diagrams import write_diagrams

    for path in write_diagrams():
        typer.echo(f"wrote {path}")


@contextmanager
def _opened(settings: Settings, *, migrate: bool) -> Iterator[Engine]:
    """The store, waited for and migrated if asked; a URL that cannot work is one line and
    exit status 2, a server that did not answer in time exit status 1."""
    from bot.store.database import StoreError, StoreUnavailableError, open_store

    try:
        engine = open_store(settings, migrate=migrate)
    except StoreError as exc:
        _fail(str(exc))
    except StoreUnavailableError as exc:
        _fail(str(exc), status=1)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _store() -> Iterator[Connection]:
    """One unit of work on the migrated store; a refused case or visit operation is one
    line and exit status 1."""
    from bot.domain.cases import CaseError
    from bot.domain.visits import BookingError
    from bot.store.database import unit_of_work

    with _opened(_settings(), migrate=True) as engine:
        try:
            with unit_of_work(engine) as db:
                yield db
        except (CaseError, BookingError) as exc:
            _fail(str(exc), status=1)


@contextmanager
def _services() -> Iterator[tuple[Connection, Services]]:
    """A unit of work on the store, with the services booking needs."""
    from bot.i18n import load_translators
    from bot.services import Services

    with _store() as db:
        yield db, Services(_settings(), db.engine, load_translators())


def _visit_line(visit: VisitRow, services: Services) -> str:
    local = visit.starts_at.astimezone(services.settings.zone)
    note = f"\t{shown(visit.note)}" if visit.note else ""
    return f"{local:%Y-%m-%d %H:%M}\t{visit.place}\t{visit.status}{note}"


def _print_code(
    make: Callable[[Connection, bytes, int], IssuedCode], *, as_json: bool, qr: Path | None
) -> None:
    from bot.domain.cases import check_secret_setting, load_secret
    from bot.runtime.runner import BOT_USERNAME_KEY
    from bot.store import queries

    settings = _settings()
    try:
        check_secret_setting(settings)
    except SettingsError as exc:
        _fail(str(exc))
    if qr is not None:
        _check_writable(qr)
    username = settings.bot_username
    if not username:
        with _store() as db:
            username = queries.remembered(db, key=BOT_USERNAME_KEY)
    asked = None if username else _ask_username(settings)  # never inside a transaction
    with _store() as db:
        if asked:
            username = asked
            queries.remember(db, key=BOT_USERNAME_KEY, value=asked)
        try:
            secret = load_secret(settings)
        except SettingsError as exc:
            _fail(str(exc))
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
            _fail(f"the QR code could not be written to {qr}: {exc.strerror}", status=1)


def _check_writable(file: Path) -> None:
    """Refuse, before anything is made, a file that cannot be written."""
    folder = file.absolute().parent
    if file.is_dir():
        _fail(f"--qr {file} is a folder; give a file name, like {file / 'case.png'}")
    if not folder.is_dir():
        _fail(f"--qr {file}: there is no folder {folder}")
    if not os.access(folder, os.W_OK) or (file.exists() and not os.access(file, os.W_OK)):
        _fail(f"--qr {file}: no permission to write there")


def _ask_username(settings: Settings) -> str:
    """The bot's @username from the Bot API (getMe), for links before the bot has run."""
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError

    if settings.token is None:
        _fail("set OTBOT_BOT_USERNAME (the bot's @username) or OTBOT_TOKEN to ask Telegram")

    async def ask() -> str:
        bot = Bot(settings.require_token(), base_url=f"{settings.api_url}/bot")
        async with bot:
            return bot.username

    try:
        return asyncio.run(ask())
    except InvalidToken:
        _fail("the Bot API refused OTBOT_TOKEN; set OTBOT_BOT_USERNAME or fix the token")
    except TelegramError as exc:
        _fail(f"cannot ask the Bot API for the bot's username ({exc}); set OTBOT_BOT_USERNAME")


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        _fail(str(exc))


def _fail(message: str, *, status: int = 2) -> NoReturn:
    print(f"otbot: {shown(message)}", file=sys.stderr)
    raise typer.Exit(status)


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


class JsonLines(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and the
    exception's traceback if any; the token never appears."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        line = json.dumps(entry, ensure_ascii=False)
        return line.replace(self.token, "<token>") if self.token else line


def configure_logging(settings: Settings) -> None:
    """Log to stderr without tokens or message texts (httpx would log the token's URL): a
    line per event, or a JSON object per line with OTBOT_LOG_FORMAT=json."""
    token = settings.token.get_secret_value() if settings.token is not None else None
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonLines(token))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if token:
        handler.addFilter(_RedactToken(token))
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
