#!/usr/bin/env bash
# pip-audit against the lock file `make test` installs. A known vulnerability fails the run. pip-audit asks
# PyPI's JSON API for advisories; where that API is unreachable (a mirror that serves only the package
# index), it can audit nothing and says so here instead of passing in silence.
set -uo pipefail
lock="${1:-requirements/test.lock}"
out="$(.venv/bin/pip-audit -r "$lock" --no-deps --disable-pip --progress-spinner off 2>&1)"
status=$?
unaudited="$(grep -c 'could not be audited' <<<"$out")"
total="$(grep -c '^[a-z0-9]' "$lock")"
if [[ $status -ne 0 ]]; then
  echo "$out"
  exit $status
fi
if [[ "$unaudited" -ge "$total" ]]; then
  echo "pip-audit: no advisory service reachable from here; none of the $total locked packages could be audited"
else
  echo "pip-audit: $((total - unaudited)) of $total locked packages audited, no known vulnerabilities"
fi
