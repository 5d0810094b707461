"""Every schedule, in one file, as RQ cron registrations, and the catch-up for runs missed while down."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from croniter import croniter
from flask_rq import RQ

from workers import jobs, mail


@dataclass(frozen=True)
class Schedule:
    """A cron schedule: its name, its cron expression (read in the configured zone) and its job."""

    name: str
    cron: str
    job: str  # dotted path of the job that does the work for one period


def schedules(config: Mapping[str, Any]) -> list[Schedule]:
    """The cron schedules, from configuration."""
    return [
        Schedule("refresh", config["REFRESH_CRON"], "workers.jobs.refresh_data"),
        Schedule("edition", config["EDITION_CRON"], "workers.jobs.new_edition"),
    ]


def register(rq: RQ, config: Mapping[str, Any]) -> None:
    """Register the periodic jobs on the extension; `flask scheduler run` runs them."""
    rq.cron_register(jobs.relay_outbox, int(config["RELAY_INTERVAL"]), queue="default", result_ttl=60)
    # Idempotent sweeps (a missed run is made up by the next one): mail left behind, expired confirmations.
    rq.cron_register(mail.retry_stalled_emails, int(config["EMAIL_RETRY_AFTER"]), queue="email", result_ttl=60)
    rq.cron_register(mail.expire_pending_subscribers, 3600, queue="default", result_ttl=3600)
    for schedule in schedules(config):
        # The cron job only triggers: the trigger enqueues the real job under an id made from the
        # period it is due for, so two triggers (or a trigger and the catch-up) never run it twice.
        rq.cron_register(jobs.trigger, schedule.cron, queue="default", args=[schedule.name], result_ttl=3600)


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
