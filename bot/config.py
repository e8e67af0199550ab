"""Settings from OTBOT_* environment variables, also read from `.env` in the working directory."""

from __future__ import annotations

import math
import re
from functools import cached_property
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.office_hours import OfficeHours, QuietHours

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
#: Telegram posts to a webhook on these ports only.
WEBHOOK_PORTS = (443, 80, 88, 8443)
#: What Telegram accepts as a webhook's secret token.
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
DEFAULT_LISTEN = "127.0.0.1:8080"
#: The shortest `OTBOT_SECRET`: the HMACs of the link codes are as strong as their key.
SECRET_MIN_LENGTH = 32


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


class Settings(BaseSettings):
    """Every setting the bot reads. The README lists them with their meaning."""

    model_config = SettingsConfigDict(
        env_prefix="OTBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    token: SecretStr | None = None
    api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite:///otbot.sqlite3"
    database_wait: float = Field(default=60.0, ge=0, le=3600)
    staff_chat_id: int | None = None
    timezone: str = "Europe/Helsinki"
    bot_username: str | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    privacy_url: str = "https://www.hel.fi"
    poll_timeout: int = Field(default=30, ge=0, le=50)
    secret: SecretStr | None = None
    staff_language: str = "fi"
    retention_days: int = Field(default=90, ge=1)
    idle_days: int = Field(default=365, ge=1)
    office_hours: str = "mon-fri 08:00-16:00"
    link_code_days: int = Field(default=14, ge=1, le=365)
    reminder_hours: str = "48,2"
    quiet_hours: str = "21:00-08:00"
    tick_seconds: float = Field(default=30.0, gt=0, le=3600)
    send_rate: float = Field(default=30.0, gt=0)
    group_rate: int = Field(default=20, ge=1)
    concurrency: int = Field(default=64, ge=1, le=1024)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    #: host:port of the bot's own HTTP listener; None: not set (the default applies in
    #: webhook mode, and a polling bot opens no port).
    listen: str | None = None
    #: How many `otbot run` processes share the work (webhook mode, PostgreSQL); each keeps
    #: its share of Telegram's limits.
    workers: int = Field(default=1, ge=1, le=64)

    @field_validator("api_url")
    @classmethod
    def _api_url_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _timezone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("staff_language")
    @classmethod
    def _staff_language_known(cls, value: str) -> str:
        if value not in ("fi", "sv", "en"):
            raise ValueError("must be fi, sv or en")
        return value

    @field_validator("office_hours")
    @classmethod
    def _office_hours_readable(cls, value: str) -> str:
        OfficeHours.parse(value, ZoneInfo("UTC"))
        return value

    @field_validator("reminder_hours")
    @classmethod
    def _reminder_hours_readable(cls, value: str) -> str:
        parse_lead_hours(value)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_readable(cls, value: str) -> str:
        QuietHours.parse(value, ZoneInfo("UTC"))
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level_known(cls, value: str) -> str:
        level = value.upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("log_format")
    @classmethod
    def _log_format_known(cls, value: str) -> str:
        if value.lower() not in LOG_FORMATS:
            raise ValueError(f"must be one of {', '.join(LOG_FORMATS)}")
        return value.lower()

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url_public(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError("must be the public https:// URL Telegram posts to")
        if (parts.port or 443) not in WEBHOOK_PORTS:
            raise ValueError("Telegram posts only to ports 443, 80, 88 or 8443")
        if parts.query or parts.fragment:
            raise ValueError("must have no query or fragment")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret_allowed(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("secret")
    @classmethod
    def _secret_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < SECRET_MIN_LENGTH:
            raise ValueError(
                f"must be at least {SECRET_MIN_LENGTH} characters, for example "
                "`python3 -c 'import secrets; print(secrets.token_hex(32))'`"
            )
        return value

    @field_validator("listen")
    @classmethod
    def _listen_address(cls, value: str | None) -> str | None:
        if value is not None:
            split_listen(value)
        return value

    @field_validator(
        "staff_chat_id",
        "token",
        "bot_username",
        "secret",
        "webhook_url",
        "webhook_secret",
        "listen",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def reminder_leads(self) -> tuple[int, ...]:
        """Hours before a visit when its reminders go out, longest first."""
        return parse_lead_hours(self.reminder_hours)

    def require_token(self) -> str:
        if self.token is None or not self.token.get_secret_value().strip():
            raise SettingsError(
                "OTBOT_TOKEN is not set: put the token from BotFather in OTBOT_TOKEN "
                "(environment or .env)"
            )
        return self.token.get_secret_value().strip()

    @property
    def webhook(self) -> bool:
        """Webhook mode: Telegram posts updates to `webhook_url` (else the bot long-polls)."""
        return self.webhook_url is not None

    @property
    def webhook_path(self) -> str:
        """The path the listener takes updates on: the path of `OTBOT_WEBHOOK_URL`."""
        return urlsplit(self.webhook_url or "").path or "/"

    def require_webhook_secret(self) -> str | None:
        """In webhook mode, the secret Telegram sends with every update (required)."""
        if not self.webhook:
            return None
        if self.webhook_secret is None:
            raise SettingsError(
                "OTBOT_WEBHOOK_SECRET is not set: webhook mode (OTBOT_WEBHOOK_URL) needs a "
                "secret of 1 to 256 characters of A-Z, a-z, 0-9, _ and -"
            )
        return self.webhook_secret.get_secret_value()

    def check_workers(self) -> None:
        """Several workers need webhook mode (a second poller only gets Telegram's 409) and
        PostgreSQL (SQLite takes one process)."""
        if self.workers > 1 and not (self.webhook and self.database_url.startswith("postgresql")):
            raise SettingsError(
                "OTBOT_WORKERS above 1 needs webhook mode (OTBOT_WEBHOOK_URL) and "
                "PostgreSQL (OTBOT_DATABASE_URL)"
            )

    @property
    def worker_send_rate(self) -> float:
        """This process's share of `OTBOT_SEND_RATE`, rounded down to whole messages a
        second when several share it (the shares must not add up to more)."""
        share = self.send_rate / self.workers
        return float(math.floor(share)) if self.workers > 1 and share >= 1 else share

    @property
    def worker_group_rate(self) -> int:
        """This process's share of `OTBOT_GROUP_RATE` (at least one message a minute)."""
        return max(1, self.group_rate // self.workers)

    def listen_address(self) -> tuple[str, int] | None:
        """Where the bot's HTTP listener binds: always in webhook mode, when polling only
        if `OTBOT_LISTEN` is set."""
        if self.listen is not None:
            return split_listen(self.listen)
        return split_listen(DEFAULT_LISTEN) if self.webhook else None


def split_listen(value: str) -> tuple[str, int]:
    """`host:port` (`[::1]:8080` for IPv6) as (host, port)."""
    host, colon, port = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("must be host:port, like 127.0.0.1:8080")
    return host, int(port)


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a bad value becomes one SettingsError line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "OTBOT_" + str(first["loc"][0]).upper() if first["loc"] else "a setting"
        raise SettingsError(f"{name} is not valid: {first['msg']}") from None


def parse_lead_hours(text: str) -> tuple[int, ...]:
    """`48,2` → (48, 2): hours before a visit when reminders go out; empty means none."""
    try:
        hours = {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        raise ValueError("write whole hours separated by commas, like 48,2") from None
    if any(not 1 <= h <= 24 * 14 for h in hours):
        raise ValueError("each lead time must be 1 to 336 hours")
    return tuple(sorted(hours, reverse=True))
