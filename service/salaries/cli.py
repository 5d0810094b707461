"""`flask salaries import`: load listings from a file or URL, in one transaction, with a report."""

from __future__ import annotations

import sys
from contextlib import closing

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from service.extensions import db
from service.models import Listing
from service.salaries import formats, sources, store
from service.salaries.normalise import Normaliser, detect_layout

salaries_cli = AppGroup("salaries", help="Salary listings: import and inspect.")
LAYOUTS = ("native", "aijobs", *formats.FORMATS)
SHOWN_REJECTIONS = 50
SHOWN_UNKNOWN_TITLES = 20


def import_file(path_or_url: str, layout: str | None, progress: bool = True, source: str | None = None,
                timeout: float = sources.TIMEOUT) -> store.ImportReport:
    """Read, normalise and store one file or feed; commit only if the whole import succeeds."""
    with sources.local_copy(path_or_url, timeout) as path:
        layout = layout or formats.guess(path) or detect_layout(sources.first_columns(path))
        if layout is None:
            raise click.ClickException("cannot tell the format from the file; pass --format "
                                       + " or ".join(LAYOUTS))
        feed = layout in formats.FORMATS
        normalise = Normaliser("native" if feed else layout)
        records = formats.rows(layout, path, source or layout) if feed else sources.read_rows(path)
        with closing(records) as rows:  # type: ignore[type-var]
            results = (normalise(number, fields) for number, fields in rows)
            if progress and not feed and sys.stderr.isatty():
                with click.progressbar(results, length=sources.count_lines(path), label="Importing",
                                       file=sys.stderr) as bar:
                    return _apply(bar, path_or_url)
            return _apply(results, path_or_url, require_one=feed)


def _apply(results, label: str, require_one: bool = False) -> store.ImportReport:  # type: ignore[no-untyped-def]
    """Apply the results and commit; any error (or a feed with rows but none usable) rolls it all back."""
    try:
        report = store.apply(results, label)
        if require_one and report.rows_read and report.rows_read == report.rejected:
            first = report.rejections[0]
            raise sources.SourceError(f"none of the {report.rows_read:,} records could be imported "
                                      f"(record {first.row_number}: {first.reason})")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report


@salaries_cli.command("import")
@click.argument("path_or_url")
@click.option("--format", "layout", type=click.Choice(LAYOUTS), default=None,
              help="The file's format (default: told from its start or header).")
@click.option("--source", default=None, help="The source name for a feed format's listings (default: the format).")
@click.option("--if-empty", is_flag=True, help="Do nothing when listings are already stored (for `make run`).")
def import_command(path_or_url: str, layout: str | None, source: str | None, if_empty: bool) -> None:
    """Import listings with disclosed salaries from PATH_OR_URL (CSV, JSON lines, JobPosting, ATS board JSON)."""
    if if_empty and db.session.scalar(select(Listing.id).limit(1)) is not None:
        click.echo("listings already stored: nothing imported")
        return
    try:
        report = import_file(path_or_url, layout, source=source, timeout=float(current_app.config["FEED_TIMEOUT"]))
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
