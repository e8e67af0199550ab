"""`python -m bot` is the same as the `otbot` command."""

from bot.cli import main

main()
