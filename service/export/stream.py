"""The export as a stream of CSV text: one chunk per batch (keyset pages, or a server-side cursor), so memory stays
flat."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update

from service import metrics
from service.export import cells, plain_sql, query
from service.export.filters import ExportQuery
from service.export.layouts import LAYOUTS
from service.extensions import db
from service.models import ExportRecord


def lines(
    export: ExportQuery, batch_size: int, progress: Callable[[int], None] | None = None
) -> Generator[str, None, int]:
    """The header, then one chunk of CSV lines per batch; returns the row count when exhausted.

    Tool layouts write the address cell as is and hold only the rows `formula_rows` picks (cells.tool_row).
    """
    layout = LAYOUTS[export.layout]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(cells.row(list(layout.header)))
    yield _drain(buffer)
    if plain_sql.applies(export):
        return (yield from _shaped_by_the_database(export, batch_size, writer, buffer, progress))
    rows = 0
    for batch in query.batches(export, batch_size):
        for person in batch:
            if export.formula_rows is None:
                writer.writerow(cells.row(layout.cells(person)))
            elif cells.is_formula(person.subscriber.email) == (export.formula_rows == "only"):
                writer.writerow(cells.tool_row(layout.cells(person)))
                rows += 1
        rows += len(batch) if export.formula_rows is None else 0
        yield _drain(buffer)
        if progress:
            progress(len(batch))
    return rows


def _shaped_by_the_database(
    export: ExportQuery, batch_size: int, writer: Any, buffer: io.StringIO, progress: Callable[[int], None] | None
) -> Generator[str, None, int]:
    """The plain layout's rows as PostgreSQL shaped and guarded them (plain_sql), one chunk per batch."""
    rows = 0
    for batch in plain_sql.rows(export, batch_size):
        writer.writerows(batch)
        rows += len(batch)
        yield _drain(buffer)
        if progress:
            progress(len(batch))
    return rows


def _drain(buffer: io.StringIO) -> str:
    """What the buffer holds, leaving it empty for the next batch."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return text


def start(actor: str, export: ExportQuery) -> ExportRecord:
    """A record of the export about to run (the caller commits)."""
    record = ExportRecord(actor=actor[:320], layout=export.layout, filters=export.as_json())
    db.session.add(record)
    return record


def recorded(record_id: int, chunks: Generator[str, None, int]) -> Iterator[str]:
    """Pass the chunks through, then write the row count on the export record once the stream has ended."""
    rows = yield from chunks
    metrics.EXPORT_ROWS.inc(rows)
    db.session.execute(
        update(ExportRecord).where(ExportRecord.id == record_id).values(row_count=rows, finished_at=datetime.now(UTC))
    )
    # The stream is the view's (or command's) response body: its end is where the transaction ends.
    db.session.commit()
