#!/usr/bin/env bash
# Wait (up to 30 s) until the configured Redis answers, so processes started beside it don't race it.
url="${SALARYGUIDE_REDIS_URL:-redis://127.0.0.1:6380/0}"
for _ in $(seq 1 150); do
  .venv/bin/python - "$url" <<'PY' && exit 0
import sys, redis
try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=0.2).ping()
except redis.RedisError:
    sys.exit(1)
PY
  sleep 0.2
done
echo "Redis at $url did not answer in 30 s" >&2
exit 1
