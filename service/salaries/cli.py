"""`flask salaries import`: load listings from a file or URL, in one transaction, with a report."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from service.extensions import db
from service.models import Listing
from service.salaries import sources, store
from service.salaries.importer import LAYOUTS, import_file

__all__ = ["import_file", "salaries_cli"]  # import_file stays importable from here for the refresh job

salaries_cli = AppGroup("salaries", help="Salary listings: import and inspect.")
SHOWN_REJECTIONS = 50
SHOWN_UNKNOWN_TITLES = 20


@salaries_cli.command("import")
@click.argument("path_or_url")
@click.option("--format", "layout", type=click.Choice(LAYOUTS), default=None,
              help="The file's format (default: told from its start or header).")
@click.option("--source", default=None, help="The source name for a feed format's listings (default: the format).")
@click.option("--licence", default=None, help="The data's licence, recorded in the snapshot and the guide's sources.")
@click.option("--if-empty", is_flag=True, help="Do nothing when listings are already stored (for `make run`).")
def import_command(path_or_url: str, layout: str | None, source: str | None, licence: str | None,
                   if_empty: bool) -> None:
    """Import listings with disclosed salaries from PATH_OR_URL (CSV, JSON lines, JobPosting, ATS board JSON)."""
    if if_empty and db.session.scalar(select(Listing.id).limit(1)) is not None:
        click.echo("listings already stored: nothing imported")
        return
    try:
        report = import_file(path_or_url, layout, source=source, licence=licence,
                             timeout=float(current_app.config["FEED_TIMEOUT"]))
    except (sources.SourceError, OSError) as problem:
        raise click.ClickException(f"import failed, nothing was changed: {problem}") from problem
    _print(report)


def _print(report: store.ImportReport) -> None:
    """The import's figures, then each rejection with its row number and reason."""
    click.echo(f"rows read: {report.rows_read}, imported: {report.imported}, updated: {report.updated}, "
               f"unchanged: {report.unchanged}, rejected: {report.rejected}")
    state = "new" if report.snapshot_created else "unchanged"
    click.echo(f"data snapshot: {report.snapshot_id} ({state})")
    click.echo(f"cross-posted (already stored from another source): {report.cross_posted}, "
               f"locations naming no single country: {report.unmapped_locations}")
    if report.unknown_titles:
        click.echo(f"titles the classifier did not know ({sum(report.unknown_titles.values())} listings, "
                   f"most frequent {SHOWN_UNKNOWN_TITLES}):")
        for title, times in report.unknown_titles.most_common(SHOWN_UNKNOWN_TITLES):
            click.echo(f"  {times} × {title}")
    for rejection in report.rejections[:SHOWN_REJECTIONS]:
        click.echo(f"  row {rejection.row_number}: {rejection.reason}")
    if report.rejected > SHOWN_REJECTIONS:
        click.echo(f"  … and {report.rejected - SHOWN_REJECTIONS} more rejected rows")
