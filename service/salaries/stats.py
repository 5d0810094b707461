"""The guide's statistics, defined once: percentiles, summaries, bands and the time window."""

from __future__ import annotations

import math
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Protocol

from service.salaries.checks import SENIORITIES
from service.salaries.regions import ALL, REGIONS, region_of
from service.salaries.roles import CATEGORIES

QUARTILES = (("p25", 0.25), ("p50", 0.50), ("p75", 0.75))
Summary = dict[str, Any]  # {"n": int, "p25": float | None, "p50": ..., "p75": ...}


class Salaried(Protocol):
    """A listing as the statistics see it (ListingIn, an ORM row, a select() row)."""

    @property
    def category(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def seniority(self) -> str: ...
    @property
    def salary_annual_usd(self) -> float: ...


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-quantile (0 ≤ q ≤ 1), linear between closest ranks: NumPy's default, percentile_cont."""
    if not sorted_values or not 0 <= q <= 1:
        raise ValueError("percentile needs values and 0 <= q <= 1")
    rank = (len(sorted_values) - 1) * q
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (rank - low) * (sorted_values[high] - sorted_values[low])


def summarise(values: Iterable[float]) -> Summary:
    """n and the 25th, 50th and 75th percentiles (None when there are no values)."""
    ordered = sorted(values)
    quartiles = {key: percentile(ordered, q) if ordered else None for key, q in QUARTILES}
    return {"n": len(ordered), **quartiles}


def _category_key(category: str) -> tuple[int, str]:
    """Categories in the table's order (Other last), unknown ones after, by name."""
    return (CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES), category)


def _seniority_key(seniority: str) -> int:
    """The career ladder, entry first."""
    return SENIORITIES.index(seniority) if seniority in SENIORITIES else len(SENIORITIES)


def category_bands(listings: Iterable[Salaried], region: str = ALL) -> list[Summary]:
    """The context's `categories`: one summary per category (of one region)."""
    groups: dict[str, list[float]] = defaultdict(list)
    for item in listings:
        groups[item.category].append(item.salary_annual_usd)
    return [{"category": c, **summarise(groups[c]), "region": region} for c in sorted(groups, key=_category_key)]


def role_bands(listings: Iterable[Salaried], category_summaries: Iterable[Summary],
               threshold: int, region: str = ALL) -> list[Summary]:
    """The context's `bands`: role × seniority, with the category's figures below the threshold."""
    by_category = {s["category"]: s for s in category_summaries}
    groups: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for item in listings:
        groups[(item.category, item.role, item.seniority)].append(item.salary_annual_usd)
    keys = sorted(groups, key=lambda k: (_category_key(k[0]), k[1], _seniority_key(k[2])))
    return [_band(key, summarise(groups[key]), by_category[key[0]], threshold, region) for key in keys]


def _band(key: tuple[str, str, str], own: Summary, category: Summary, threshold: int, region: str) -> Summary:
    """One band: its own quartiles when n reaches the threshold, else its category's (n stays its own)."""
    own_band = own["n"] >= threshold
    figures = own if own_band else category
    quartiles = {name: figures[name] for name, _ in QUARTILES}
    return {"category": key[0], "role": key[1], "seniority": key[2], "n": own["n"],
            **quartiles, "own_band": own_band, "region": region}


def country_of(item: Salaried) -> str | None:
    """A listing's country, if the row carries one (test stand-ins may not)."""
    return getattr(item, "country", None)


def _year_of(item: Salaried) -> int | None:
    """The year a listing was posted, if the row carries its date."""
    posted = getattr(item, "posted_at", None)
    return posted.year if posted else None


def region_statistics(items: list[Salaried], threshold: int) -> list[dict[str, Any]]:
    """The context's `regions`: per region its listings, share of all, overall summary, categories and bands;
    a listing without a country is in none of them (only in All)."""
    result = []
    for region in REGIONS:
        subset = [i for i in items if region_of(country_of(i)) == region]
        categories = category_bands(subset, region)
        result.append({
            "region": region, "listings": len(subset), "share": len(subset) / len(items) if items else None,
            "overall": summarise(i.salary_annual_usd for i in subset),
            "categories": categories, "bands": role_bands(subset, categories, threshold, region),
        })
    return result


def yearly(items: list[Salaried]) -> list[dict[str, Any]]:
    """The context's `years`: every posting year in the window with its n and median (All regions)."""
    groups: dict[int, list[float]] = defaultdict(list)
    for item in items:
        if (year := _year_of(item)) is not None:
            groups[year].append(item.salary_annual_usd)
    return [{"year": y, **summarise(groups[y])} for y in sorted(groups)]


def guide_statistics(listings: Iterable[Salaried], threshold: int) -> dict[str, Any]:
    """`listings_analysed`, `overall`, `categories`, `bands` (All regions), `regions` and `years`."""
    items = list(listings)
    categories = category_bands(items)
    regional = region_statistics(items, threshold)
    return {"listings_analysed": len(items), "overall": summarise(i.salary_annual_usd for i in items),
            "categories": categories, "bands": role_bands(items, categories, threshold),
            "regions": regional,
            "listings_without_country": len(items) - sum(r["listings"] for r in regional),
            "years": yearly(items)}


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the end of a shorter month."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def in_window(posted_at: date, end: date, months: int) -> bool:
    """Whether a posting falls in (end − months, end]: the start day is out, the end day in."""
    return months_before(end, months) < posted_at <= end


def percentile_estimate(salary: float, band: Summary) -> int:
    """Where a salary sits in a band: linear through 0, p25, p50, p75 and on, clamped to 1–99."""
    points = [(0.0, 0.0), (band["p25"], 25.0), (band["p50"], 50.0), (band["p75"], 75.0)]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if salary <= x1:
            return _clamp(y0 + (y1 - y0) * (salary - x0) / (x1 - x0) if x1 > x0 else y1)
    (x0, _), (x1, _) = points[-2], points[-1]
    return _clamp(75 + 25 * (salary - x1) / (x1 - x0) if x1 > x0 else 99)


def _clamp(value: float) -> int:
    """A whole percentile between 1 and 99, halves rounded up (round() would go to even)."""
    return max(1, min(99, math.floor(value + 0.5)))


def position(salary: float, band: Summary) -> str:
    """A phrase for where a salary sits: below p25, p25–median, median–p75 or above p75."""
    if salary < band["p25"]:
        return "below p25"
    if salary < band["p50"]:
        return "p25–median"
    return "median–p75" if salary <= band["p75"] else "above p75"
