"""The one scheduler process: RQ's cron, restarted when Redis goes away instead of dying with it."""

from __future__ import annotations

import logging
import time

import click
from flask.cli import with_appcontext
from redis.exceptions import RedisError

from service.extensions import rq

log = logging.getLogger(__name__)


@click.command("run")
@with_appcontext
def run_command() -> None:
    """Run the cron scheduler in the foreground until interrupted."""
    delay = 1.0
    while True:
        try:
            rq.make_cron_scheduler().start()
            return  # start() returns only on a signal or Ctrl-C
        except RedisError as exc:
            # RQ's scheduler lets a lost connection escape; the schedules live in code, so start over.
            log.warning("scheduler lost Redis (%s); retrying in %.0f s", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 30.0)
