"""Negotiation advice computed from the figures: what to ask for, the range to quote, what moves the number."""

from __future__ import annotations

import math
from typing import Any

from service.salaries import regions
from service.salaries.checks import SENIORITIES

STEP = 1000  # asks and quotes are rounded to whole thousands of US$: nobody quotes $141,372


def rounded(value: float) -> float:
    """To the nearest thousand."""
    return float(round(value / STEP) * STEP)


def rounded_up(value: float) -> float:
    """Up to the next thousand."""
    return float(math.ceil(value / STEP) * STEP)


def ask(band: dict[str, Any], salary_usd: float | None = None) -> dict[str, Any]:
    """Ask for the band's median to p75; quote its upper half (from your salary, if that is higher)."""
    low, high = rounded(band["p50"]), rounded(band["p75"])
    quote_low = rounded_up(max((band["p50"] + band["p75"]) / 2, salary_usd or 0))
    return {"ask_low": low, "ask_high": high, "quote_low": quote_low, "quote_high": max(high, quote_low)}


def _bands(figures: dict[str, Any], region: str) -> list[dict[str, Any]]:
    """A region's bands (All: the context's own)."""
    if region == regions.ALL:
        return figures["bands"]
    return next(r["bands"] for r in figures["regions"] if r["region"] == region)


def moves(band: dict[str, Any], figures: dict[str, Any], role: str) -> dict[str, Any]:
    """What moves the number: the next seniority up (same role and region) and the same band elsewhere."""
    region, seniority = band.get("region", regions.ALL), band["seniority"]
    own = {b["seniority"]: b for b in _bands(figures, region) if b["role"] == role and b["own_band"]}
    higher = [s for s in SENIORITIES[SENIORITIES.index(seniority) + 1:] if s in own] if seniority in SENIORITIES \
        else []
    step = None
    if higher and band["p50"] is not None:
        nxt = own[higher[0]]
        step = {"seniority": nxt["seniority"], "p50": nxt["p50"], "n": nxt["n"], "gain": nxt["p50"] - band["p50"]}
    elsewhere = []
    for place in (*regions.REGIONS, regions.ALL):
        if place == region:
            continue
        other = next((b for b in _bands(figures, place)
                      if b["role"] == role and b["seniority"] == seniority and b["own_band"]), None)
        if other:
            elsewhere.append({"region": place, "p50": other["p50"], "n": other["n"]})
    return {"seniority_step": step, "regions": elsewhere}


def personal(salary_usd: float, band: dict[str, Any], comparison: dict[str, Any], figures: dict[str, Any],
             role: str) -> dict[str, Any]:
    """The reader's own advice block (`personal.advice`)."""
    gap = band["p50"] - salary_usd
    return {**ask(band, salary_usd), "to_median": gap if gap > 0 else 0.0, "compared_with": comparison["words"],
            **moves(band, figures, role)}


def per_category(figures: dict[str, Any], threshold: int) -> list[dict[str, Any]]:
    """The generic guide's advice (`advice`): for each category that reaches the threshold, the same block,
    with the category's median in each region that reaches it."""
    result = []
    for category in figures["categories"]:
        if category["n"] < threshold:
            continue
        by_region = []
        for region in figures["regions"]:
            found = next((c for c in region["categories"] if c["category"] == category["category"]), None)
            if found and found["n"] >= threshold:
                by_region.append({"region": region["region"], "p50": found["p50"], "n": found["n"]})
        own = [b for b in figures["bands"] if b["category"] == category["category"] and b["own_band"]]
        top = max(own, key=lambda b: b["p50"], default=None)
        result.append({"category": category["category"], "n": category["n"], **ask(category),
                       "regions": by_region,
                       "top_band": {k: top[k] for k in ("role", "seniority", "p50", "n")} if top else None})
    return result
