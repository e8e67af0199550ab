"""What the bot counts for `GET /metrics` (Prometheus text, `prometheus-client`).

Counts and times only: labels are Bot API method names, update and job kinds and outcomes,
never a chat, a user, a case, a token or a text. Each running bot has its own registry, so
several bots in one process (the tests) do not mix their numbers.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from telegram import Update

#: The content type of the text format `generate_latest` writes.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: Update kinds counted by name; anything else is "other".
UPDATE_KINDS = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
)


def update_kind(update: Update) -> str:
    for kind in UPDATE_KINDS:
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


class Metrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "otbot_updates",
            "Updates from Telegram by kind and outcome: handled, repeated (delivered again "
            "and skipped), failed (skipped after its tries).",
            ["kind", "outcome"],
            registry=registry,
        )
        self.update_seconds = Histogram(
            "otbot_update_handling_seconds",
            "Time from an update's arrival to its unit of work's commit.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=registry,
        )
        self.webhook_requests = Counter(
            "otbot_webhook_requests",
            "Requests to the webhook by the status answered (403: wrong secret, 400: not an "
            "update, 413: too large, 500/503: not committed, Telegram sends it again).",
            ["status"],
            registry=registry,
        )
        self.jobs = Counter(
            "otbot_outbox_jobs",
            "Outbox jobs by kind and outcome: sent, retried (later), refused (dropped), "
            "uncertain (timed out, staff told), failed (tried again after a backoff).",
            ["kind", "outcome"],
            registry=registry,
        )
        self.owed = Gauge(
            "otbot_outbox_jobs_owed",
            "Outbox jobs written and not yet sent (waiting or in flight).",
            registry=registry,
        )
        self.oldest_owed = Gauge(
            "otbot_outbox_oldest_job_age_seconds",
            "Age of the oldest job still owed (0 when none).",
            registry=registry,
        )
        self.api_calls = Counter(
            "otbot_api_calls",
            "Bot API calls (getUpdates aside) by method and outcome: ok, retry_after (429), "
            "refused (4xx), error (5xx, network, timeout).",
            ["method", "outcome"],
            registry=registry,
        )
        self.retry_after = Counter(
            "otbot_api_retry_after",
            "Bot API calls Telegram answered 429 Too Many Requests (asked to wait).",
            registry=registry,
        )
        self.reminders_due = Counter(
            "otbot_reminders_due",
            "Reminders the scheduler found due and queued for sending.",
            registry=registry,
        )
        self.reminders_sent = Counter(
            "otbot_reminders_sent",
            "Reminders delivered to a family.",
            registry=registry,
        )

        self.link_refused = Counter(
            "otbot_link_attempts_refused",
            "Link codes refused, by why: wrong, expired, used, too many (this chat's wrong "
            "tries this hour).",
            ["outcome"],
            registry=registry,
        )

    def update_handled(self, update: Update, outcome: str, seconds: float | None) -> None:
        self.updates.labels(update_kind(update), outcome).inc()
        if seconds is not None:
            self.update_seconds.observe(seconds)

    def backlog(self, owed: int, oldest: datetime | None, now: datetime) -> None:
        self.owed.set(owed)
        self.oldest_owed.set(max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)

    def text(self) -> bytes:
        return generate_latest(self.registry)
