"""`otbot run`: start the store, the Application and the polling loop; stop cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.config import Settings, SettingsError
from bot.dialogs import advice_reading
from bot.domain.cases import check_secret_setting, load_secret
from bot.domain.erasure import erase_closed_cases, erase_idle_chats
from bot.domain.linking import forget_old_tries
from bot.i18n import LANGUAGES, load_translators
from bot.runtime.health import Health, Listener
from bot.runtime.intake import Intake
from bot.runtime.limits import Limits
from bot.runtime.polling import Poller
from bot.runtime.reminders import Reminders
from bot.runtime.senders import build_outbox, count_call
from bot.runtime.sending import Outbox
from bot.runtime.webhook import Webhook
from bot.services import Services
from bot.store import queries
from bot.store.database import open_store, unit_of_work
from bot.store.models import utcnow
from bot.telegram.app import ALLOWED_UPDATES, BotApplication, build_application
from bot.telegram.context import dialog_context
from bot.telegram.profile import publish_profile
from bot.telegram.staff_access import StaffList, forget_old_notices

log = logging.getLogger(__name__)

BOT_USERNAME_KEY = "bot_username"
#: At a start, what is owed is sent for up to this long before the slower preparations.
CATCH_UP_SECONDS = 3.0


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    retry_base: float = 1.0,
    clock: Callable[[], datetime] = utcnow,
    observe: Callable[[Outbox, Poller | Webhook], None] | None = None,
    migrate: bool = True,
) -> None:
    """Serve until `stop` is set (or SIGTERM / SIGINT when no event is given): long-poll,
    or in webhook mode take Telegram's posts. `observe` is shown the outbox and the poller
    or webhook once they run (tests wait for them to settle)."""
    settings.require_token()
    settings.require_webhook_secret()
    settings.check_workers()
    check_secret_setting(settings)
    stop = stop or stop_on_signals()
    engine = await asyncio.to_thread(open_store, settings, migrate=migrate)
    services = Services(
        settings, engine, load_translators(), secret=load_secret(settings), clock=clock
    )
    application = build_application(services)
    if isinstance(application.bot.rate_limiter, Limits):
        application.bot.rate_limiter.observe = count_call(services)
    outbox = build_outbox(services, application, retry_base)
    initialized = False
    sending: asyncio.Task[None] | None = None
    try:
        initialized = await _initialize(application, stop, retry_base)
        if not initialized:
            return
        # What a run that died left owed goes out at once: the outbox worker (which takes
        # over the dead run's claims) starts before the slower preparations below.
        sending = asyncio.create_task(outbox.run(stop))
        # It goes out before the preparations take the processor (a long backlog goes on
        # alongside them after a few seconds).
        await outbox.caught_up(within=CATCH_UP_SECONDS)
        # The typed-message keywords (and their base forms) are compiled before the first
        # parent types, not while they wait.
        await asyncio.to_thread(_prepare_dialogs, services)
        services.bot_username = _bot_username(services, application.bot.username)
        await publish_profile(application.bot, services.translators)
        if not settings.webhook:
            await _delete_webhook(application)
        await application.start()
        log.info("serving as @%s", services.bot_username)
        retention = timedelta(days=settings.retention_days)
        staff_list = None
        if settings.staff_chat_id is not None:
            staff_list = StaffList(application.bot, engine, settings.staff_chat_id)
            await staff_list.read()
        idle = timedelta(days=settings.idle_days)

        def housekeeping(db: Connection) -> None:
            erased = erase_closed_cases(db, older_than=retention)
            if erased:
                log.info("erased %d cases closed over %s ago", erased, retention)
            forget_old_notices(db, today=clock().date())
            forget_old_tries(db, now=utcnow())
            forgotten = erase_idle_chats(db, older_than=idle)
            if forgotten:
                log.info("forgot %d chats idle over %s", forgotten, idle)

        intake = Intake(
            application,
            engine,
            outbox,
            retry_base=retry_base,
            housekeeping=housekeeping,
            prepare=staff_list.before if staff_list is not None else None,
            metrics=services.metrics,
        )
        taking = _intake_loop(settings, intake)
        reminders = Reminders(
            engine,
            clock=clock,
            quiet=services.quiet_hours,
            tick_seconds=settings.tick_seconds,
            wake=outbox.wake,
            metrics=services.metrics,
        )
        if observe is not None:
            observe(outbox, taking)
        reminding = asyncio.create_task(reminders.run(stop))
        running = sending
        listener = _listener(
            services, taking, running=lambda: not (running.done() or reminding.done())
        )
        try:
            if listener is not None:
                await listener.start()
            if isinstance(taking, Webhook):
                await taking.run(stop, retry_base)
            else:
                await taking.run(stop)
        finally:
            stop.set()
            if listener is not None:
                await listener.stop()
            await reminding
    except InvalidToken:
        raise SettingsError(
            "the Bot API refused OTBOT_TOKEN (401 Unauthorized): check the token from BotFather"
        ) from None
    finally:
        if sending is not None:
            stop.set()
            await sending
            await outbox.close()
        if application.running:
            await application.stop()
        if initialized:
            await application.shutdown()
        engine.dispose()
        log.info("stopped")


def _intake_loop(settings: Settings, intake: Intake) -> Poller | Webhook:
    """The polling loop, or in webhook mode the webhook's receiver."""
    secret = settings.require_webhook_secret()
    if settings.webhook_url is None or secret is None:
        return Poller(
            intake,
            allowed_updates=ALLOWED_UPDATES,
            timeout=settings.poll_timeout,
            concurrency=settings.concurrency,
        )
    return Webhook(
        intake,
        url=settings.webhook_url,
        path=settings.webhook_path,
        secret=secret,
        allowed_updates=ALLOWED_UPDATES,
        max_connections=settings.webhook_max_connections,
        concurrency=settings.concurrency,
    )


def _listener(
    services: Services, taking: Poller | Webhook, *, running: Callable[[], bool]
) -> Listener | None:
    """The HTTP listener (webhook, /healthz, /metrics); a polling bot opens none unless
    OTBOT_LISTEN is set."""
    address = services.settings.listen_address()
    if address is None:
        return None
    listener = Listener(*address)
    polling = isinstance(taking, Poller)
    health = Health(
        services.engine,
        services.metrics,
        mode="polling" if polling else "webhook",
        clock=services.clock,
        running=running,
        last_update=lambda: taking.intake.last_update,
        last_poll=(lambda: taking.last_poll) if isinstance(taking, Poller) else None,
        poll_stale_after=services.settings.poll_timeout + 60.0,
    )
    health.add_routes(listener.app)
    if isinstance(taking, Webhook):
        taking.add_routes(listener.app)
    return listener


def _prepare_dialogs(services: Services) -> None:
    for language in LANGUAGES:
        for linked in (False, True):
            advice_reading.prepare(dialog_context(services, language, linked=linked))


async def _initialize(application: BotApplication, stop: asyncio.Event, retry_base: float) -> bool:
    """Initialize (this asks getMe), retrying while the Bot API cannot be reached."""
    delay = retry_base
    while not stop.is_set():
        try:
            await application.initialize()
            return True
        except InvalidToken:
            raise
        except (NetworkError, RetryAfter) as exc:
            log.warning(
                "the Bot API cannot be reached (%s); trying again in %.0f s", exc.message, delay
            )
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
        except TimeoutError:
            delay = min(delay * 2, 60.0)
    return False


def _bot_username(services: Services, asked: str | None) -> str | None:
    """The configured username, else the one getMe gave, remembered in the store."""
    if services.settings.bot_username:
        return services.settings.bot_username.lstrip("@")
    with unit_of_work(services.engine) as db:
        if asked:
            queries.remember(db, key=BOT_USERNAME_KEY, value=asked)
            return asked
        return queries.remembered(db, key=BOT_USERNAME_KEY)


async def _delete_webhook(application: BotApplication) -> None:
    """Polling and a webhook exclude each other; a left-over webhook is removed."""
    try:
        await application.bot.delete_webhook()
    except TelegramError as exc:
        log.warning("could not remove a webhook (%s)", exc.message)


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop
