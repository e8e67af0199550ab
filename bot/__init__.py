"""otbot: the Telegram bot of the City of Helsinki's paediatric occupational therapy service."""

__version__ = "0.1.0"

import os

# Opt in to python-telegram-bot's coming behaviour: `RetryAfter.retry_after` is a timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "1")
