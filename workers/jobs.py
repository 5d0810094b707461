"""Jobs: plain importable functions that take ids or primitives, run in an app context by the worker."""

from __future__ import annotations

import logging
from datetime import datetime

log = logging.getLogger(__name__)


def render_guide(request_id: int) -> str:
    """Render (or reuse) the PDF for a guide request and mark it ready."""
    from service.guide import rendering

    return rendering.fulfil(request_id)


def relay_outbox() -> int:
    """Hand Redis whatever the outbox still holds (after Redis was down)."""
    from service import queue

    return queue.relay()


def prerender_edition() -> str:
    """Render the current edition ahead of time, unless it is stored for today's template and data."""
    from service.guide import editions

    return editions.prerender_current()


def trigger(name: str) -> bool:
    """Fired by the cron: enqueue the named schedule's run for the period due now (once)."""
    from service import scheduling

    return scheduling.trigger(name)


def refresh_data(period_iso: str) -> str:
    """The daily refresh: import SALARYGUIDE_FEED_URL, then render the edition ahead if the data changed."""
    from service import scheduling

    return scheduling.run_once("refresh", period_iso, _refresh)


def _refresh(period: datetime) -> str:
    """Import the feed; a changed snapshot means the stored edition is stale, so render it now."""
    from flask import current_app

    from service.guide import editions
    from service.salaries.cli import import_file

    feed = current_app.config["FEED_URL"]
    if not feed:
        return "no feed configured (SALARYGUIDE_FEED_URL)"
    report = import_file(feed, None, progress=False)
    summary = f"read {report.rows_read}, imported {report.imported}, updated {report.updated}, " \
              f"rejected {report.rejected}, snapshot {report.snapshot_id}"
    if report.snapshot_created:
        summary += "; " + editions.prerender_current()
    return summary


def new_edition(period_iso: str) -> str:
    """The yearly new edition: render and publish the edition of the year the schedule fired in."""
    from service import scheduling

    return scheduling.run_once("edition", period_iso, _publish_year)


def _publish_year(period: datetime) -> str:
    """Publish the edition named for the period's year (in the schedule's zone)."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    from service.guide import editions

    year = period.astimezone(ZoneInfo(current_app.config["SCHEDULE_TZ"])).year
    edition = editions.publish(year)
    return f"published {edition.title} ({edition.page_count} pages)"
