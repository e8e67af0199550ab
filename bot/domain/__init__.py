"""The rules, without Telegram: cases and linking, the inbox's relay rules, visits, privacy."""
