"""Every schedule in one place: what runs when, each period claimed once, and the catch-up after downtime.

The scheduler process (`workers/scheduler.py`) registers `periodic()` and `crons()` on RQ's cron when it
starts, and only there. A cron firing only *triggers*: the trigger enqueues the real job under an id made
from the period it is due for, so two triggers (or a trigger and the catch-up) never run it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from croniter import croniter
from flask import current_app
from rq import get_current_job
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from service import outbox
from service.extensions import db
from service.guide import editions, sweep
from service.mail import sending
from service.models import OutboxMessage, ScheduleRun
from service.newsletter import subscription
from service.salaries import feeds
from service.sync import push, withdrawals

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    """An idempotent sweep run every `seconds` (a missed run is made up by the next one)."""

    func: Callable[[], Any]
    seconds: int
    queue: str


@dataclass(frozen=True)
class Schedule:
    """A cron schedule: its name, its cron expression (read in the configured zone) and its job."""

    name: str
    cron: str
    job: Callable[[str], str]  # does the work for one period, given as an ISO time


def periodic(config: Mapping[str, Any]) -> list[Periodic]:
    """The sweeps, from configuration."""
    return [
        Periodic(outbox.relay, int(config["RELAY_INTERVAL"]), "default"),
        Periodic(sending.retry_stalled, int(config["EMAIL_RETRY_AFTER"]), "email"),
        Periodic(subscription.expire_pending_job, 3600, "default"),
        Periodic(sweep.sweep_stuck, int(config["SWEEP_INTERVAL"]), "default"),
        Periodic(push.retry_due, 60, "default"),  # pushes to the mailing tool whose wait is over
        Periodic(withdrawals.pull_listmonk, 300, "default"),  # unsubscribes made in listmonk (no-op otherwise)
    ]


def crons(config: Mapping[str, Any]) -> list[Schedule]:
    """The cron schedules, from configuration."""
    return [
        Schedule("refresh", config["REFRESH_CRON"], refresh_data),
        Schedule("edition", config["EDITION_CRON"], new_edition),
    ]


def due_period(cron: str, now: datetime, zone: str) -> datetime:
    """The latest time at or before `now` that the cron expression fires, as an aware UTC datetime."""
    local = now.astimezone(ZoneInfo(zone))
    if croniter.match(cron, local.replace(second=0, microsecond=0)):
        fired = local.replace(second=0, microsecond=0)
    else:
        fired = croniter(cron, local).get_prev(datetime)
    return fired.astimezone(ZoneInfo("UTC"))


def job_id(name: str, period: datetime) -> str:
    """The deterministic id of one schedule's run for one period."""
    return f"{name}-{period:%Y%m%dT%H%M}"


def _schedule(name: str) -> Schedule:
    """The configured schedule of this name."""
    return {s.name: s for s in crons(current_app.config)}[name]


def enqueue_period(name: str, period: datetime) -> bool:
    """Put one schedule's run for one period through the outbox; a second call for it does nothing."""
    message_id = job_id(name, period)
    if db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.job_id == message_id)):
        return False
    outbox.add("default", _schedule(name).job, message_id, period.isoformat())
    try:
        outbox.commit()
    except IntegrityError:  # a concurrent trigger wrote it first
        outbox.discard()
        return False
    return True


def trigger(name: str, now: datetime | None = None) -> bool:
    """What the cron fires: enqueue the run for the period that is due now."""
    config = current_app.config
    return enqueue_period(name, due_period(_schedule(name).cron, now or datetime.now(UTC), config["SCHEDULE_TZ"]))


def catch_up(now: datetime | None = None) -> list[str]:
    """At start-up: enqueue every schedule whose latest due period has no run yet."""
    config, caught = current_app.config, []
    for item in crons(config):
        period = due_period(item.cron, now or datetime.now(UTC), config["SCHEDULE_TZ"])
        done = db.session.scalar(select(func.count()).select_from(ScheduleRun).where(
            ScheduleRun.name == item.name, ScheduleRun.period >= period))
        if not done and enqueue_period(item.name, period):
            caught.append(job_id(item.name, period))
    return caught


def run_once(name: str, period_iso: str, work: Callable[[datetime], str]) -> str:
    """Run `work` for a period unless a run for it exists; record when it finished and what it did.

    A run left unfinished by a job whose process died is taken over by that job's retry (same RQ job id).
    """
    period = datetime.fromisoformat(period_iso)
    run = _claim(name, period)
    if run is None:
        return "already ran"
    try:
        outcome = work(period)
    except Exception:
        # Give the period back, so the retry, the next trigger or the catch-up tries again.
        db.session.rollback()
        db.session.delete(run)
        db.session.commit()
        raise
    run.outcome, run.finished_at = outcome[:2000], datetime.now(UTC)
    db.session.commit()
    return outcome


def _claim(name: str, period: datetime) -> ScheduleRun | None:
    """This job's run of the period: new, or one an earlier attempt of the same job left unfinished."""
    job = get_current_job()
    run = ScheduleRun(name=name, period=period, claimed_by=job.id if job else None)
    db.session.add(run)
    try:
        db.session.commit()
        return run
    except IntegrityError:
        db.session.rollback()
    found = db.session.scalars(select(ScheduleRun).where(ScheduleRun.name == name, ScheduleRun.period == period)).one()
    if found.finished_at is None and job is not None and found.claimed_by == job.id:
        log.info("%s for %s: taking over the run an earlier attempt left unfinished", name, period.isoformat())
        return found
    log.info("%s for %s already ran", name, period.isoformat())
    return None


def refresh_data(period_iso: str) -> str:
    """The daily refresh job: import every feed, then render the edition ahead if the data changed."""
    return run_once("refresh", period_iso, _refresh)


def _refresh(period: datetime) -> str:
    """Import each feed in its own transaction, then render the edition ahead unless it is stored for this data."""
    summary = feeds.refresh(current_app.config)
    if not summary.feeds:
        return f"no feed configured (SALARYGUIDE_FEEDS or SALARYGUIDE_FEED_URL); {editions.prerender_current()}"
    # Always: a no-op when today's edition is stored, a render when the data or the template changed.
    text = f"{summary}; {editions.prerender_current()}"
    if summary.failed == len(summary.feeds):
        raise RuntimeError(text)  # every feed failed: the run fails and gives its period back for a retry
    return text


def new_edition(period_iso: str) -> str:
    """The yearly new-edition job: render and publish the edition of the year the schedule fired in."""
    return run_once("edition", period_iso, _publish_year)


def _publish_year(period: datetime) -> str:
    """Publish the edition named for the period's year (in the schedule's zone)."""
    year = period.astimezone(ZoneInfo(current_app.config["SCHEDULE_TZ"])).year
    edition = editions.publish(year)
    return f"published {edition.title} ({edition.page_count} pages)"
