"""The export as a stream of CSV text: one chunk per batch (keyset pages, or a server-side cursor), so memory stays
flat."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator, Iterator, Sequence
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
    """The header, then one chunk of CSV lines per batch; returns the row count when exhausted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(cells.row(list(LAYOUTS[export.layout].header)))
    yield _drain(buffer)
    rows = 0
    for written, read in _batches(export, batch_size):
        writer.writerows(written)
        rows += len(written)
        yield _drain(buffer)
        if progress:
            progress(read)
    return rows


def _batches(export: ExportQuery, size: int) -> Iterator[tuple[Sequence[Sequence[Any]], int]]:
    """Each batch's rows as they are written, and how many subscribers the batch read.

    On PostgreSQL the plain layout's rows come shaped and guarded by the database (plain_sql). Tool layouts
    write the address cell as is and hold only the rows `formula_rows` picks (cells.tool_row).
    """
    if plain_sql.applies(export):
        for batch in plain_sql.rows(export, size):
            yield batch, len(batch)
        return
    layout = LAYOUTS[export.layout]
    for people in query.batches(export, size):
        if export.formula_rows is None:
            yield [cells.row(layout.cells(person)) for person in people], len(people)
        else:
            wanted = export.formula_rows == "only"
            yield [cells.tool_row(layout.cells(person)) for person in people
                   if cells.is_formula(person.subscriber.email) == wanted], len(people)


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
