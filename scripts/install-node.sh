#!/usr/bin/env bash
# Install the npm packages the browser tests load (tests/js: axe-core and vnu-jar) exactly as locked; a second
# run with nothing changed returns at once. Install scripts are not run: vnu-jar's would download a Java runtime.
set -euo pipefail
dir=tests/js
stamp="$dir/node_modules/.installed"
if [[ -f "$stamp" && "$stamp" -nt "$dir/package-lock.json" ]]; then exit 0; fi
npm ci --prefix "$dir" --ignore-scripts --no-audit --no-fund --loglevel=error
touch "$stamp"
