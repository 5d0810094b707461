"""The guide's statistics against independent computations (NumPy, the statistics module)."""

from __future__ import annotations

import csv
import random
import statistics
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

from service.salaries import stats

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "salaries_aijobs_2020_2024.csv"


class Item(NamedTuple):
    """A listing as the statistics see it."""

    category: str
    role: str
    seniority: str
    salary_annual_usd: float


def samples() -> list[list[float]]:
    """Small, tied, integer and large samples, seeded."""
    rng = random.Random(2026)
    return [
        [50000.0], [40000.0, 90000.0], [3.0, 1.0, 2.0],
        [100000.0] * 7 + [120000.0] * 3,
        [float(rng.randint(30, 60) * 1000) for _ in range(101)],
        [rng.lognormvariate(11.8, 0.4) for _ in range(1000)],
        [rng.uniform(0, 1) for _ in range(4)],
    ]


@pytest.mark.parametrize("values", samples(), ids=lambda v: f"n={len(v)}")
def test_percentiles_match_numpy_and_statistics(values: list[float]) -> None:
    ordered = sorted(values)
    for q in (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0):
        expected = float(np.percentile(values, q * 100, method="linear"))
        assert stats.percentile(ordered, q) == pytest.approx(expected, rel=1e-12)
    summary = stats.summarise(values)
    assert summary["n"] == len(values)
    if len(values) >= 2:  # statistics.quantiles needs two points on Python 3.11
        p25, p50, p75 = statistics.quantiles(values, n=4, method="inclusive")
        assert (summary["p25"], summary["p50"], summary["p75"]) == pytest.approx((p25, p50, p75), rel=1e-12)


def test_percentile_edges() -> None:
    assert stats.summarise([7.0]) == {"n": 1, "p25": 7.0, "p50": 7.0, "p75": 7.0}
    assert stats.summarise([]) == {"n": 0, "p25": None, "p50": None, "p75": None}
    assert stats.percentile([1.0, 2.0], 0.5) == 1.5
    with pytest.raises(ValueError):
        stats.percentile([], 0.5)
    with pytest.raises(ValueError):
        stats.percentile([1.0], 1.5)


def items(category: str, role: str, seniority: str, salaries: list[float]) -> list[Item]:
    """Listings of one role × seniority."""
    return [Item(category, role, seniority, s) for s in salaries]


def test_bands_follow_the_threshold() -> None:
    rng = random.Random(7)
    at = items("Data Science", "Data Scientist", "senior", [rng.uniform(1e5, 2e5) for _ in range(20)])
    below = items("Data Science", "Data Scientist", "mid", [rng.uniform(5e4, 1e5) for _ in range(19)])
    other = items("Research", "Research Scientist", "entry", [80000.0, 90000.0])
    listings = at + below + other
    result = stats.guide_statistics(listings, threshold=20)
    categories = {c["category"]: c for c in result["categories"]}
    ds = [i.salary_annual_usd for i in at + below]
    assert categories["Data Science"]["n"] == 39
    assert categories["Data Science"]["p50"] == pytest.approx(float(np.percentile(ds, 50)))
    bands = {(b["role"], b["seniority"]): b for b in result["bands"]}
    own = bands[("Data Scientist", "senior")]
    assert own["own_band"] is True and own["n"] == 20
    assert own["p75"] == pytest.approx(float(np.percentile([i.salary_annual_usd for i in at], 75)))
    borrowed = bands[("Data Scientist", "mid")]
    assert borrowed["own_band"] is False and borrowed["n"] == 19
    assert [borrowed[k] for k in ("p25", "p50", "p75")] == [categories["Data Science"][k]
                                                            for k in ("p25", "p50", "p75")]
    # One more listing needed: the senior band loses its own figures at threshold 21.
    stricter = stats.role_bands(listings, result["categories"], threshold=21)
    assert not any(b["own_band"] for b in stricter)
    assert result["listings_analysed"] == len(listings)


def test_order_is_the_category_table_then_role_then_seniority() -> None:
    listings = (items("Other", "Engineer", "mid", [1.0]) + items("Zeta", "Z", "mid", [1.0])
                + items("Data Science", "Statistician", "executive", [1.0])
                + items("Data Science", "Data Scientist", "senior", [1.0])
                + items("Data Science", "Data Scientist", "entry", [1.0]))
    result = stats.guide_statistics(listings, threshold=1)
    assert [c["category"] for c in result["categories"]] == ["Data Science", "Other", "Zeta"]
    assert [(b["role"], b["seniority"]) for b in result["bands"]] == [
        ("Data Scientist", "entry"), ("Data Scientist", "senior"), ("Statistician", "executive"),
        ("Engineer", "mid"), ("Z", "mid")]


@pytest.mark.parametrize(("posted", "inside"), [
    (date(2024, 11, 28), False),  # the start day is out
    (date(2024, 11, 29), True),
    (date(2026, 11, 28), True),  # the end day is in
    (date(2026, 11, 29), False),
])
def test_window_bounds(posted: date, inside: bool) -> None:
    assert stats.in_window(posted, date(2026, 11, 28), 24) is inside


def test_months_before_clamps_to_the_month_end() -> None:
    assert stats.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert stats.months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert stats.months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_work_years_in_a_24_month_window_ending_at_the_data_date() -> None:
    years = {year: date(year, 7, 1) for year in range(2020, 2025)}
    end = max(years.values())
    assert [y for y, d in years.items() if stats.in_window(d, end, 24)] == [2023, 2024]


def test_position_and_percentile_estimate() -> None:
    band = {"p25": 100.0, "p50": 150.0, "p75": 250.0}
    assert [stats.percentile_estimate(s, band) for s in (100, 125, 150, 200, 250)] == [25, 38, 50, 63, 75]
    assert stats.percentile_estimate(0, band) == 1
    assert stats.percentile_estimate(10_000, band) == 99
    assert [stats.position(s, band) for s in (99, 100, 150, 250, 251)] == [
        "below p25", "p25–median", "median–p75", "median–p75", "above p75"]


def shipped_rows() -> list[dict[str, str]]:
    """The sample file, read with the csv module."""
    with SAMPLE.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_shipped_salaries_summarise_like_numpy() -> None:
    values = [float(row["salary_in_usd"]) for row in shipped_rows()]
    summary = stats.summarise(values)
    assert summary["n"] == 33629
    for key, q in (("p25", 25), ("p50", 50), ("p75", 75)):
        assert summary[key] == pytest.approx(float(np.percentile(values, q)), rel=1e-12)


def test_shipped_remote_bands_match_an_independent_grouping() -> None:
    from service.salaries.aijobs import EXPERIENCE
    from service.salaries.roles import classify

    groups: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    listings = []
    for row in shipped_rows():
        if row["remote_ratio"] == "100":
            role, category = classify(row["job_title"])
            key = (category, role, EXPERIENCE[row["experience_level"]])
            groups[key].append(float(row["salary_in_usd"]))
            listings.append(Item(*key, float(row["salary_in_usd"])))
    result = stats.guide_statistics(listings, threshold=20)
    assert sum(c["n"] for c in result["categories"]) == len(listings) == 8611
    assert len(result["bands"]) == len(groups)
    for band in result["bands"]:
        values = groups[(band["category"], band["role"], band["seniority"])]
        assert band["n"] == len(values) and band["own_band"] is (len(values) >= 20)
        if band["own_band"]:
            assert band["p50"] == pytest.approx(float(np.median(values)), rel=1e-12)
