"""The salary index: one band of the guide's figures for a category, role, seniority and region.

The figures are the PDF's own: the statistics the guide context is built from (context.statistics), looked
up the way the bands section prints them. A role × seniority shows its own quartiles only from the band
threshold in that region; below it the category's figures stand in (`fallback: "category"`) when the
category reaches the threshold there, and nothing is shown when it does not either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from service.extensions import db
from service.guide import context
from service.guide.personal import figures_of
from service.models import DataSnapshot, FeedRun
from service.salaries import regions, roles, titles
from service.salaries.checks import SENIORITIES

REGION_NAMES = {name.casefold(): name for name in (*regions.REGIONS, regions.ALL)}
QUARTILES = ("p25", "p50", "p75")
MAX_TEXT = 120  # characters of a parameter: the longest job title a role page would send is far shorter


class UnknownName(LookupError):
    """A category or role the guide does not know (the API answers 404)."""


class BadQuery(ValueError):
    """A parameter outside its allowed values (the API answers 400)."""


@dataclass(frozen=True)
class Query:
    """What was asked, resolved: the category, the role and its seniority, and the region."""

    category: str | None = None
    role: str | None = None
    seniority: str | None = None
    region: str = regions.ALL


def _spaced(text: str | None) -> str:
    """A parameter with its spacing collapsed; case is left to the lookups."""
    return " ".join((text or "").split())


def resolve(category: str | None = None, role: str | None = None, seniority: str | None = None,
            region: str | None = None) -> Query:
    """Parameters as given (any case and spacing) to the guide's names; a role through the title classifier,
    so "staff ml engineer" is the Machine Learning Engineer role at staff level."""
    category, role, seniority, region = map(_spaced, (category, role, seniority, region))
    found_region = REGION_NAMES.get((region or regions.ALL).casefold())
    if found_region is None:
        raise BadQuery(f"region must be one of {', '.join(REGION_NAMES.values())}")
    level = seniority.casefold() or None
    if level is not None and level not in SENIORITIES:
        raise BadQuery(f"seniority must be one of {', '.join(SENIORITIES)}")
    named = None
    if category:
        named = next((c for c in roles.CATEGORIES if c.casefold() == category.casefold()), None)
        if named is None:
            raise UnknownName(f"no category {category!r} in the guide; it has {', '.join(roles.CATEGORIES)}")
    if not role:
        if level is not None:
            raise BadQuery("seniority needs a role")
        return Query(category=named, region=found_region)
    title = classify(role)
    if title is None:
        raise UnknownName(f"no role matching {role!r} in the guide")
    if named is not None and named != title.category:
        raise BadQuery(f"{title.role} is in {title.category}, not {named}")
    return Query(category=title.category, role=title.role, seniority=level or title.seniority,
                 region=found_region)


def classify(role: str) -> titles.Title | None:
    """The guide's role, category and seniority for a job title, or None when the classifier does not know it."""
    title = titles.classify(role) if role.strip() else None
    return title if title is not None and title.known else None


def _empty() -> dict[str, Any]:
    return {key: None for key in QUARTILES}


def _figures(query: Query, figures: dict[str, Any], region: str, threshold: int) -> dict[str, Any]:
    """n, the quartiles, own_band and fallback for the query in one region."""
    if region == regions.ALL:
        overall, total = figures["overall"], figures["listings_analysed"]
    else:
        found = next(r for r in figures["regions"] if r["region"] == region)
        overall, total = found["overall"], found["listings"]
    bands, categories = figures_of(figures, region)
    category = next((c for c in categories if c["category"] == query.category), None)
    if query.role is None:
        group = category if query.category else {**overall, "n": total}
        n = group["n"] if group else 0
        shown = {k: group[k] for k in QUARTILES} if group and n >= threshold else _empty()
        return {"n": n, "own_n": n, **shown, "own_band": n >= threshold, "fallback": None}
    band = next((b for b in bands if b["role"] == query.role and b["seniority"] == query.seniority), None)
    own_n = band["n"] if band else 0
    if band and band["own_band"]:
        return {"n": own_n, "own_n": own_n, **{k: band[k] for k in QUARTILES}, "own_band": True, "fallback": None}
    if category and category["n"] >= threshold:
        return {"n": category["n"], "own_n": own_n, **{k: category[k] for k in QUARTILES}, "own_band": False,
                "fallback": "category"}
    return {"n": category["n"] if category else 0, "own_n": own_n, **_empty(), "own_band": False, "fallback": None}


def refreshed_at(snapshot: DataSnapshot) -> datetime:
    """When the data was last refreshed: the newest successful feed import, else the snapshot itself."""
    newest = db.session.scalar(select(func.max(FeedRun.finished_at)).where(FeedRun.ok.is_(True)))
    when = max(newest, snapshot.created_at) if newest else snapshot.created_at
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # SQLite keeps UTC without a zone


def lookup(query: Query) -> dict[str, Any] | None:
    """The answer for a resolved query, with the same lookup per region beside it; None without data."""
    snapshot = context.current_snapshot()
    if snapshot is None:
        return None
    config = current_app.config
    end, months, threshold = context.data_date(snapshot), int(config["WINDOW_MONTHS"]), int(config["BAND_THRESHOLD"])
    figures = context.statistics(snapshot, end, months, threshold)
    per_region = [{"region": r, **_figures(query, figures, r, threshold)} for r in regions.REGIONS]
    return {
        "category": query.category, "role": query.role, "seniority": query.seniority, "region": query.region,
        **_figures(query, figures, query.region, threshold), "currency": "USD", "threshold": threshold,
        "regions": per_region if query.region == regions.ALL else [],
        "window": context.window(end, months),
        "snapshot": {"id": snapshot.id, "date": snapshot.created_at.date().isoformat()},
        "refreshed_at": refreshed_at(snapshot).isoformat(timespec="seconds"),
    }
