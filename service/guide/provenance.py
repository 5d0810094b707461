"""Where the guide's salaries come from, read from the listings themselves (the methodology page prints it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import case, func, select

from service.extensions import db
from service.guide.sources import named
from service.models import Listing
from service.salaries import stats


def salary_sources(end: date, months: int, recorded: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Each listing source: its name, licence, rows held, rows used (remote, in the window) and date range.

    `recorded` is the snapshot's per-source record (service/salaries/snapshots.py), whose licence and URL
    are what the feed was imported with; `sources.named` says how each is shown."""
    by_source = {r["name"]: r for r in recorded or []}
    start = stats.months_before(end, months)
    inside = Listing.remote.is_(True) & (Listing.posted_at > start) & (Listing.posted_at <= end)
    used = func.sum(case((inside, 1), else_=0))
    query = (select(Listing.source, func.count(), used, func.min(Listing.posted_at), func.max(Listing.posted_at))
             .group_by(Listing.source).order_by(Listing.source))
    rows = []
    for source, held, in_window, first, last in db.session.execute(query):
        record: dict[str, Any] = by_source.get(source, {})
        rows.append({"source": source, **named(source, record.get("url"), record.get("licence")),
                     "rows": held, "rows_used": int(in_window or 0),
                     "first_posted": _iso(first), "last_posted": _iso(last)})
    return rows


def _iso(value: Any) -> str | None:
    """A date as ISO text (SQLite hands back strings, PostgreSQL dates)."""
    return value.isoformat() if hasattr(value, "isoformat") else value
