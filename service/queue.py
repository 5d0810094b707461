"""The queue: jobs go through the outbox, so a committed job reaches Redis even if Redis was down."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import select

from service.extensions import db, rq
from service.models import OutboxMessage

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Bind Flask-RQ and register the schedules."""
    from workers import schedule

    rq.init_app(app)
    schedule.register(rq, app.config)


def add(queue: str, job: str, job_id: str, *args: Any) -> OutboxMessage:
    """Write a job to the outbox in the caller's transaction; dispatch it after commit."""
    message = OutboxMessage(queue=queue, job=job, job_id=job_id, args=list(args))
    db.session.add(message)
    return message


def dispatch(messages: Iterable[OutboxMessage]) -> int:
    """Hand committed outbox rows to Redis; a row Redis refuses stays for the relay.

    One commit for the lot: if the process dies before it, the relay sends the rows again and
    `_enqueue` finds their jobs already in Redis, so nothing runs twice.
    """
    sent = 0
    for message in messages:
        try:
            _enqueue(message)
        except RedisError as exc:
            log.warning("queue unavailable, %s stays in the outbox: %s", message.job_id, exc)
            message.attempts += 1
            message.last_error = str(exc)[:500]
            break
        message.dispatched_at = datetime.now(UTC)
        sent += 1
    db.session.commit()
    return sent


def _enqueue(message: OutboxMessage) -> None:
    """Enqueue unless a job with this deterministic id is already known to Redis."""
    queue = rq.get_queue(message.queue)
    try:
        Job.fetch(message.job_id, connection=queue.connection)
        log.info("job %s already in Redis, not enqueued again", message.job_id)
        return
    except NoSuchJobError:
        pass
    queue.enqueue(
        message.job,
        *message.args,
        job_id=message.job_id,
        job_timeout=current_app.config["RENDER_TIMEOUT"],
        result_ttl=3600,
        failure_ttl=7 * 86400,
    )
    log.info("enqueued %s on %s", message.job_id, message.queue)


def pending(grace_seconds: float) -> list[OutboxMessage]:
    """Outbox rows Redis has not taken, older than the grace the writing request has to send them."""
    cutoff = datetime.now(UTC) - timedelta(seconds=grace_seconds)
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.dispatched_at.is_(None), OutboxMessage.created_at <= cutoff)
        .order_by(OutboxMessage.id)
        .limit(500)
    )
    return list(db.session.scalars(query))


def relay(grace_seconds: float | None = None) -> int:
    """Send what the outbox still holds; returns how many rows Redis took."""
    grace = current_app.config["RELAY_GRACE"] if grace_seconds is None else grace_seconds
    return dispatch(pending(grace))
