"""The sweep for stuck requests: every committed request ends ready or failed, never waiting forever."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import or_, select

from service import outbox
from service.extensions import db, rq
from service.guide import rendering
from service.models import GuideRequest, OutboxMessage, RequestStatus

log = logging.getLogger(__name__)


def sweep_stuck() -> int:
    """The sweep: re-dispatch every request stuck queued or rendering with no live job behind it.

    A request whose attempts are used up is failed instead. A row still waiting in the outbox is the
    relay's to send, and a job RQ still holds (queued, running, or scheduled for a retry) is left alone.
    Returns how many requests it acted on.
    """
    config = current_app.config
    cutoff = datetime.now(UTC) - timedelta(seconds=float(config["RENDER_STALE_AFTER"]))
    stuck = db.session.scalars(
        select(GuideRequest)
        .where(GuideRequest.status.in_([RequestStatus.QUEUED, RequestStatus.RENDERING]),
               GuideRequest.updated_at < cutoff)
        .order_by(GuideRequest.id).limit(200)
    ).all()
    acted = 0
    for guide in stuck:
        jobs = _render_jobs(guide.id)
        if any(m.dispatched_at is None for m in jobs) or any(_alive(m.job_id) for m in jobs):
            continue
        if guide.attempts >= int(config["JOB_MAX_ATTEMPTS"]):
            rendering.fail(guide.id, f"stuck after {guide.attempts} attempts")
        else:
            log.warning("request %s stuck %s with no live job: dispatching it again", guide.id, guide.status.value)
            guide.status = RequestStatus.QUEUED  # also moves updated_at, so the next sweep waits again
            rendering.queue_render(guide, attempt=len(jobs))
            outbox.commit()
        acted += 1
    return acted


def _render_jobs(request_id: int) -> list[OutboxMessage]:
    """The outbox rows written to render this request, oldest first."""
    first = f"render-{request_id}"
    return list(db.session.scalars(
        select(OutboxMessage)
        .where(or_(OutboxMessage.job_id == first, OutboxMessage.job_id.startswith(f"{first}-sweep-")))
        .order_by(OutboxMessage.id)
    ))


def _alive(job_id: str) -> bool:
    """Whether RQ still holds this job to run: queued, started, deferred or scheduled for a retry."""
    try:
        status = Job.fetch(job_id, connection=rq.get_queue("render").connection).get_status()
    except NoSuchJobError:
        return False
    return status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
