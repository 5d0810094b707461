#!/usr/bin/env bash
# Run the whole suite. The fixtures start their own redis-server and PostgreSQL, on free loopback ports.
set -euo pipefail
.venv/bin/ruff check service workers pdf tests bench
.venv/bin/mypy
scripts/audit.sh
exec .venv/bin/python -m pytest "$@"
