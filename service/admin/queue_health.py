"""Queue health from RQ's own registries: how much waits, runs and failed, and why the last ones failed."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from redis.exceptions import RedisError
from rq.job import Job
from rq.queue import Queue

from service.extensions import rq

log = logging.getLogger(__name__)


@dataclass
class Failure:
    """One failed job, summarised."""

    job_id: str
    func_name: str
    reason: str
    ended_at: datetime | None


@dataclass
class QueueState:
    """One queue's counts and its latest failures."""

    name: str
    queued: int
    started: int
    failed: int
    failures: list[Failure] = field(default_factory=list)


@dataclass
class Health:
    """Every queue, or why they could not be read."""

    queues: list[QueueState] = field(default_factory=list)
    error: str | None = None


def health(failures: int = 5) -> Health:
    """Read each configured queue; Redis being down is shown, not raised."""
    try:
        return Health([_state(queue, failures) for queue in rq.queues.values()])
    except RedisError as exc:
        log.warning("queue health unavailable: %s", exc)
        return Health(error=f"Redis is unreachable ({type(exc).__name__}).")


def _state(queue: Queue, failures: int) -> QueueState:
    """Counts from the queue and its started and failed registries."""
    failed = queue.failed_job_registry
    latest = failed.get_job_ids(start=0, end=failures - 1, desc=True)
    jobs = [job for job in Job.fetch_many(latest, connection=queue.connection) if job is not None]
    return QueueState(queue.name, queue.count, queue.started_job_registry.count, failed.count,
                      [_failure(job) for job in jobs])


def _failure(job: Job) -> Failure:
    """A failed job's last exception line: the reason without the whole traceback."""
    result = job.latest_result()
    text = (result.exc_string if result is not None else None) or ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return Failure(job.id, job.func_name or "?", lines[-1][:300] if lines else "no reason recorded", job.ended_at)
