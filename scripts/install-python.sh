#!/usr/bin/env bash
# Make .venv and install the locked versions into it, then the project itself; a second run with nothing
# changed returns at once. The locks are made with uv from pyproject.toml: `make lock`.
set -euo pipefail
extras="${1:-}"               # "test" for the test dependencies
venv=.venv
lock="requirements/${extras:-run}.lock"
stamp="$venv/.installed-${extras:-run}"
python="${PYTHON:-python3}"

if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
fi
if [[ -f "$stamp" && "$stamp" -nt pyproject.toml && "$stamp" -nt "$lock" ]]; then exit 0; fi
"$venv/bin/pip" install -q -r "$lock"
"$venv/bin/pip" install -q --no-deps -e .
touch "$stamp"
