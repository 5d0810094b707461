"""What the landing page says the guide holds: the same figures the PDF prints, and how fresh they are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter
from flask import current_app

from service.guide import context


def refresh_interval() -> timedelta:
    """The time between two data refreshes (SALARYGUIDE_REFRESH_CRON)."""
    schedule = croniter(current_app.config["REFRESH_CRON"], datetime.now(UTC))
    first = schedule.get_next(datetime)
    return schedule.get_next(datetime) - first


def facts() -> dict[str, Any] | None:
    """Listings, the data window and the region mix of the current data, and whether it may be called live
    (its newest listing no older than one refresh interval); None before any data is imported."""
    snapshot = context.current_snapshot()
    if snapshot is None:
        return None
    config = current_app.config
    end, months = context.data_date(snapshot), int(config["WINDOW_MONTHS"])
    figures = context.statistics(snapshot, end, months, int(config["BAND_THRESHOLD"]))
    age = datetime.now(UTC).date() - end
    return {"listings": figures["listings_analysed"], "window": context.window(end, months),
            "regions": [{"region": r["region"], "share": r["share"]} for r in figures["regions"]],
            "live": age <= refresh_interval()}
