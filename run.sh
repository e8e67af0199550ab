#!/usr/bin/env bash
# Installs otbot into .venv (first time, or when pyproject.toml or constraints.txt changed)
# and runs the bot.
#   ./run.sh demo [--port N] [--reload]   the bot in a browser: no token, no .env, no Telegram
#   ./run.sh [--no-migrate]               the bot for real: settings come from the environment
#                                         and from .env in this folder (at least OTBOT_TOKEN)
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/otbot ] || [ pyproject.toml -nt .venv/.installed ] \
  || [ constraints.txt -nt .venv/.installed ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -c constraints.txt -e '.[postgres]'
  touch .venv/.installed
fi
if [ "${1:-}" = demo ]; then
  shift
  exec .venv/bin/otbot demo "$@"
fi
exec .venv/bin/otbot run "$@"
