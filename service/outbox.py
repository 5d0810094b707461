"""The outbox: jobs written in the caller's transaction, handed to Redis after it commits.

A committed job reaches Redis even if Redis was down: a row Redis refuses stays in the outbox and the
relay sends it later. Jobs are named by the function itself; `job_path` turns one into the import path
RQ stores, in this one place, so a renamed job fails at import time rather than in a worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Retry
from rq.exceptions import DuplicateJobError
from sqlalchemy import inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value

from service.extensions import db, rq
from service.models import OutboxMessage
from service.redis_breaker import BREAKER

log = logging.getLogger(__name__)
PENDING = "outbox_pending"  # the session.info key holding this transaction's rows


def init_app(app: Flask) -> None:
    """Bind Flask-RQ's queues, and offer only our own worker and scheduler commands."""
    rq.init_app(app)
    # Flask-RQ adds `flask rq worker|cron`: a cold spawn-per-job worker and a cron with no catch-up.
    app.cli.commands.pop("rq", None)


def job_path(func: Callable[..., Any]) -> str:
    """The import path RQ stores for a job function (module-level functions only)."""
    if "." in func.__qualname__ or func.__module__ == "__main__":
        raise ValueError(f"{func.__qualname__} is not a module-level function and cannot be a job")
    return f"{func.__module__}.{func.__qualname__}"


def add(queue: str, func: Callable[..., Any], job_id: str, *args: Any) -> OutboxMessage:
    """Write a job to the outbox in the caller's transaction; `commit()` dispatches it."""
    message = OutboxMessage(queue=queue, job=job_path(func), job_id=job_id, args=list(args))
    db.session.add(message)
    db.session.info.setdefault(PENDING, []).append(message)
    return message


def commit() -> int:
    """Commit the transaction, then hand its outbox rows to Redis; returns how many Redis took.

    The one way to end a transaction that wrote jobs: a row added with `add` is dispatched now, or
    left to the relay when Redis is unavailable.
    """
    messages = db.session.info.pop(PENDING, [])
    db.session.commit()
    # A row added in a transaction that was rolled back since is no longer in the session: skip it.
    committed = [message for message in messages if inspect(message).persistent]
    return dispatch(committed) if committed else 0


def discard() -> None:
    """Roll the transaction back and forget its outbox rows."""
    db.session.info.pop(PENDING, None)
    db.session.rollback()


def dispatch(messages: Iterable[OutboxMessage]) -> int:
    """Hand committed outbox rows to Redis; a row Redis refuses stays for the relay.

    Each job is one atomic round trip (RQ's unique enqueue: skipped when Redis knows the id already), and
    the rows Redis took are marked in one UPDATE and one commit. If the process dies before that commit,
    the relay sends the rows again and Redis refuses the known ids, so nothing runs twice. While Redis has
    just failed, the web tier does not try it again at all (service/redis_breaker.py): the rows wait for the relay.
    """
    messages = list(messages)
    sent: list[OutboxMessage] = []
    refused: tuple[OutboxMessage, RedisError] | None = None
    for message in messages:
        if not BREAKER.allows():
            break  # Redis failed a moment ago: the relay sends these
        try:
            _enqueue(message)
        except RedisError as exc:
            log.warning("queue unavailable, %s stays in the outbox: %s", message.job_id, exc)
            refused = (message, exc)
            break
        sent.append(message)
    if sent or refused:
        _mark(sent, refused)
    return len(sent)


def _mark(sent: list[OutboxMessage], refused: tuple[OutboxMessage, RedisError] | None) -> None:
    """Record in one short transaction which rows Redis took, and the attempt on the one it refused."""
    now, attempts, error = datetime.now(UTC), 0, ""
    if sent:
        ids = [message.id for message in sent]
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(dispatched_at=now)
                           .execution_options(synchronize_session=False))
    if refused is not None:
        message, exc = refused
        attempts, error = (message.attempts or 0) + 1, str(exc)[:500]
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                           .values(attempts=attempts, last_error=error)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    # The objects in memory say what the rows now hold (no reload; the caller may still read them).
    for message in sent:
        set_committed_value(message, "dispatched_at", now)
    if refused is not None:
        set_committed_value(refused[0], "attempts", attempts)
        set_committed_value(refused[0], "last_error", error)


def retry_policy() -> Retry | None:
    """RQ's retry for every job: up to JOB_MAX_ATTEMPTS runs in all, with growing pauses between them.

    RQ applies it to a job that raised, to one whose work horse died, and to one abandoned by a dead worker.
    """
    attempts = int(current_app.config["JOB_MAX_ATTEMPTS"])
    if attempts <= 1:
        return None
    first = float(current_app.config["JOB_RETRY_BACKOFF"])
    return Retry(max=attempts - 1, interval=[int(first * 4**n) for n in range(attempts - 1)])


def _enqueue(message: OutboxMessage) -> None:
    """Enqueue unless a job with this deterministic id is already known to Redis (one atomic round trip)."""
    queue = rq.get_queue(message.queue)
    try:
        queue.enqueue(
            message.job,
            *message.args,
            job_id=message.job_id,
            job_timeout=current_app.config["RENDER_TIMEOUT"],
            result_ttl=3600,
            failure_ttl=7 * 86400,
            retry=retry_policy(),
            unique=True,
        )
    except DuplicateJobError:
        log.info("job %s already in Redis, not enqueued again", message.job_id)
        return
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
    BREAKER.reset()  # the relay runs off the web path: it always tries
    grace = current_app.config["RELAY_GRACE"] if grace_seconds is None else grace_seconds
    return dispatch(pending(grace))
