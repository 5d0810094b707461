"""Prometheus metrics: every metric object in one module, so call sites stay one line each.

Web-side metrics (requests, signups, export rows) use prometheus_client, in multiprocess mode under
gunicorn when PROMETHEUS_MULTIPROC_DIR is set. Work done by the workers (renders, emails) is counted in
Redis instead: a worker forks a fresh process per job and may run on another machine, so per-process files
would pile up and a web node could not see them. State (queue depth, failed jobs, the data snapshot's age,
live processes) is read at scrape time. docs/operations.md lists every metric and its alert.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import redis
from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

SIGNUPS = Counter("salaryguide_signups_total", "Signup form submissions by outcome", ["outcome"])
REQUEST_SECONDS = Histogram("salaryguide_http_request_duration_seconds", "Request latency by route",
                            ["route", "method", "status"])
EXPORT_ROWS = Counter("salaryguide_export_rows_total", "Subscriber rows exported")

REDIS_PREFIX = "salaryguide:metrics:"
RENDER_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


def _redis() -> redis.Redis:
    """The app's Redis, as the queues use it: its timeouts and breaker (service/redis_breaker.py) apply."""
    from service.extensions import rq

    return rq.get_queue("default").connection


def _count(operations: Sequence[tuple[str, str, float]]) -> None:
    """Add to Redis hash fields; a metric never fails the work it measures."""
    try:
        pipe = _redis().pipeline(transaction=False)
        for key, field, amount in operations:
            pipe.hincrbyfloat(REDIS_PREFIX + key, field, amount)
        pipe.execute()
    except RedisError as exc:
        log.warning("metric not recorded: %s", exc)


def render_path(inputs: dict[str, Any] | None) -> str:
    """How a PDF is made: the whole guide, the personal base, or a personal guide merged into the base."""
    if not inputs:
        return "guide"
    return "personal_base" if inputs.get("personal_base") else "personal"


def rendered(inputs: dict[str, Any] | None, seconds: float) -> None:
    """Count one render on its path, with its duration."""
    path = render_path(inputs)
    bucket = next((f"{b}" for b in RENDER_BUCKETS if seconds <= b), "+Inf")
    _count([("renders", path, 1), ("render_seconds_sum", path, seconds),
            ("render_seconds_bucket", f"{path}|{bucket}", 1)])


def email(status: str) -> None:
    """Count one email outcome: sent, failed, cancelled, or retry (given back for another attempt)."""
    _count([("emails", status, 1)])


class ScrapeCollector:
    """What is read when Prometheus scrapes: the Redis counters and the state of queues and data."""

    def collect(self) -> Iterator[Metric]:
        yield from _redis_metrics()
        yield from _state_metrics()


def _hash(connection: redis.Redis, key: str) -> dict[str, float]:
    found = cast(dict[bytes, bytes], connection.hgetall(REDIS_PREFIX + key))  # a sync client
    return {k.decode(): float(v) for k, v in found.items()}


def _redis_metrics() -> Iterator[Metric]:
    try:
        connection = _redis()
        renders, sums = _hash(connection, "renders"), _hash(connection, "render_seconds_sum")
        buckets, emails = _hash(connection, "render_seconds_bucket"), _hash(connection, "emails")
    except RedisError:
        return
    counter = CounterMetricFamily("salaryguide_renders", "PDFs made, by path", labels=["path"])
    histogram = HistogramMetricFamily("salaryguide_render_seconds", "Time to make a PDF, by path", labels=["path"])
    for path, count in sorted(renders.items()):
        counter.add_metric([path], count)
        cumulative, points = 0.0, []
        for bound in [*(f"{b}" for b in RENDER_BUCKETS), "+Inf"]:
            cumulative += buckets.get(f"{path}|{bound}", 0)
            points.append((bound, cumulative))
        histogram.add_metric([path], points, sums.get(path, 0.0))
    mails = CounterMetricFamily("salaryguide_emails", "Emails by outcome", labels=["status"])
    for status, count in sorted(emails.items()):
        mails.add_metric([status], count)
    yield from (counter, histogram, mails)


def _state_metrics() -> Iterator[Metric]:
    from service import health, heartbeat
    from service.admin import queue_health

    depth = GaugeMetricFamily("salaryguide_queue_depth", "Jobs waiting, per queue", labels=["queue"])
    failed = GaugeMetricFamily("salaryguide_queue_failed_jobs", "Jobs in the failed registry, per queue",
                               labels=["queue"])
    for queue in queue_health.health(failures=0).queues:
        depth.add_metric([queue.name], queue.queued)
        failed.add_metric([queue.name], queue.failed)
    yield from (depth, failed)
    beats = heartbeat.summary(health.redis_connection())
    if "error" not in beats:
        alive = GaugeMetricFamily("salaryguide_processes_alive", "Processes with a live heartbeat", labels=["role"])
        for role in heartbeat.ROLES:
            alive.add_metric([role], len(beats[role]))
        yield alive
    age = _snapshot_age()
    if age is not None:
        yield GaugeMetricFamily("salaryguide_data_snapshot_age_seconds", "Seconds since the salary data changed",
                                value=age)


def _snapshot_age() -> float | None:
    """Seconds since the newest data snapshot was made (None before the first import or without a database)."""
    from service.extensions import db
    from service.models import DataSnapshot

    try:
        made = db.session.scalar(select(func.max(DataSnapshot.created_at)))
    except SQLAlchemyError:
        db.session.rollback()
        return None
    if made is None:
        return None
    made = made if made.tzinfo else made.replace(tzinfo=UTC)  # SQLite keeps UTC without a zone
    return (datetime.now(UTC) - made).total_seconds()


def _allowed() -> bool:
    """METRICS_ACCESS: "loopback" (the scraper on this machine) or "token" (Bearer SALARYGUIDE_ADMIN_TOKEN)."""
    from service.admin import auth

    if current_app.config["METRICS_ACCESS"] == "token":
        credentials = request.authorization
        return credentials is not None and credentials.type == "bearer" and auth.token_valid(credentials.token or "")
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def exposition() -> Response:
    """The /metrics answer: every process's metrics (multiprocess mode) and the scrape-time readings."""
    if not _allowed():
        abort(404)  # as if there were nothing here
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        sources: list[Any] = [registry]
    else:
        sources = [REGISTRY]
    output = b"".join(generate_latest(source) for source in sources)
    extra = CollectorRegistry(auto_describe=False)
    extra.register(ScrapeCollector())
    response = Response(output + generate_latest(extra), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Time every request by its route pattern (never the raw path: tokens must not become labels)."""

    @app.before_request
    def _start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule else "unmatched"
            REQUEST_SECONDS.labels(route, request.method, str(response.status_code)).observe(
                time.perf_counter() - started)
        return response
