"""The operator's CLI: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

outbox_cli = AppGroup("outbox", help="The queue's outbox.")


@outbox_cli.command("relay")
def relay_command() -> None:
    """Enqueue every job the outbox holds that Redis has not taken."""
    from service import queue

    sent = queue.relay(grace_seconds=0)
    click.echo(f"{sent} job(s) handed to Redis")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    from service.guide.cli import guide_cli
    from service.salaries.cli import salaries_cli
    from workers import scheduler, worker

    scheduler_cli = AppGroup("scheduler", help="The one process that runs the schedules.")
    scheduler_cli.add_command(scheduler.run_command)
    worker_cli = AppGroup("worker", help="The warm worker that runs the queued jobs.")
    worker_cli.add_command(worker.run_command)
    app.cli.add_command(worker_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(salaries_cli)
    app.cli.add_command(guide_cli)
