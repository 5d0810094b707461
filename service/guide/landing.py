"""What the landing page says the guide holds: the same figures the PDF prints, and how fresh they are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter
from flask import current_app

from service.guide import context
from service.models import Edition
from service.reference import tables


def refresh_interval() -> timedelta:
    """The time between two data refreshes (SALARYGUIDE_REFRESH_CRON)."""
    schedule = croniter(current_app.config["REFRESH_CRON"], datetime.now(UTC))
    first = schedule.get_next(datetime)
    return schedule.get_next(datetime) - first


def facts(edition: Edition | None = None) -> dict[str, Any] | None:
    """Listings, the data window, the region mix, the bands and cities the PDF prints (its cover's figures),
    the edition's page count, and whether the data may be called live (its newest listing no older than one
    refresh interval); None before any data is imported."""
    snapshot = context.current_snapshot()
    if snapshot is None:
        return None
    config = current_app.config
    end, months = context.data_date(snapshot), int(config["WINDOW_MONTHS"])
    figures = context.statistics(snapshot, end, months, int(config["BAND_THRESHOLD"]))
    age = datetime.now(UTC).date() - end
    return {"listings": figures["listings_analysed"], "window": context.window(end, months),
            "regions": [{"region": r["region"], "share": r["share"]} for r in figures["regions"]],
            "bands": len(figures["bands"]), "cities": len(tables.cities()),
            "pages": edition.page_count if edition else None,
            "live": age <= refresh_interval()}
