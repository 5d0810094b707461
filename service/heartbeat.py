"""Heartbeats: each worker and the scheduler say they are alive in Redis, and a beat expires by itself.

A process calls `beat(role, ident, connection)` every `INTERVAL` seconds from its loop; the key lives `TTL`
seconds, so a process that died or hangs drops out of `alive()` within a minute (docs/operations.md).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from typing import Any, cast

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PREFIX = "salaryguide:heartbeat:"
INTERVAL = 10  # seconds between beats
TTL = 45  # seconds a beat counts: a missed beat or three and the process shows as gone
ROLES = ("worker", "scheduler")


def beat(role: str, ident: str, connection: Redis, log_failure: bool = True) -> bool:
    """Record that this process is alive; False (logged, never raised) when Redis is unreachable."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    record = {"role": role, "id": ident, "host": socket.gethostname(), "pid": os.getpid(), "at": time.time()}
    try:
        connection.set(f"{PREFIX}{role}:{ident}", json.dumps(record), ex=TTL)
    except RedisError as exc:
        if log_failure:
            log.warning("heartbeat of %s %s not recorded: %s", role, ident, exc)
        return False
    return True


def keep_beating(role: str, ident: str, connection: Redis, stop: threading.Event | None = None,
                 interval: float = INTERVAL) -> threading.Thread:
    """Beat now and then every `interval` seconds from a daemon thread, until `stop` is set or the process ends.

    For a loop that blocks (RQ's dequeue, the cron scheduler's sleep) where a call per iteration would come
    too seldom. A forked work horse does not inherit the thread; the parent keeps beating.
    """
    stop = stop or threading.Event()
    beating = beat(role, ident, connection)

    def run() -> None:
        nonlocal beating
        while not stop.wait(interval):
            # One warning when Redis goes away, not one per beat while it stays away.
            beating = beat(role, ident, connection, log_failure=beating)

    thread = threading.Thread(target=run, name=f"heartbeat-{role}", daemon=True)
    thread.start()
    return thread


def alive(connection: Redis) -> dict[str, list[dict[str, Any]]]:
    """Every live process by role, each with its host, pid and seconds since its last beat."""
    found: dict[str, list[dict[str, Any]]] = {role: [] for role in ROLES}
    keys = sorted(connection.scan_iter(match=f"{PREFIX}*", count=500))
    now = time.time()
    values = cast(list[bytes | None], connection.mget(keys)) if keys else []  # a sync client
    for raw in values:
        if raw is None:  # expired between SCAN and MGET
            continue
        record = json.loads(raw)
        record["age"] = round(now - record.pop("at"), 1)
        found.setdefault(record["role"], []).append(record)
    return found


def summary(connection: Redis) -> dict[str, Any]:
    """What /readyz and the dashboard show: the live processes, and a warning when no scheduler beats."""
    try:
        processes = alive(connection)
    except RedisError as exc:
        return {"error": f"Redis is unreachable ({type(exc).__name__})"}
    problems = []
    if not processes["scheduler"]:
        problems.append(f"no scheduler has beaten in the last {TTL} s")
    if not processes["worker"]:
        problems.append(f"no worker has beaten in the last {TTL} s")
    return {**processes, "problems": problems}
