"""Settings from OTBOT_* environment variables, also read from `.env` in the working directory."""

from __future__ import annotations

from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")


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
        from bot.office_hours import OfficeHours

        OfficeHours.parse(value, ZoneInfo("UTC"))
        return value

    @field_validator("reminder_hours")
    @classmethod
    def _reminder_hours_readable(cls, value: str) -> str:
        from bot.visits import parse_lead_hours

        parse_lead_hours(value)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_readable(cls, value: str) -> str:
        from bot.office_hours import QuietHours

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

    @field_validator("staff_chat_id", "token", "bot_username", "secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def reminder_leads(self) -> tuple[int, ...]:
        """Hours before a visit when its reminders go out, longest first."""
        from bot.visits import parse_lead_hours

        return parse_lead_hours(self.reminder_hours)

    def require_token(self) -> str:
        if self.token is None or not self.token.get_secret_value().strip():
            raise SettingsError(
                "OTBOT_TOKEN is not set: put the token from BotFather in OTBOT_TOKEN "
                "(environment or .env)"
            )
        return self.token.get_secret_value().strip()


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a bad value becomes one SettingsError line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "OTBOT_" + str(first["loc"][0]).upper() if first["loc"] else "a setting"
        raise SettingsError(f"{name} is not valid: {first['msg']}") from None
