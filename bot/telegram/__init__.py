"""Telegram's side: the routing table, Update to event, the senders that execute outbox rows."""
