"""Cheap counters for the dashboard: one upsert per landing view, one insert per PDF download."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Request, Response
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service.extensions import db
from service.models import Download, GuideRequest, PageView


def count_view(page: str) -> None:
    """Add one to today's (UTC) counter for a page; the caller commits."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(PageView).values(day=datetime.now(UTC).date(), page=page, count=1)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["day", "page"], set_={"count": PageView.__table__.c.count + 1}
    ))


def record_download(guide: GuideRequest) -> None:
    """Record one full download of a guide request's PDF; the caller commits."""
    db.session.add(Download(guide_request_id=guide.id, edition_year=guide.edition_year))


def is_full_download(request: Request, response: Response) -> bool:
    """Whether the response sends the whole PDF afresh, not a range, a 304 or a HEAD.

    Behind nginx (X-Accel-Redirect) the app answers 200 even to ranges and revalidations, so the
    request's headers decide too.
    """
    revisit = any(name in request.headers for name in ("Range", "If-None-Match", "If-Modified-Since", "If-Range"))
    return request.method == "GET" and response.status_code == 200 and not revisit
