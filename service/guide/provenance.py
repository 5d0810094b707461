"""Where the guide's salaries come from, read from the listings themselves (the methodology page prints it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import case, func, select

from service.extensions import db
from service.models import Listing
from service.salaries import stats

# What we know of each source code a listing can carry. A source not named here is still listed, with its
# code as its name and its licence "not recorded": the page never claims what the data does not say.
# The licence and URL a feed was imported with, as the data snapshot recorded them, win over these.
KNOWN: dict[str, dict[str, Any]] = {
    "aijobs": {"name": "ai-jobs.net salaries dataset", "publisher": "ai-jobs.net", "licence": "CC0 1.0 (public domain)",
               "url": "https://aijobs.net/salaries/download/"},
    "remnavi": {"name": "RemNavi listings feed", "publisher": "RemNavi", "licence": "RemNavi's own listings",
                "url": None},
}


def salary_sources(end: date, months: int, recorded: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Each listing source: its name, licence, rows held, rows used (remote, in the window) and date range.

    `recorded` is the snapshot's per-source record (service/salaries/snapshots.py), whose licence and URL
    are what the feed was imported with."""
    by_source = {r["name"]: r for r in recorded or []}
    start = stats.months_before(end, months)
    inside = Listing.remote.is_(True) & (Listing.posted_at > start) & (Listing.posted_at <= end)
    used = func.sum(case((inside, 1), else_=0))
    query = (select(Listing.source, func.count(), used, func.min(Listing.posted_at), func.max(Listing.posted_at))
             .group_by(Listing.source).order_by(Listing.source))
    rows = []
    for source, held, in_window, first, last in db.session.execute(query):
        known: dict[str, Any] = KNOWN.get(source, {})
        record: dict[str, Any] = by_source.get(source, {})
        licence = record.get("licence") if record.get("licence") not in (None, "", "not stated") else None
        rows.append({"source": source, "name": known.get("name", source), "publisher": known.get("publisher"),
                     "licence": licence or known.get("licence", "not recorded"),
                     "url": record.get("url") or known.get("url"),
                     "rows": held, "rows_used": int(in_window or 0),
                     "first_posted": _iso(first), "last_posted": _iso(last)})
    return rows


def _iso(value: Any) -> str | None:
    """A date as ISO text (SQLite hands back strings, PostgreSQL dates)."""
    return value.isoformat() if hasattr(value, "isoformat") else value
