"""The one scheduler process: RQ's cron, restarted when Redis goes away instead of dying with it."""

from __future__ import annotations

import logging
import os
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from redis.exceptions import RedisError

from service.extensions import db, rq

log = logging.getLogger(__name__)


@click.command("run")
@with_appcontext
def run_command() -> None:
    """Run the cron scheduler in the foreground until interrupted, after catching up on missed runs."""
    _in_configured_zone()
    delay = 1.0
    while True:
        try:
            _start_up()
            rq.make_cron_scheduler().start()
            return  # start() returns only on a signal or Ctrl-C
        except RedisError as exc:
            # RQ's scheduler lets a lost connection escape; the schedules live in code, so start over.
            log.warning("scheduler lost Redis (%s); retrying in %.0f s", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 30.0)


def _in_configured_zone() -> None:
    """RQ reads cron expressions in the process's local zone: make that the configured one."""
    os.environ["TZ"] = current_app.config["SCHEDULE_TZ"]
    time.tzset()


def _start_up() -> None:
    """Run what was missed while the scheduler was down, and render the current edition ahead."""
    from service import queue, scheduling

    caught = scheduling.catch_up()
    if caught:
        log.info("caught up on missed runs: %s", ", ".join(caught))
    message = queue.add("render", "workers.jobs.prerender_edition", _prerender_id())
    db.session.commit()
    queue.dispatch([message])


def _prerender_id() -> str:
    """One pre-render per start-up, per template and data (a restart with nothing new renders nothing)."""
    import pdf
    from service.guide import context

    return f"prerender-{pdf.TEMPLATE_VERSION}-{context.current_snapshot_id()}-{int(time.time())}"
