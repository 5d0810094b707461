"""The dashboard's figures, each one SQL aggregate: nothing here loops over subscribers in Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, desc, distinct, func, select

from service.extensions import db
from service.models import (
    ConsentEvent,
    ConsentKind,
    DataSnapshot,
    Download,
    Edition,
    Erasure,
    ExportRecord,
    FeedRun,
    GuideRequest,
    PageView,
    Subscriber,
    SubscriberStatus,
)

OPT_IN_KINDS = (ConsentKind.NEWSLETTER_OPT_IN, ConsentKind.RESUBSCRIBE)
Row = tuple[Any, ...]


@dataclass
class Day:
    """One day of the chart."""

    day: date
    signups: int = 0
    downloads: int = 0


@dataclass
class Figures:
    """Everything the dashboard shows except the queue."""

    since: date
    by_status: dict[str, int]
    totals: dict[str, Any]
    days: list[Day]
    funnel: list[tuple[str, int]]
    sources: list[Row] = field(default_factory=list)
    referrers: list[Row] = field(default_factory=list)
    editions: list[dict[str, Any]] = field(default_factory=list)
    snapshot: Any = None
    exports: list[Any] = field(default_factory=list)
    feeds: list[Any] = field(default_factory=list)  # each feed's newest refresh run, failures first



def day_of(column: Any) -> ColumnElement[Any]:
    """The UTC calendar day of a timestamp, on SQLite (text) and PostgreSQL (timestamptz) alike."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def _as_date(value: Any) -> date:
    """SQLite's date() gives text, PostgreSQL's a date."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def figures(days: int, today: date | None = None) -> Figures:
    """Gather every figure for a window of `days` days ending today (UTC)."""
    today = today or datetime.now(UTC).date()
    since = today - timedelta(days=days - 1)
    start = datetime.combine(since, time.min, tzinfo=UTC)
    by_status = status_counts()
    return Figures(
        since=since,
        by_status=by_status,
        totals=totals(by_status),
        days=per_day(since, today, start),
        funnel=funnel(since, start),
        sources=top_sources(start),
        referrers=top_referrers(start),
        editions=editions(),
        snapshot=db.session.scalars(select(DataSnapshot).order_by(desc(DataSnapshot.id)).limit(1)).first(),
        exports=list(db.session.scalars(select(ExportRecord).order_by(desc(ExportRecord.id)).limit(5))),
        feeds=feed_runs(),
    )


def feed_runs(limit: int = 200) -> list[FeedRun]:
    """The newest run of each feed (source and URL), failing feeds first."""
    newest: dict[tuple[str, str], FeedRun] = {}
    for run in db.session.scalars(select(FeedRun).order_by(desc(FeedRun.id)).limit(limit)):
        newest.setdefault((run.source, run.url), run)
    return sorted(newest.values(), key=lambda run: (run.ok, -run.id))


def status_counts() -> dict[str, int]:
    """Subscribers per status, every status present (zero when none)."""
    rows = db.session.execute(select(Subscriber.status, func.count()).group_by(Subscriber.status)).all()
    found = {status.value: n for status, n in rows}
    return {status.value: found.get(status.value, 0) for status in SubscriberStatus}


def totals(by_status: dict[str, int]) -> dict[str, Any]:
    """All-time totals, and the share of newsletter opt-ins that were confirmed."""
    opted, confirmed = db.session.execute(
        select(
            func.count(distinct(case((ConsentEvent.kind.in_(OPT_IN_KINDS), ConsentEvent.subscriber_id)))),
            func.count(distinct(case((ConsentEvent.kind == ConsentKind.CONFIRMATION, ConsentEvent.subscriber_id)))),
        ).where(ConsentEvent.kind.in_((*OPT_IN_KINDS, ConsentKind.CONFIRMATION)))
    ).one()
    return {
        "subscribers": sum(by_status.values()),
        "requests": db.session.scalar(select(func.count()).select_from(GuideRequest)),
        "downloads": db.session.scalar(select(func.count()).select_from(Download)),
        "opted_in": opted,
        "confirmed": confirmed,
        "confirmation_rate": confirmed / opted if opted else None,
        "erasures": db.session.scalar(select(func.count()).select_from(Erasure)),
    }


def per_day(since: date, today: date, start: datetime) -> list[Day]:
    """Signups (form submissions) and downloads for each day of the window, empty days included."""
    chart = {since + timedelta(days=i): Day(since + timedelta(days=i)) for i in range((today - since).days + 1)}
    for model, attribute in ((GuideRequest, "signups"), (Download, "downloads")):
        day = day_of(model.created_at)
        query = select(day, func.count()).where(model.created_at >= start).group_by(day)
        for value, n in db.session.execute(query).all():
            if _as_date(value) in chart:
                setattr(chart[_as_date(value)], attribute, n)
    return list(chart.values())


def funnel(since: date, start: datetime) -> list[tuple[str, int]]:
    """Landing views → form submissions → requests downloaded → newly confirmed subscribers, in the window."""
    views = select(func.coalesce(func.sum(PageView.count), 0)).where(PageView.page == "landing", PageView.day >= since)
    submissions = select(func.count()).select_from(GuideRequest).where(GuideRequest.created_at >= start)
    downloaded = select(func.count(distinct(Download.guide_request_id))).where(Download.created_at >= start)
    confirmed = select(func.count(distinct(ConsentEvent.subscriber_id))).where(
        ConsentEvent.kind == ConsentKind.CONFIRMATION, ConsentEvent.created_at >= start
    )
    steps = (("Landing-page views", views), ("Form submissions", submissions), ("Guides downloaded", downloaded),
             ("Confirmed subscribers", confirmed))
    return [(label, int(db.session.scalar(query) or 0)) for label, query in steps]


def top_sources(start: datetime, limit: int = 10) -> list[Row]:
    """The UTM source/medium/campaign combinations that brought the most signups in the window."""
    columns = (ConsentEvent.utm_source, ConsentEvent.utm_medium, ConsentEvent.utm_campaign)
    query = (
        select(*columns, func.count().label("n"))
        .where(ConsentEvent.kind == ConsentKind.GUIDE_DELIVERY, ConsentEvent.created_at >= start,
               ConsentEvent.utm_source.is_not(None))
        .group_by(*columns).order_by(desc("n")).limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def top_referrers(start: datetime, limit: int = 10) -> list[Row]:
    """The referring pages that brought the most signups in the window."""
    query = (
        select(ConsentEvent.referrer, func.count().label("n"))
        .where(ConsentEvent.kind == ConsentKind.GUIDE_DELIVERY, ConsentEvent.created_at >= start,
               ConsentEvent.referrer.is_not(None), ConsentEvent.referrer != "")
        .group_by(ConsentEvent.referrer).order_by(desc("n")).limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def editions() -> list[dict[str, Any]]:
    """Each edition (and any year requested without one) with its requests and downloads."""
    requests = dict(db.session.execute(select(GuideRequest.edition_year, func.count())
                                       .group_by(GuideRequest.edition_year)).all())
    downloads = dict(db.session.execute(select(Download.edition_year, func.count())
                                        .group_by(Download.edition_year)).all())
    known = {e.year: e for e in db.session.scalars(select(Edition))}
    years = sorted(set(known) | set(requests) | set(downloads), reverse=True)
    return [
        {"year": year, "title": known[year].title if year in known else f"Remote Salary Guide {year}",
         "status": known[year].status.value if year in known else "not recorded",
         "requests": requests.get(year, 0), "downloads": downloads.get(year, 0)}
        for year in years
    ]
