"""A large export streams in keyset batches with flat memory (a test-sized form of the 1M-row requirement)."""

from __future__ import annotations

import csv
import io
import re
import tracemalloc
import uuid

import pytest
from sqlalchemy import event, insert

from service.export import plain_sql, stream
from service.export.filters import ExportQuery
from service.extensions import db
from service.models import ConsentEvent, ConsentKind, GuideRequest, Subscriber
from tests.people import when

ROWS, BATCH = 20_000, 500
# What one batch may hold at once: 500 rows and their consent events as Python objects and text (about 2 MB on
# either engine). A stream that kept what it had sent would pass this within a few batches: 20,000 rows of text
# alone are ~5.6 MB, and several times that as row objects.
BATCH_BOUND = 3 * 1024 * 1024


def _bulk(count: int) -> None:
    """Insert `count` subscribers, each with a delivery consent and a guide request, in executemany batches."""
    for start in range(1, count + 1, 5000):
        ids = range(start, min(start + 5000, count + 1))
        db.session.execute(insert(Subscriber), [
            {"id": i, "uuid": str(uuid.uuid4()), "email": f"person{i:07d}@example.com", "status": "subscribed",
             "created_at": when(1 + i % 28)} for i in ids])
        db.session.execute(insert(ConsentEvent), [
            {"subscriber_id": i, "kind": ConsentKind.GUIDE_DELIVERY, "form": "salary-guide-landing",
             "form_version": "2026.1", "consent_text_hash": "sha256:" + "a" * 64, "ip": "198.51.100.1",
             "user_agent": "Mozilla/5.0 (X11; Linux x86_64)", "referrer": "https://news.example/item",
             "utm_source": "twitter", "created_at": when(1 + i % 28)} for i in ids])
        db.session.execute(insert(GuideRequest), [
            {"subscriber_id": i, "token": uuid.uuid4().hex, "edition_year": 2026, "created_at": when(1 + i % 28)}
            for i in ids])
    db.session.commit()


@pytest.mark.parametrize("layout", ["plain", "listmonk"])
def test_export_streams_in_batches_with_flat_memory(app, layout):
    """Keyset pages on the portable path; on PostgreSQL the plain layout reads one server-side cursor instead."""
    with app.app_context():
        _bulk(ROWS)
        export = ExportQuery(layout=layout)
        one_cursor = plain_sql.applies(export)
        pages: list[tuple[str, str]] = []  # only the paging statements: keeping every one would itself grow memory

        def remember(conn, cursor, statement, *rest):  # noqa: ANN001
            if "FROM subscribers" in statement and "ORDER BY subscribers.id" in statement:
                pages.append((type(cursor).__name__, statement))

        event.listen(db.engine, "before_cursor_execute", remember)
        chunks = stream.lines(export, batch_size=BATCH)
        first = next(chunks) + next(chunks)  # the header and the first batch: imports and caches warm up here
        tracemalloc.start()
        try:
            sizes, peak_by_batch = [], []
            for chunk in chunks:
                sizes.append(len(chunk))
                peak_by_batch.append(tracemalloc.get_traced_memory()[1])
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    rows_in_first = len(list(csv.reader(io.StringIO(first, newline="")))) - 1
    assert rows_in_first == BATCH and len(sizes) == ROWS // BATCH - 1
    assert sum(sizes) > 4 * 1024 * 1024 > BATCH_BOUND  # the stream really produced megabytes...
    assert peak < BATCH_BOUND, f"peak {peak / 1e6:.1f} MB"  # ...while holding about one batch
    # Flat, not merely small: 35 batches later the peak has grown by less than one batch's share would be.
    assert peak_by_batch[-1] - peak_by_batch[4] < 256 * 1024
    if one_cursor:  # psycopg's named cursor: PostgreSQL holds the result and hands it over BATCH rows at a time
        assert [cursor for cursor, _ in pages] == ["ServerCursor"]
        return
    assert len(pages) == ROWS // BATCH + 1  # one per batch, plus the empty one that ends the stream
    assert all("subscribers.id >" in s and "LIMIT" in s for _, s in pages)
    assert not any(re.search(r"OFFSET (?!\?|%\(param_\d+\)s)", s) for _, s in pages)  # no offset paging
