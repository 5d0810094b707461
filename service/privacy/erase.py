"""Erasure: a person leaves every table, the outbox and the queues; only an anonymous count remains."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from redis import Redis
from rq.job import Job
from rq.queue import Queue
from rq.registry import BaseRegistry
from sqlalchemy import delete, select

from service.extensions import db, rq
from service.models import Erasure, OutboxMessage
from service.privacy.job_matching import Matcher
from service.privacy.records import Held, primary_key_name
from service.sync import push

log = logging.getLogger(__name__)
BATCH = 1000


@dataclass
class Report:
    """What an erasure removed (counts only)."""

    rows: dict[str, int] = field(default_factory=dict)
    outbox: int = 0
    pushes: list[OutboxMessage] = field(default_factory=list)  # the deletion in the mailing tool, to dispatch
    jobs: int = 0
    redis_keys: int = 0


def erase_rows(found: Held, matcher: Matcher) -> Report:
    """Delete the person's rows (children first) and outbox rows, and count the erasure; the caller commits."""
    report = Report(outbox=_erase_outbox(matcher))
    for table in reversed(list(found.rows)):
        key = table.c[primary_key_name(table)]
        ids = sorted(row[key.name] for row in found.rows[table])
        db.session.execute(delete(table).where(key.in_(ids)))
        report.rows[table.name] = len(ids)
    db.session.add(Erasure())
    report.pushes = push.erased(found.email)
    return report


def _erase_outbox(matcher: Matcher) -> int:
    """Delete outbox rows, sent or not, whose job arguments concern the person."""
    doomed = [row.id for row in outbox_rows() if matcher.matches(row.job, row.args)]
    for start in range(0, len(doomed), BATCH):
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(doomed[start:start + BATCH])))
    return len(doomed)


def outbox_rows() -> Iterator[Any]:
    """Every outbox row's id, job and arguments, read in keyset batches."""
    last = 0
    while True:
        query = (select(OutboxMessage.id, OutboxMessage.job, OutboxMessage.args).where(OutboxMessage.id > last)
                 .order_by(OutboxMessage.id).limit(BATCH))
        batch = db.session.execute(query).all()
        yield from batch
        if len(batch) < BATCH:
            return
        last = batch[-1].id


def queued_jobs(matcher: Matcher) -> Iterator[tuple[Queue, Job]]:
    """Jobs waiting, scheduled, deferred, finished, failed or cancelled that concern the person.

    Started jobs are left alone: they are running, and find no rows once the erasure is committed.
    """
    for queue in rq.queues.values():
        for job in _jobs(queue):
            try:
                concerned = matcher.matches(job.func_name or "", job.args, job.kwargs)
            except Exception as exc:  # noqa: BLE001  (one unreadable job must not stop an erasure)
                log.warning("cannot read job %s: %s", job.id, exc)
                continue
            if concerned:
                yield queue, job


def _registries(queue: Queue) -> tuple[BaseRegistry, ...]:
    """The registries of a queue that keep a job's arguments, running jobs aside."""
    return (queue.scheduled_job_registry, queue.deferred_job_registry, queue.finished_job_registry,
            queue.failed_job_registry, queue.canceled_job_registry)


def _jobs(queue: Queue) -> Iterator[Job]:
    """Every job a queue and its registries hold, fetched in batches."""
    ids = list(dict.fromkeys([*queue.get_job_ids(), *(i for r in _registries(queue) for i in r.get_job_ids())]))
    for start in range(0, len(ids), BATCH):
        jobs = queue.job_class.fetch_many(ids[start:start + BATCH], connection=queue.connection)
        yield from (job for job in jobs if job is not None)


def erase_jobs(matcher: Matcher) -> int:
    """Delete the person's jobs from Redis; run after the database erasure is committed."""
    doomed = list(queued_jobs(matcher))
    for queue, job in doomed:
        # A job's own status names one registry; take it out of all of them in case that is stale.
        for registry in _registries(queue):
            registry.remove(job.id)
        job.delete()
    return len(doomed)


def erase_redis_keys(connection: Redis, email: str) -> int:
    """Delete Redis keys that contain the address (rate-limit counters keyed by it, for example)."""
    pattern = "*" + re.sub(r"([*?\[\]\\])", r"\\\1", email) + "*"
    keys = list(connection.scan_iter(match=pattern, count=1000))
    if keys:
        connection.delete(*keys)
    return len(keys)


def job_summary(job: Job) -> dict[str, Any]:
    """A job as `subscribers show` prints it."""
    return {"id": job.id, "queue": job.origin, "function": job.func_name, "args": list(job.args),
            "status": str(job.get_status(refresh=False))}
