"""The personal page: where the reader's salary sits, against which listings, and what it buys in each city."""

from __future__ import annotations

from typing import Any

from service.guide import advice
from service.reference import ppp, tables
from service.salaries import regions, roles, stats
from service.salaries.checks import SENIORITIES


class PersonalInputError(ValueError):
    """Personal inputs the guide cannot use (unknown currency or city)."""


# How the page names a region in a sentence.
REGION_WORDS = {regions.US: "US employers", regions.EUROPE: "European employers",
                regions.REST: "employers in the rest of the world", regions.ALL: "employers in all regions"}


def figures_of(figures: dict[str, Any], region: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The bands and categories of one region (All: the context's own lists)."""
    if region == regions.ALL:
        return figures["bands"], figures["categories"]
    found = next(r for r in figures["regions"] if r["region"] == region)
    return found["bands"], found["categories"]


def _own(bands: list[dict[str, Any]], role: str, seniority: str) -> dict[str, Any] | None:
    """The role × seniority band, only if it has its own figures."""
    return next((b for b in bands if b["role"] == role and b["seniority"] == seniority and b["own_band"]), None)


def _count(bands: list[dict[str, Any]], role: str, seniority: str) -> int:
    """How many listings a role × seniority has (0 when there is no such band)."""
    return next((b["n"] for b in bands if b["role"] == role and b["seniority"] == seniority), 0)


def _nearest(bands: list[dict[str, Any]], role: str, seniority: str) -> dict[str, Any] | None:
    """The role's own band at the nearest seniority (ties: the lower one)."""
    rank = SENIORITIES.index(seniority) if seniority in SENIORITIES else 0
    own = [b for b in bands if b["role"] == role and b["own_band"] and b["seniority"] in SENIORITIES]
    return min(own, key=lambda b: (abs(SENIORITIES.index(b["seniority"]) - rank),
                                   SENIORITIES.index(b["seniority"])), default=None)


def compare(role: str, seniority: str, category: str, region: str | None, figures: dict[str, Any],
            threshold: int) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The band the reader is compared with, and in words what it is and why.

    In order: their role × seniority in their region, then in all regions; the nearest seniority of the
    role (region, then all); their category (region, then all). Each only where it reaches the threshold;
    if nothing does, there is no band and so no percentile.
    """
    places = [region, regions.ALL] if region and region != regions.ALL else [regions.ALL]
    level = f"{seniority}-level {role}"
    mine = {r: _count(figures_of(figures, r)[0], role, seniority) for r in places}
    for place in places:
        if band := _own(figures_of(figures, place)[0], role, seniority):
            note = None if place == places[0] else (
                f"only {mine[places[0]]} {level} listings at {REGION_WORDS[places[0]]}; compared with all regions")
            return band, _comparison("band", place, band, note)
    for place in places:
        if band := _nearest(figures_of(figures, place)[0], role, seniority):
            had = "no" if mine[regions.ALL] == 0 else f"only {mine[regions.ALL]}"
            where = "" if place == places[0] else f" at {REGION_WORDS[place]}"
            note = f"{had} {level} listings yet; compared with {band['seniority']}{where}"
            return band, _comparison("seniority", place, band, note)
    for place in places:
        summary = next((c for c in figures_of(figures, place)[1] if c["category"] == category), None)
        if summary and summary["n"] >= threshold:
            band = {"category": category, "role": role, "seniority": seniority, "n": summary["n"],
                    "p25": summary["p25"], "p50": summary["p50"], "p75": summary["p75"],
                    "own_band": False, "region": place}
            note = f"too few {role} listings at any level; compared with the {category} category"
            return band, _comparison("category", place, band, note)
    note = f"fewer than {threshold} listings for {role} or {category}, so no percentile is given"
    return None, {"basis": None, "region": None, "seniority": None, "note": note, "words": None}


def _comparison(basis: str, region: str, band: dict[str, Any], note: str | None) -> dict[str, Any]:
    """What the reader is compared with, as data and as a phrase."""
    subject = band["category"] if basis == "category" else f"{band['seniority']} {band['role']}"
    return {"basis": basis, "region": region, "seniority": band["seniority"], "note": note,
            "words": f"{subject} listings at {REGION_WORDS[region]} (n = {band['n']:,})"}


def annual(inputs: dict[str, Any]) -> float:
    """The salary as a yearly amount in its own currency (the form asks per year or per month)."""
    return float(inputs["salary"]) * (12 if inputs.get("period") == "month" else 1)


def build(inputs: dict[str, Any], figures: dict[str, Any], year: int, threshold: int) -> dict[str, Any]:
    """The context's `personal` block from the reader's role, seniority, salary, period, currency and city."""
    rate = tables.usd_rate(inputs["currency"], year)
    if rate is None:
        raise PersonalInputError(f"no exchange rate for {inputs['currency']}")
    home = next((c for c in tables.cities() if c.city_id == inputs["city"]), None)
    if home is None:
        raise PersonalInputError(f"unknown city {inputs['city']!r}")
    salary = annual(inputs)
    salary_usd = salary / rate.value
    category = roles.category_of(inputs["role"]) or "Other"
    region = regions.region_of(home.iso2)
    band, comparison = compare(inputs["role"], inputs["seniority"], category, region, figures, threshold)
    percentile = stats.percentile_estimate(salary_usd, band) if band else None
    return {
        "role": inputs["role"], "seniority": inputs["seniority"], "category": category,
        "salary": salary, "period": inputs.get("period", "year"), "salary_as_given": float(inputs["salary"]),
        "currency": inputs["currency"], "salary_usd": salary_usd,
        "exchange_rate": rate.value, "exchange_rate_year": rate.year,
        "home_city_id": home.city_id, "home_city": home.city, "region": region,
        "band": band, "comparison": comparison,
        "position": stats.position(salary_usd, band) if band else None,
        "percentile_estimate": percentile,
        "headline": _headline(inputs, region, comparison, percentile),
        "advice": advice.personal(salary_usd, band, comparison, figures, inputs["role"]) if band else None,
        "cities": ppp.personal_cities(salary_usd, home.city_id, year),
    }


def _headline(inputs: dict[str, Any], region: str | None, comparison: dict[str, Any], percentile: int | None
              ) -> str:
    """"Senior Machine Learning Engineer, Europe: 61st percentile" (the region compared with)."""
    place = comparison["region"] or region or regions.ALL
    who = f"{inputs['seniority'].title()} {inputs['role']}, {'all regions' if place == regions.ALL else place}"
    if percentile is None:
        return f"{who}: too few listings for a percentile"
    suffix = "th" if 10 <= percentile % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(percentile % 10, "th")
    return f"{who}: {percentile}{suffix} percentile"
