"""Redis connections that fail fast: after one fails or hangs, the process leaves Redis alone for a moment.

Every Redis client of the app (the queues, the rate limiter's storage) is made with `BreakerConnection`.
Its timeouts (REDIS_TIMEOUT) bound one hang; the breaker keeps the next requests from paying it again:
for REDIS_BREAKER_SECONDS after a failure, a new connection raises at once instead of trying. Flask-Limiter
then counts in memory and the outbox leaves its rows for the relay, so a visitor never waits on Redis.
The worker and the scheduler switch the breaker off: they have their own retries and no visitor waiting.
"""

from __future__ import annotations

import time
from typing import Any

from redis.connection import Connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError


class Breaker:
    """Open for a pause after a failure; per process."""

    def __init__(self) -> None:
        self.pause = 5.0
        self.open_until = 0.0

    def allows(self) -> bool:
        """Whether to try Redis now."""
        return time.monotonic() >= self.open_until

    def trip(self) -> None:
        """Redis just failed: leave it alone for the pause."""
        self.open_until = time.monotonic() + self.pause

    def reset(self) -> None:
        """Try Redis again at once."""
        self.open_until = 0.0

    def switch_off(self) -> None:
        """Always try: for the worker and the scheduler, where no visitor waits and a skipped call only
        delays the work (a breaker opened by one thread's timeout would stall the others' loops)."""
        self.pause, self.open_until = 0.0, 0.0


BREAKER = Breaker()


class BreakerConnection(Connection):
    """redis-py's TCP connection, refusing to connect while the breaker is open and tripping it on failure."""

    def connect(self) -> None:
        if not BREAKER.allows():
            raise RedisConnectionError("Redis failed a moment ago; not tried again yet")
        try:
            super().connect()
        except (RedisConnectionError, RedisTimeoutError):
            BREAKER.trip()
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            BREAKER.trip()  # redis-py drops this connection, so the next command reconnects through connect()
            raise
