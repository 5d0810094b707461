"""The plain export shaped by PostgreSQL (service/export/plain_sql.py) writes the bytes the portable path writes."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

import pytest
from sqlalchemy import text

from service.export import cells, layouts, plain_sql, query, stream
from service.export.filters import parse
from service.extensions import db
from service.models import ConsentEvent, ConsentKind, GuideRequest, Subscriber, SubscriberStatus
from tests.people import cast, when

# Cells a spreadsheet would run, cells that only look close, and cells the CSV writer must quote.
AWKWARD = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx", "'=1", "''-x", "'plain", "''", "'", "a=b",
           'say "hi", then\nleave', "ünïcode ✓", " -leading space", ""]
FILTERS = ["", "status=subscribed,pending", "newsletter=yes", "newsletter=no", "since=2026-01-06&until=2026-01-20",
           "utm_source=%2B1%231", "utm_medium=social", "utm_campaign=%40SUM(A1)%231", "referrer=news.example",
           "edition=2024", "limit=4", "limit=1&status=unsubscribed"]


def portable(export: query.ExportQuery) -> str:
    """The plain layout as the portable path defines it: keyset batches, layouts.plain, cells.row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(cells.row(list(layouts.PLAIN_HEADER)))
    for batch in query.batches(export, 3):
        for person in batch:
            writer.writerow(cells.row(layouts.plain(person)))
    return buffer.getvalue()


def awkward_people() -> None:
    """People whose every text column holds an awkward value, with events out of time order and odd zones."""
    for i, value in enumerate(AWKWARD):
        # Local times across the date line and to the microsecond: the export writes UTC, to the second.
        zone = timezone(timedelta(hours=(i % 27) - 12, minutes=30 * (i % 2)))
        at = datetime(2026, 1, 1 + i, 23, 59, 59, 999_999, tzinfo=zone)
        subscriber = Subscriber(email=f"{value}{i}@example.com", status=list(SubscriberStatus)[i % 4], created_at=at,
                                updated_at=at + timedelta(days=1, microseconds=1))
        kinds = [ConsentKind.GUIDE_DELIVERY, ConsentKind.NEWSLETTER_OPT_IN, ConsentKind.CONFIRMATION,
                 ConsentKind.UNSUBSCRIBE, ConsentKind.RESUBSCRIBE, ConsentKind.WITHDRAWN, ConsentKind.GUIDE_DELIVERY]
        # A later id with an earlier time: "latest" is by id, as the portable path orders events. Each event's
        # text ends in its own number, so a row holding another event's fields than the portable path differs.
        for n, kind in enumerate(kinds[: 1 + i % len(kinds)]):
            mark = f"{value}#{n}"
            fields = {"form": mark, "form_version": mark[-32:], "consent_text_hash": mark, "ip": mark[-45:],
                      "user_agent": mark, "referrer": mark, "utm_source": mark if n % 2 else None,
                      "utm_medium": mark, "utm_campaign": mark}
            subscriber.consents.append(ConsentEvent(kind=kind, created_at=at - timedelta(hours=n), **fields))
        db.session.add(subscriber)
        for year in (2026, 2024, 2026, 2025)[: i % 5]:
            db.session.add(GuideRequest(subscriber=subscriber, edition_year=year, created_at=at))
    # Nobody's events at all, and no request: every joined cell empty.
    db.session.add(Subscriber(email="bare@example.com", status=SubscriberStatus.PENDING, created_at=when(3)))
    db.session.commit()


def test_the_database_shaped_plain_export_writes_the_portable_paths_bytes(postgres_app):
    cast(postgres_app)
    with postgres_app.app_context():
        awkward_people()
        # A session far from UTC (the rest of this test is one transaction, so one connection): PostgreSQL hands
        # times over in the session's zone, and both paths must still write UTC.
        db.session.execute(text("SET TIME ZONE 'Asia/Kathmandu'"))
        assert db.session.scalar(text("SHOW TimeZone")) == "Asia/Kathmandu"
        for filters in FILTERS:
            export = parse(parse_qs(filters))
            assert plain_sql.applies(export)
            written = "".join(stream.lines(export, batch_size=4))
            assert written == portable(export), filters
            rows = list(csv.reader(io.StringIO(written, newline="")))[1:]
            assert rows, filters  # every filter above chooses somebody: the comparison is not of two headers
            assert not [c for row in rows for c in row if c[:1] in cells.TRIGGERS and c], filters


def test_only_the_plain_layout_on_postgresql_takes_the_database_path(sqlite_app, postgres_app):
    with postgres_app.app_context():
        assert plain_sql.applies(parse({}))
        assert not plain_sql.applies(parse({"layout": ["listmonk"]}))
        assert not plain_sql.applies(parse({"layout": ["mailchimp"]}))
    with sqlite_app.app_context():
        assert not plain_sql.applies(parse({}))


@pytest.mark.parametrize("size", [1, 2, 1000])
def test_the_database_path_counts_every_row_and_reports_progress_per_batch(postgres_app, size):
    cast(postgres_app)
    with postgres_app.app_context():
        seen: list[int] = []
        chunks = stream.lines(parse({}), batch_size=size, progress=seen.append)
        text = ""
        try:
            while True:
                text += next(chunks)
        except StopIteration as done:
            total = done.value
    assert total == 5 == sum(seen) and len(seen) == -(-5 // size)
    assert len(list(csv.reader(io.StringIO(text, newline="")))) == 6


def test_a_dropped_stream_closes_its_cursor_at_once(postgres_app):
    """A client gone after the first chunk: the server-side cursor is closed when the stream is, not when the
    request's transaction ends, so PostgreSQL lets go of the rows and the snapshot straight away."""
    cast(postgres_app)
    with postgres_app.app_context():
        chunks = stream.lines(parse({}), batch_size=2)
        next(chunks), next(chunks)  # the header, then the first batch: the cursor is open now
        assert db.session.scalar(text("SELECT count(*) FROM pg_cursors")) == 1
        chunks.close()
        assert db.session.scalar(text("SELECT count(*) FROM pg_cursors")) == 0
