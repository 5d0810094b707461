#!/usr/bin/env bash
# Make .venv and install the project into it; a second run with nothing changed returns at once.
set -euo pipefail
extras="${1:-}"               # "test" for the test dependencies
venv=.venv
stamp="$venv/.installed${extras:+-$extras}"
python="${PYTHON:-python3}"

if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
fi
if [[ -f "$stamp" && "$stamp" -nt pyproject.toml ]]; then exit 0; fi
spec="."
if [[ -n "$extras" ]]; then spec=".[$extras]"; fi
"$venv/bin/pip" install -q -e "$spec"
touch "$stamp"
