#!/usr/bin/env bash
# The Redis `make run` starts: scripts/redis.conf, on the port of SALARYGUIDE_REDIS_URL, its file in the instance folder.
set -euo pipefail
url="${SALARYGUIDE_REDIS_URL:-redis://127.0.0.1:6380/0}"
port="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).port or 6379)' "$url")"
dir="${SALARYGUIDE_INSTANCE_PATH:-$PWD/instance}/redis"
mkdir -p "$dir"
exec redis-server scripts/redis.conf --port "$port" --dir "$dir"
