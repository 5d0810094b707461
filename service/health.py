"""Readiness: whether this node can serve a visitor, one check per dependency, each "ok" or the reason."""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from service import heartbeat, storage
from service.extensions import db

log = logging.getLogger(__name__)
TIMEOUT = 0.5  # seconds: a load balancer's probe must answer fast, even when a dependency hangs


def redis_connection() -> redis.Redis:
    """A short-timeout connection to the configured Redis, for probes."""
    return redis.Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=TIMEOUT,
                                socket_timeout=TIMEOUT)


def _kind(exc: SQLAlchemyError) -> str:
    """The driver's exception name when there is one (OperationalError), else SQLAlchemy's."""
    return type(getattr(exc, "orig", None) or exc).__name__


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError as exc:
        db.session.rollback()
        return f"unreachable: {_kind(exc)}"


def _redis(connection: redis.Redis) -> str:
    try:
        connection.ping()
        return "ok"
    except redis.RedisError as exc:
        return f"unreachable: {type(exc).__name__}"


def _edition_pdf() -> str:
    from service.guide import editions

    try:
        year = editions.current_year()
        return "ok" if editions.ready_pdf(year) is not None else f"the {year} edition's PDF is not stored yet"
    except SQLAlchemyError as exc:
        db.session.rollback()
        return f"unknown: the database is unreachable ({_kind(exc)})"
    except OSError as exc:
        return f"unknown: the PDF store is unreachable ({exc})"


def checks() -> dict[str, Any]:
    """Each dependency's state, the overall verdict, and the heartbeats of the workers and the scheduler."""
    connection = redis_connection()
    try:
        results = {"database": _database(), "redis": _redis(connection), "pdf_store": storage.store().check(),
                   "edition_pdf": _edition_pdf()}
        beats = heartbeat.summary(connection)
    finally:
        connection.close()
    ready = all(value == "ok" for value in results.values())
    return {"status": "ok" if ready else "unavailable", "checks": results, "heartbeats": beats}
