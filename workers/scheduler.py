"""The one scheduler process: RQ's cron with our schedules, restarted when Redis goes away instead of dying."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask.cli import AppGroup
from redis.exceptions import RedisError
from rq.cron import CronScheduler

import pdf
from service import heartbeat, outbox, schedules
from service.extensions import rq
from service.guide import context, editions
from service.redis_breaker import BREAKER

log = logging.getLogger(__name__)
cli = AppGroup("scheduler", help="The one process that runs the schedules.")


@cli.command("run")
def run_command() -> None:
    """Run the cron scheduler in the foreground until interrupted, after catching up on missed runs."""
    _in_configured_zone()
    BREAKER.switch_off()
    heartbeat.keep_beating("scheduler", f"{socket.gethostname()}-{os.getpid()}", rq.get_queue("default").connection)
    delay = 1.0
    while True:
        started = time.monotonic()
        try:
            _start_up()
            make_cron(current_app.config).start()
            return  # start() returns only on a signal or Ctrl-C
        except RedisError as exc:
            # RQ's scheduler lets a lost connection escape; the schedules live in code, so start over.
            if time.monotonic() - started > 60:
                delay = 1.0  # it ran a while since the last loss: this is a new outage, not the same one
            log.warning("scheduler lost Redis (%s); retrying in %.0f s", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 30.0)


def make_cron(config: Mapping[str, Any]) -> CronScheduler:
    """RQ's cron scheduler with every schedule registered on it: here, and nowhere else."""
    scheduler = CronScheduler(connection=rq.get_queue("default").connection, name="salary-guide")
    for sweep in schedules.periodic(config):
        scheduler.register(sweep.func, queue_name=sweep.queue, interval=sweep.seconds, result_ttl=60)
    for schedule in schedules.crons(config):
        scheduler.register(schedules.trigger, queue_name="default", args=(schedule.name,), cron=schedule.cron,
                           result_ttl=3600)
    return scheduler


def _in_configured_zone() -> None:
    """RQ reads cron expressions in the process's local zone: make that the configured one."""
    os.environ["TZ"] = current_app.config["SCHEDULE_TZ"]
    time.tzset()


def _start_up() -> None:
    """Run what was missed while the scheduler was down, and render the current edition ahead."""
    caught = schedules.catch_up()
    if caught:
        log.info("caught up on missed runs: %s", ", ".join(caught))
    if not any(run.startswith("refresh-") for run in caught):
        # A refresh caught up ends by rendering the edition ahead from the data it imported: one render, not two.
        outbox.add("render", editions.prerender_current, _prerender_id())
    outbox.commit()


def _prerender_id() -> str:
    """One pre-render per start-up, per template and data (a restart with nothing new renders nothing)."""
    return f"prerender-{pdf.TEMPLATE_VERSION}-{context.current_snapshot_id()}-{int(time.time())}"
