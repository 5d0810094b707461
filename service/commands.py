"""The operator's CLI: `flask --app wsgi <group> <command>`.

`flask worker run` and `flask scheduler run` are the process entry points in `workers/`; they reach the
CLI through the `flask.commands` entry points in pyproject.toml, so `service/` never imports `workers/`.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from service import outbox

outbox_cli = AppGroup("outbox", help="The queue's outbox.")


@outbox_cli.command("relay")
def relay_command() -> None:
    """Enqueue every job the outbox holds that Redis has not taken."""
    sent = outbox.relay(grace_seconds=0)
    click.echo(f"{sent} job(s) handed to Redis")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    from service.guide.cli import guide_cli
    from service.salaries.cli import salaries_cli

    app.cli.add_command(outbox_cli)
    app.cli.add_command(salaries_cli)
    app.cli.add_command(guide_cli)
