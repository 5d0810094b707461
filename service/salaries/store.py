"""Listings in the database: an import is one transaction that ends in a data snapshot."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update

from service.extensions import db
from service.models import DataSnapshot, Listing
from service.salaries import crossposts, snapshots
from service.salaries.normalise import ListingIn, Rejection

# The columns the guide reads (and the content hash covers); a listing whose values all match is left alone.
COLUMNS = ("title", "role", "category", "seniority", "salary_min", "salary_max", "currency", "period",
           "salary_annual_usd", "country", "remote", "posted_at")
WRITTEN = (*COLUMNS, "company", "crosspost_key")
BATCH = 2000


@dataclass
class ImportReport:
    """What an import did, row by row."""

    source: str
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    snapshot_id: int | None = None
    snapshot_created: bool = False
    unknown_titles: Counter[str] = field(default_factory=Counter)  # titles the classifier did not know
    unmapped_locations: int = 0  # listings whose free-text location named no single country
    cross_posted: int = 0  # new listings already stored from another source (docs/data.md)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def count(self, listing: ListingIn) -> None:
        """Note what the classifier and the location mapping could not tell about a listing."""
        if not listing.title_known:
            self.unknown_titles[listing.title] += 1
        if listing.unmapped_location:
            self.unmapped_locations += 1


def _values(listing: ListingIn) -> dict[str, Any]:
    """The stored columns of a normalised listing."""
    values = {name: getattr(listing, name) for name in COLUMNS}
    values["country"] = values["country"] or None
    values["company"] = listing.company or None
    values["crosspost_key"] = crossposts.key(listing)
    return values


def _existing(keys: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, dict[str, Any]]]:
    """Listings already stored for these sources, by (source, external id)."""
    sources = {source for source, _ in keys}
    columns = [Listing.id, Listing.source, Listing.external_id, *(getattr(Listing, c) for c in WRITTEN)]
    found = {}
    for row in db.session.execute(select(*columns).where(Listing.source.in_(sources))):
        key = (row.source, row.external_id)
        if key in keys:
            found[key] = (row.id, {c: getattr(row, c) for c in WRITTEN})
    return found


def apply(results: Iterable[ListingIn | Rejection], label: str, licence: str | None = None,
          url: str | None = None) -> ImportReport:
    """Insert new listings and update changed ones, then snapshot; the caller commits or rolls back.

    `licence` and `url` are recorded for this import's sources in the snapshot (snapshots.py)."""
    report = ImportReport(source=label)
    listings: dict[tuple[str, str], ListingIn] = {}
    for result in results:
        report.rows_read += 1
        if isinstance(result, Rejection):
            report.rejections.append(result)
        else:
            report.count(result)
            listings[(result.source, result.external_id)] = result  # a later row for the same id wins
    existing = _existing(set(listings))
    fresh, report.cross_posted = crossposts.drop([item for k, item in listings.items() if k not in existing])
    new = [_values(item) | {"source": item.source, "external_id": item.external_id} for item in fresh]
    changed = [{"id": existing[k][0], **_values(item)} for k, item in listings.items()
               if k in existing and _differs(existing[k][1], _values(item))]
    report.imported, report.updated = len(new), len(changed)
    report.unchanged = len(listings) - len(new) - len(changed) - report.cross_posted
    _snapshot(report, new, changed)
    if report.snapshot_created:
        snapshots.record_sources(report.snapshot_id, {item.source for item in listings.values()}, licence, url)
    return report


def _differs(stored: dict[str, Any], incoming: dict[str, Any]) -> bool:
    """Whether an incoming listing changes anything stored (floats compared to the cent)."""
    for name, value in incoming.items():
        old = stored[name]
        if isinstance(value, float) and old is not None:
            if round(old, 2) != round(value, 2):
                return True
        elif old != value:
            return True
    return False


def _snapshot(report: ImportReport, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> None:
    """Write the changes under a new snapshot, or reuse the latest one if nothing changed."""
    latest = db.session.scalars(select(DataSnapshot).order_by(DataSnapshot.id.desc()).limit(1)).first()
    if latest is not None and not new and not changed:
        report.snapshot_id = latest.id
        return
    snapshot = DataSnapshot(source=report.source[:512], listing_count=0, content_hash="", rows_read=report.rows_read,
                            imported=report.imported, updated=report.updated, rejected=report.rejected)
    db.session.add(snapshot)
    db.session.flush()
    for start in range(0, len(new), BATCH):
        db.session.execute(insert(Listing), [row | {"snapshot_id": snapshot.id} for row in new[start:start + BATCH]])
    for start in range(0, len(changed), BATCH):
        batch = changed[start:start + BATCH]
        db.session.execute(update(Listing), [row | {"snapshot_id": snapshot.id} for row in batch])
    snapshot.listing_count, snapshot.content_hash = content_hash()
    report.snapshot_id, report.snapshot_created = snapshot.id, True


def content_hash() -> tuple[int, str]:
    """The number of stored listings and a hash of everything the guide reads from them."""
    digest = hashlib.sha256()
    query = select(Listing.source, Listing.external_id, *(getattr(Listing, c) for c in COLUMNS)).order_by(
        Listing.source, Listing.external_id
    )
    count = 0
    for row in db.session.execute(query):
        digest.update(repr(tuple(round(v, 2) if isinstance(v, float) else v for v in row)).encode())
        count += 1
    return count, "sha256:" + digest.hexdigest()
