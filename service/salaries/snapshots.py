"""What each snapshot holds per source: rows, the posting-date range and the licence."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from service.extensions import db
from service.models import DataSnapshot, Listing, SnapshotSource

# Sources whose licence is known without a feed entry saying so.
KNOWN_LICENCES = {"aijobs": "CC0 1.0 (public domain)"}


def record_sources(snapshot_id: int | None, imported: set[str], licence: str | None, url: str | None) -> None:
    """Write one row per source now stored; the imported sources take this import's licence and URL,
    the others keep what the previous snapshot said of them."""
    previous = {row.source: row for row in db.session.scalars(
        select(SnapshotSource).where(SnapshotSource.snapshot_id == _previous(snapshot_id)))}
    for source, rows, first, last in db.session.execute(_per_source()):
        before = previous.get(source)
        mine = source in imported
        db.session.add(SnapshotSource(
            snapshot_id=snapshot_id, source=source, rows=rows, first_posted=first, last_posted=last,
            licence=(licence if mine and licence else None) or (before.licence if before else None)
            or KNOWN_LICENCES.get(source),
            url=(url if mine and url else None) or (before.url if before else None)))


def _per_source() -> Select[str, int, date, date]:
    """Rows and posting-date range of the stored listings, per source."""
    return select(Listing.source, func.count(), func.min(Listing.posted_at), func.max(Listing.posted_at)) \
        .group_by(Listing.source).order_by(Listing.source)


def _previous(snapshot_id: int | None) -> int | None:
    return db.session.scalar(select(func.max(DataSnapshot.id)).where(DataSnapshot.id < snapshot_id))


def sources(snapshot_id: int) -> list[dict[str, Any]]:
    """The snapshot's sources: name, rows, first and last posting date, licence, URL (by source name).

    A snapshot taken before sources were recorded (migration 0006) reports the stored listings instead."""
    rows = list(db.session.scalars(select(SnapshotSource).where(SnapshotSource.snapshot_id == snapshot_id)
                                   .order_by(SnapshotSource.source)))
    if not rows:
        rows = [SnapshotSource(source=s, rows=n, first_posted=a, last_posted=b, licence=KNOWN_LICENCES.get(s))
                for s, n, a, b in db.session.execute(_per_source())]
    return [{
        "name": row.source, "kind": "listings", "rows": row.rows,
        "first_posted": row.first_posted.isoformat(), "last_posted": row.last_posted.isoformat(),
        "licence": row.licence or "not stated", "url": row.url or "",
    } for row in rows]
