"""The summary page: a handful of findings computed from the figures, each with the n behind it."""

from __future__ import annotations

from typing import Any

from service.salaries import regions


def findings(figures: dict[str, Any], cities: list[dict[str, Any]], threshold: int) -> list[dict[str, Any]]:
    """The context's `summary`: up to six findings, each a `kind`, its figures and its `n`; a finding whose
    data falls short of the threshold is left out rather than guessed."""
    found = [f for f in (
        _highest_paid(figures, threshold), _remote_median(figures), _region_share(figures),
        _us_europe_gap(figures, threshold), _buys_most(figures, cities), _year_change(figures, threshold),
    ) if f is not None]
    return found[:6]


def _highest_paid(figures: dict[str, Any], threshold: int) -> dict[str, Any] | None:
    """The category with the highest median among those that reach the threshold."""
    eligible = [c for c in figures["categories"] if c["n"] >= threshold and c["p50"] is not None]
    top = max(eligible, key=lambda c: c["p50"], default=None)
    return {"kind": "highest_paid", "category": top["category"], "p50": top["p50"], "n": top["n"]} if top else None


def _remote_median(figures: dict[str, Any]) -> dict[str, Any] | None:
    """The median of every remote listing in the window."""
    overall = figures["overall"]
    return {"kind": "remote_median", "p50": overall["p50"], "n": overall["n"]} if overall["n"] else None


def _region(figures: dict[str, Any], name: str) -> dict[str, Any]:
    """One region's entry of `regions`."""
    return next(r for r in figures["regions"] if r["region"] == name)


def _region_share(figures: dict[str, Any]) -> dict[str, Any] | None:
    """How much of the data is from US employers: the bias every other figure carries."""
    us = _region(figures, regions.US)
    if not figures["listings_analysed"]:
        return None
    return {"kind": "us_share", "share": us["share"], "listings": us["listings"], "n": figures["listings_analysed"]}


def _us_europe_gap(figures: dict[str, Any], threshold: int) -> dict[str, Any] | None:
    """US against European employers' median, when both reach the threshold."""
    us, europe = _region(figures, regions.US)["overall"], _region(figures, regions.EUROPE)["overall"]
    if us["n"] < threshold or europe["n"] < threshold:
        return None
    return {"kind": "us_europe_gap", "us_p50": us["p50"], "europe_p50": europe["p50"],
            "gap": us["p50"] / europe["p50"] - 1, "us_n": us["n"], "europe_n": europe["n"],
            "n": us["n"] + europe["n"]}


def _buys_most(figures: dict[str, Any], cities: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Where the remote median buys most (the lowest price level) and least."""
    median = figures["overall"]["p50"]
    priced = [c for c in cities if c["price_level"]]
    if median is None or not priced:
        return None
    cheapest = min(priced, key=lambda c: c["price_level"])
    dearest = max(priced, key=lambda c: c["price_level"])
    return {"kind": "buys_most", "p50": median, "city": cheapest["city"], "buys_usd": median / cheapest["price_level"],
            "price_level": cheapest["price_level"], "dearest_city": dearest["city"],
            "dearest_buys_usd": median / dearest["price_level"], "n": figures["overall"]["n"]}


def _year_change(figures: dict[str, Any], threshold: int) -> dict[str, Any] | None:
    """The median's change from the previous posting year, where the window holds two years."""
    years = [y for y in figures["years"] if y["n"] >= threshold]
    if len(years) < 2:
        return None
    before, after = years[-2], years[-1]
    return {"kind": "year_change", "year": after["year"], "previous_year": before["year"],
            "p50": after["p50"], "previous_p50": before["p50"], "change": after["p50"] / before["p50"] - 1,
            "n": after["n"], "previous_n": before["n"]}
