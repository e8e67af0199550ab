"""otbot: the Telegram bot of the City of Helsinki's paediatric occupational therapy service."""

__version__ = "0.1.0"
