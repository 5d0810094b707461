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
# (Issue 11 adds per-source snapshot records; `salary_sources` is the one place to switch to them.)
KNOWN = {
    "aijobs": {"name": "ai-jobs.net salaries dataset", "publisher": "ai-jobs.net", "licence": "CC0 1.0 (public domain)",
               "url": "https://aijobs.net/salaries/download/"},
    "remnavi": {"name": "RemNavi listings feed", "publisher": "RemNavi", "licence": "RemNavi's own listings",
                "url": None},
}


def salary_sources(end: date, months: int) -> list[dict[str, Any]]:
    """Each listing source: its name, licence, rows held, rows used (remote, in the window) and date range."""
    start = stats.months_before(end, months)
    inside = Listing.remote.is_(True) & (Listing.posted_at > start) & (Listing.posted_at <= end)
    used = func.sum(case((inside, 1), else_=0))
    query = (select(Listing.source, func.count(), used, func.min(Listing.posted_at), func.max(Listing.posted_at))
             .group_by(Listing.source).order_by(Listing.source))
    rows = []
    for source, held, in_window, first, last in db.session.execute(query):
        known = KNOWN.get(source, {})
        rows.append({"source": source, "name": known.get("name", source), "publisher": known.get("publisher"),
                     "licence": known.get("licence", "not recorded"), "url": known.get("url"),
                     "rows": held, "rows_used": int(in_window or 0),
                     "first_posted": _iso(first), "last_posted": _iso(last)})
    return rows


def _iso(value: Any) -> str | None:
    """A date as ISO text (SQLite hands back strings, PostgreSQL dates)."""
    return value.isoformat() if hasattr(value, "isoformat") else value
