"""Scheduled work for one period: claimed once in the database, enqueued under a deterministic id."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from service import queue
from service.extensions import db
from service.models import OutboxMessage, ScheduleRun
from workers import schedule

log = logging.getLogger(__name__)


def enqueue_period(name: str, period: datetime) -> bool:
    """Put one schedule's run for one period through the outbox; a second call for it does nothing."""
    job = {s.name: s for s in schedule.schedules(current_app.config)}[name].job
    message_id = schedule.job_id(name, period)
    if db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.job_id == message_id)):
        return False
    message = queue.add("default", job, message_id, period.isoformat())
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent trigger wrote it first
        db.session.rollback()
        return False
    queue.dispatch([message])
    return True


def trigger(name: str, now: datetime | None = None) -> bool:
    """What the cron fires: enqueue the run for the period that is due now."""
    config = current_app.config
    cron = {s.name: s.cron for s in schedule.schedules(config)}[name]
    return enqueue_period(name, schedule.due_period(cron, now or datetime.now(UTC), config["SCHEDULE_TZ"]))


def catch_up(now: datetime | None = None) -> list[str]:
    """At start-up: enqueue every schedule whose latest due period has no run yet."""
    config, caught = current_app.config, []
    for item in schedule.schedules(config):
        period = schedule.due_period(item.cron, now or datetime.now(UTC), config["SCHEDULE_TZ"])
        done = db.session.scalar(select(func.count()).select_from(ScheduleRun).where(
            ScheduleRun.name == item.name, ScheduleRun.period >= period))
        if not done and enqueue_period(item.name, period):
            caught.append(schedule.job_id(item.name, period))
    return caught


def run_once(name: str, period_iso: str, work: Callable[[datetime], str]) -> str:
    """Run `work` for a period unless a run for it exists; record when it finished and what it did."""
    period = datetime.fromisoformat(period_iso)
    run = ScheduleRun(name=name, period=period)
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.info("%s for %s already ran", name, period_iso)
        return "already ran"
    try:
        outcome = work(period)
    except Exception:
        # Give the period back, so the next trigger or the catch-up tries again.
        db.session.rollback()
        db.session.delete(run)
        db.session.commit()
        raise
    run.outcome, run.finished_at = outcome[:2000], datetime.now(UTC)
    db.session.commit()
    return outcome
