"""`flask guide …`: the context a guide is rendered from, and renders by hand."""

from __future__ import annotations

import json
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import AppGroup

from service.guide import context
from service.models import Edition

guide_cli = AppGroup("guide", help="The guide: its data and its editions.")


@guide_cli.command("data")
@click.option("--year", type=int, default=None, help="The edition year (default: the current edition).")
def data_command(year: int | None) -> None:
    """Print, as JSON, exactly the context the PDF is rendered from."""
    year = year or current_app.config["EDITION_YEAR"]
    try:
        built = context.build(year)
    except context.NoData as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(json.dumps(built, indent=2, ensure_ascii=False))


def _report(step: Callable[[int], Edition], year: int) -> None:
    """Run an edition step and print one line about the edition, or a clear error without data."""
    try:
        edition = step(year)
    except context.NoData as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"{edition.title}: {edition.status.value}, {edition.page_count} pages, {edition.pdf_size:,} bytes, "
               f"snapshot {edition.snapshot_id}, template {edition.template_version}, "
               f"sha256 {(edition.pdf_sha256 or '')[:12]}…")


@guide_cli.command("render")
@click.option("--year", type=int, required=True, help="The edition year.")
def render_command(year: int) -> None:
    """Render an edition's PDF from the current data (a draft until published)."""
    from service.guide import editions

    _report(editions.render, year)


@guide_cli.command("publish")
@click.option("--year", type=int, required=True, help="The edition year.")
def publish_command(year: int) -> None:
    """Make an edition the current one (rendering it first if needed)."""
    from service.guide import editions

    _report(editions.publish, year)
