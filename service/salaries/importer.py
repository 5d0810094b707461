"""Importing one file or feed: read, normalise and store it in one transaction, with a report."""

from __future__ import annotations

import sys
from contextlib import closing

import click

from service.extensions import db
from service.salaries import formats, sources, store
from service.salaries.normalise import Normaliser, detect_layout

LAYOUTS = ("native", "aijobs", *formats.FORMATS)


def import_file(path_or_url: str, layout: str | None, progress: bool = True, source: str | None = None,
                timeout: float = sources.TIMEOUT, licence: str | None = None) -> store.ImportReport:
    """Read, normalise and store one file or feed; commit only if the whole import succeeds."""
    with sources.local_copy(path_or_url, timeout) as path:
        layout = layout or formats.guess(path) or detect_layout(sources.first_columns(path))
        if layout is None:
            raise sources.SourceError("cannot tell the format from the file; pass --format "
                                      + " or ".join(LAYOUTS))
        feed = layout in formats.FORMATS
        normalise = Normaliser("native" if feed else layout)
        records = formats.rows(layout, path, source or layout) if feed else sources.read_rows(path)
        with closing(records) as rows:  # type: ignore[type-var]
            results = (normalise(number, fields) for number, fields in rows)
            if progress and not feed and sys.stderr.isatty():
                with click.progressbar(results, length=sources.count_lines(path), label="Importing",
                                       file=sys.stderr) as bar:
                    return _apply(bar, path_or_url, licence)
            return _apply(results, path_or_url, licence, require_one=feed)


def _apply(results, label: str, licence: str | None,  # type: ignore[no-untyped-def]
           require_one: bool = False) -> store.ImportReport:
    """Apply the results and commit; any error (or a feed with rows but none usable) rolls it all back."""
    try:
        report = store.apply(results, label, licence, label)
        if require_one and report.rows_read and report.rows_read == report.rejected:
            first = report.rejections[0]
            raise sources.SourceError(f"none of the {report.rows_read:,} records could be imported "
                                      f"(record {first.row_number}: {first.reason})")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report
