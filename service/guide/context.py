"""The context a guide is rendered from (docs/guide-context.md): every figure comes from the data now."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from flask import current_app, g, has_request_context
from sqlalchemy import func, select

import pdf
from service.extensions import db
from service.guide import advice, provenance, summary
from service.guide import personal as personal_page
from service.guide.sources import CAVEATS, SOURCES, listing_source
from service.models import DataSnapshot, Listing
from service.reference import ppp
from service.salaries import regions, snapshots, stats


class NoData(RuntimeError):
    """No salary data has been imported, so there is no guide to render."""


def current_snapshot() -> DataSnapshot | None:
    """The newest data snapshot, if any data was imported."""
    return db.session.scalars(select(DataSnapshot).order_by(DataSnapshot.id.desc()).limit(1)).first()


def current_snapshot_id() -> int | None:
    """The id of the newest data snapshot (looked up once per web request, with the published year)."""
    if has_request_context():
        return published_now()[1]
    return db.session.scalar(select(DataSnapshot.id).order_by(DataSnapshot.id.desc()).limit(1))


def published_now() -> tuple[int | None, int | None]:
    """The published edition's year and the newest snapshot's id, in one statement, once per web request
    (a signup asks for both several times; neither changes under a request)."""
    if has_request_context() and "published_now" in g:
        return g.published_now
    from service.models import Edition, EditionStatus

    year = (select(Edition.year).where(Edition.status == EditionStatus.PUBLISHED)
            .order_by(Edition.year.desc()).limit(1).scalar_subquery())
    snapshot = select(DataSnapshot.id).order_by(DataSnapshot.id.desc()).limit(1).scalar_subquery()
    found = db.session.execute(select(year, snapshot)).one()
    now = (found[0], found[1])
    if has_request_context():
        g.published_now = now
    return now


def data_date(snapshot: DataSnapshot | None) -> date:
    """Where the window ends: the newest posting in the data, never later than the snapshot itself."""
    if snapshot is None:
        newest, taken = _newest_posting(), datetime.now(UTC).date()
    else:
        # Once per data state: no index leads with posted_at, so the max scans every listing (the landing
        # page, the salary index API and each personal guide ask for it).
        newest, taken = _per_data_state("newest_posting", snapshot, (), _newest_posting), snapshot.created_at.date()
    return min(newest, taken) if newest else taken


def _newest_posting() -> date | None:
    """The newest posting date of any listing."""
    return db.session.scalar(select(func.max(Listing.posted_at)))


def window(end: date, months: int) -> dict[str, Any]:
    """The counting window, (start, end]."""
    return {"months": months, "start": stats.months_before(end, months).isoformat(), "end": end.isoformat()}


def remote_listings(end: date, months: int) -> list[Any]:
    """The remote listings the guide counts: posted in (end − months, end]."""
    query = select(Listing.category, Listing.role, Listing.seniority, Listing.salary_annual_usd,
                   Listing.country, Listing.posted_at).where(
        Listing.remote.is_(True), Listing.posted_at > stats.months_before(end, months), Listing.posted_at <= end
    )
    return list(db.session.execute(query))


# Figures of one data state, kept per process: a personal guide needs them too, and a warm worker computes
# them before it forks a job (prime), so a personal render does not redo them each time.
_KEPT: dict[str, tuple[tuple[Any, ...], Any]] = {}
T = TypeVar("T")
_PRIMED: dict[str, Any] = {}  # the generic context prime() last built, with the data it was built for


def _per_data_state(name: str, snapshot: DataSnapshot, parameters: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, run once per data state (database, snapshot, its content) and parameters; a copy each time.
    Only the current data state is worth keeping, so each name holds one value."""
    key = (str(db.engine.url), snapshot.id, snapshot.content_hash, *parameters)
    kept = _KEPT.get(name)
    if kept is None or kept[0] != key:
        kept = _KEPT[name] = (key, compute())
    return copy.deepcopy(kept[1])


def statistics(snapshot: DataSnapshot, end: date, months: int, threshold: int) -> dict[str, Any]:
    """The guide's statistics for this snapshot and window (a copy), computed once per data state."""
    return _per_data_state("statistics", snapshot, (end, months, threshold),
                           lambda: stats.guide_statistics(remote_listings(end, months), threshold))


def salary_sources(snapshot: DataSnapshot, end: date, months: int) -> list[dict[str, Any]]:
    """The methodology's listing sources for this snapshot and window (a copy), counted once per data state:
    the count scans every listing (about 60 ms on the sample), which a personal guide would pay each time."""
    return _per_data_state("salary_sources", snapshot, (end, months),
                           lambda: provenance.salary_sources(end, months, snapshots.sources(snapshot.id)))


def prime() -> dict[str, Any] | None:
    """Compute the current data's statistics and load the reference tables now, unless done for this data
    (see WarmWorker); the configured edition's context, or None without data."""
    snapshot = current_snapshot()
    if snapshot is None:
        return None
    key = (str(db.engine.url), snapshot.id, snapshot.content_hash, current_app.config["EDITION_YEAR"])
    if _PRIMED.get("key") != key:
        _PRIMED.update(key=key, context=build(int(current_app.config["EDITION_YEAR"])))
    return _PRIMED["context"]


def build(year: int, personal: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the PDF prints, as plain JSON-able data."""
    config = current_app.config
    snapshot = current_snapshot()
    if snapshot is None:
        raise NoData("no salary data yet: run `flask --app wsgi salaries import FILE` first")
    end, months, threshold = data_date(snapshot), int(config["WINDOW_MONTHS"]), int(config["BAND_THRESHOLD"])
    figures = statistics(snapshot, end, months, threshold)
    references = [{"category": c["category"], "salary_usd": c["p50"]} for c in figures["categories"] if c["p50"]]
    cities = ppp.city_rows(references, year)
    return {
        "edition": {"year": year, "title": f"Remote Salary Guide {year}", "template_version": pdf.TEMPLATE_VERSION},
        "brand": {"name": config["BRAND_NAME"], "url": config["BRAND_URL"],
                  "link": site_link(config["BRAND_URL"])},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "snapshot": _snapshot_dict(snapshot, end),
        "window": window(end, months),
        "threshold": threshold,
        **figures,
        "region_names": [*regions.REGIONS, regions.ALL],
        "cities": cities,
        "ppp_measure": _measure(cities),
        "summary": summary.findings(figures, cities, threshold),
        "advice": advice.per_category(figures, threshold),
        "personal": personal_page.build(personal, figures, year, threshold) if personal else None,
        "salary_sources": salary_sources(snapshot, end, months),
        "sources": [*map(listing_source, snapshots.sources(snapshot.id)), *SOURCES],
        "caveats": CAVEATS,
    }


# Links back to the site say where the visit came from (docs/pdf.md, "Links").
UTM = "utm_source=salary-guide&utm_medium=pdf"


def site_link(url: str) -> str:
    """The brand's URL with the guide's UTM parameters."""
    return f"{url}{'&' if '?' in url else '?'}{UTM}"


def _measure(cities: list[dict[str, Any]]) -> dict[str, Any]:
    """The purchasing-power measure the cities use, by name and year, and the rows that fell back."""
    national = [c for c in cities if c["basis"] == "national"]
    household = [c for c in national if c["ppp_indicator"] == ppp.HOUSEHOLD_PPP]
    return {"indicator": ppp.HOUSEHOLD_PPP, "name": ppp.MEASURES[ppp.HOUSEHOLD_PPP],
            "years": sorted({c["ppp_year"] for c in household if c["ppp_year"]}),
            "fallback_cities": [c["city"] for c in national if c["ppp_fallback"]],
            "fallback_name": ppp.MEASURES[ppp.PPP]}


def _snapshot_dict(snapshot: DataSnapshot, end: date) -> dict[str, Any]:
    """The snapshot's identity, as the guide records it."""
    return {
        "id": snapshot.id,
        "created_at": snapshot.created_at.isoformat(),
        "data_date": end.isoformat(),
        "listing_count": snapshot.listing_count,
        "content_hash": snapshot.content_hash,
        "source": snapshot.source,
    }
