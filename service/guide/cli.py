"""`flask guide …`: the context a guide is rendered from, and renders by hand."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from service.guide import context

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


def _edition_summary(edition) -> str:  # type: ignore[no-untyped-def]
    """One line about an edition."""
    return (f"{edition.title}: {edition.status.value}, {edition.page_count} pages, {edition.pdf_size:,} bytes, "
            f"snapshot {edition.snapshot_id}, template {edition.template_version}, sha256 {edition.pdf_sha256[:12]}…")


@guide_cli.command("render")
@click.option("--year", type=int, required=True, help="The edition year.")
def render_command(year: int) -> None:
    """Render an edition's PDF from the current data (a draft until published)."""
    from service.guide import editions

    try:
        click.echo(_edition_summary(editions.render(year)))
    except context.NoData as problem:
        raise click.ClickException(str(problem)) from problem


@guide_cli.command("publish")
@click.option("--year", type=int, required=True, help="The edition year.")
def publish_command(year: int) -> None:
    """Make an edition the current one (rendering it first if needed)."""
    from service.guide import editions

    try:
        click.echo(_edition_summary(editions.publish(year)))
    except context.NoData as problem:
        raise click.ClickException(str(problem)) from problem
