"""Stats: the guide's percentiles over 1M listings (service/salaries/stats.py) against numpy.percentile."""

from __future__ import annotations

import random
import time
from typing import NamedTuple

import numpy as np

from bench.common import Line
from bench.site import Run

NAME = "stats"
THRESHOLD = 20


class Row(NamedTuple):
    """A listing as the statistics read it (the columns context.remote_listings selects)."""

    category: str
    role: str
    seniority: str
    salary_annual_usd: float


def listings(count: int) -> list[Row]:
    """Generated listings: the real roles and seniorities, log-normal salaries around $120k."""
    from service.salaries.checks import SENIORITIES
    from service.salaries.roles import known_roles

    rng = random.Random(2026)
    roles = sorted(known_roles().items())
    rows = []
    for _ in range(count):
        role, category = rng.choice(roles)
        rows.append(Row(category, role, rng.choice(SENIORITIES), round(rng.lognormvariate(11.7, 0.45), 2)))
    return rows


def columns(rows: list[Row]) -> tuple[dict[tuple[str, ...], int], np.ndarray, np.ndarray, np.ndarray]:
    """The rows as numpy columns: a code per category, a code per category × role × seniority, the salaries."""
    keys: dict[tuple[str, ...], int] = {}
    category = np.fromiter((keys.setdefault((r.category,), len(keys)) for r in rows), np.int64, len(rows))
    band = np.fromiter((keys.setdefault((r.category, r.role, r.seniority), len(keys)) for r in rows), np.int64,
                       len(rows))
    return keys, category, band, np.fromiter((r.salary_annual_usd for r in rows), np.float64, len(rows))


def numpy_statistics(codes: np.ndarray, salaries: np.ndarray) -> dict[int, list[float]]:
    """Quartiles per group code: one sort by (code, salary), then numpy.percentile on each group's slice."""
    order = np.lexsort((salaries, codes))
    ordered_codes, ordered = codes[order], salaries[order]
    starts = np.concatenate(([0], np.flatnonzero(np.diff(ordered_codes)) + 1))
    groups = np.split(ordered, starts[1:])
    return {int(ordered_codes[start]): np.percentile(group, [25, 50, 75]).tolist()
            for start, group in zip(starts, groups, strict=True)}


def _agree(ours: dict, keys: dict[tuple[str, ...], int], theirs: dict[int, list[float]]) -> bool:
    """Every quartile of ours equals numpy's (to a thousandth of a dollar)."""
    pairs = [((c["category"],), c) for c in ours["categories"]]
    pairs += [((b["category"], b["role"], b["seniority"]), b) for b in ours["bands"] if b["own_band"]]
    return all(abs(summary[k] - theirs[keys[key]][i]) < 1e-3 for key, summary in pairs for i, k in
               enumerate(("p25", "p50", "p75")))


def _timed(function, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def run(bench: Run) -> list[Line]:
    from service.salaries import stats

    count = 100_000 if bench.quick else 1_000_000
    rows = listings(count)
    ours, seconds = _timed(stats.guide_statistics, rows, THRESHOLD)
    (keys, category, band, salaries), convert_seconds = _timed(columns, rows)
    by_category, category_seconds = _timed(numpy_statistics, category, salaries)
    by_band, band_seconds = _timed(numpy_statistics, band, salaries)
    numpy_seconds, theirs = category_seconds + band_seconds, {**by_category, **by_band}
    agree = _agree(ours, keys, theirs)
    values = [r.salary_annual_usd for r in rows]
    ordered, sort_seconds = _timed(sorted, values)
    _, one_seconds = _timed(lambda: [stats.percentile(ordered, q) for q in (0.25, 0.5, 0.75)])
    array = np.array(values)
    _, numpy_one = _timed(np.percentile, array, [25, 50, 75])
    groups = len(ours["categories"]) + len(ours["bands"])
    return [
        Line(NAME, f"guide_statistics over {count:,} listings ({groups} groups)", f"{seconds:.2f} s"),
        Line(NAME, "numpy: the same groups' quartiles (lexsort + numpy.percentile)", f"{numpy_seconds:.2f} s"),
        Line(NAME, "  turning the rows into numpy columns first", f"{convert_seconds:.2f} s"),
        Line(NAME, "ratio guide_statistics / numpy", f"{seconds / numpy_seconds:.2f} x"),
        Line(NAME, f"quartiles of all {count:,}: sorted() + stats.percentile / numpy",
             f"{(sort_seconds + one_seconds) * 1e3:.0f} / {numpy_one * 1e3:.0f} ms"),
        Line(NAME, "quartiles agree with numpy (every group with its own band)", "yes" if agree else "NO",
             "agree", agree),
    ]
