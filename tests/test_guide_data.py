"""`flask guide data`: the guide's figures from the data in the database, checked independently."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from sqlalchemy import event, text

from service.extensions import db
from service.guide import context
from tests.conftest import SAMPLE, make_app
from tests.test_import import listing, run_import, write


def guide_data(app) -> dict:
    result = app.test_cli_runner().invoke(args=["guide", "data", "--year", "2026"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def raw_remote_rows(years: set[int]) -> list[dict[str, str]]:
    """The sample's fully remote rows of the given work years, read straight from the CSV."""
    with SAMPLE.open(newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["remote_ratio"] == "100" and int(r["work_year"]) in years]


def salaries_by(app, *columns: str, start: str, end: str) -> dict[tuple, list[float]]:
    """Annual US$ salaries of the remote listings in the window, grouped, by plain SQL."""
    query = text(f"SELECT {', '.join(columns)}, salary_annual_usd FROM listings "
                 "WHERE remote AND posted_at > :start AND posted_at <= :end")
    groups: dict[tuple, list[float]] = {}
    with app.app_context():
        for row in db.session.execute(query, {"start": start, "end": end}):
            groups.setdefault(tuple(row[:-1]), []).append(row[-1])
    return groups


def quartiles(values: list[float]) -> list[float]:
    return list(np.percentile(values, [25, 50, 75]))  # NumPy's default: linear interpolation


def test_window_and_count_match_the_raw_file(sample_app):
    data = guide_data(sample_app)
    # Work years become 1 July (docs/data.md); the window ends at the newest posting, 2024-07-01.
    assert data["window"] == {"months": 24, "start": "2022-07-01", "end": "2024-07-01"}
    assert data["listings_analysed"] == len(raw_remote_rows({2023, 2024}))
    assert data["threshold"] == 20 and data["snapshot"]["listing_count"] == 33629


def test_category_figures_match_numpy(sample_app):
    data = guide_data(sample_app)
    groups = salaries_by(sample_app, "category", start=data["window"]["start"], end=data["window"]["end"])
    assert {c["category"] for c in data["categories"]} == {key[0] for key in groups}
    for item in data["categories"]:
        values = groups[(item["category"],)]
        assert item["n"] == len(values)
        assert [item["p25"], item["p50"], item["p75"]] == pytest.approx(quartiles(values), abs=0.01)


def test_bands_use_their_own_figures_only_past_the_threshold(sample_app):
    data = guide_data(sample_app)
    groups = salaries_by(sample_app, "category", "role", "seniority", start=data["window"]["start"],
                         end=data["window"]["end"])
    categories = {c["category"]: c for c in data["categories"]}
    assert {b["own_band"] for b in data["bands"]} == {True, False}
    for band in data["bands"]:
        values = groups[(band["category"], band["role"], band["seniority"])]
        assert band["n"] == len(values)
        category = categories[band["category"]]
        expected = quartiles(values) if band["own_band"] else [category[k] for k in ("p25", "p50", "p75")]
        assert band["own_band"] == (len(values) >= 20)
        assert [band["p25"], band["p50"], band["p75"]] == pytest.approx(expected, abs=0.01)


def test_the_threshold_is_configuration(sample_database_url, redis_server, tmp_path):
    app = make_app(sample_database_url, redis_server.url, tmp_path, BAND_THRESHOLD=100000, WINDOW_MONTHS=12)
    data = guide_data(app)
    with app.app_context():
        db.engine.dispose()
    assert data["threshold"] == 100000 and not any(b["own_band"] for b in data["bands"])
    assert data["window"]["start"] == "2023-07-01"
    assert data["listings_analysed"] == len(raw_remote_rows({2024}))


def test_cities_cover_all_24_with_consistent_figures(sample_app):
    data = guide_data(sample_app)
    with (SAMPLE.parent.parent / "service" / "reference" / "data" / "cities.csv").open() as handle:
        expected = [row["city_id"] for row in csv.DictReader(handle)]
    assert [c["city_id"] for c in data["cities"]] == expected and len(expected) == 24
    medians = {c["category"]: c["p50"] for c in data["categories"]}
    for city in data["cities"]:
        assert city["missing"] is None, city
        if city["basis"] == "metro":
            assert city["price_level"] == pytest.approx(city["rpp"] / 100)
        else:
            assert city["ppp_year"] == city["exchange_rate_year"] == city["year"]
            assert city["price_level"] == pytest.approx(city["ppp_factor"] / city["exchange_rate"])
        for ref in city["reference"]:
            assert ref["salary_usd"] == medians[ref["category"]]
            assert ref["buys_usd"] == pytest.approx(ref["salary_usd"] / city["price_level"])


def test_guide_data_is_the_render_context(sample_app):
    printed = guide_data(sample_app)
    with sample_app.app_context():
        built = context.build(2026)
    printed.pop("generated_at"), built.pop("generated_at")
    assert json.loads(json.dumps(built)) == printed


def test_no_data_is_a_clear_error(app):
    result = app.test_cli_runner().invoke(args=["guide", "data", "--year", "2026"])
    assert result.exit_code != 0 and "salaries import" in result.output


# UN M49 Europe plus Kosovo, written out again here so the test does not trust the code's own list.
EUROPE = set("BG BY CZ HU MD PL RO RU SK UA AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ AD AL BA ES GI GR HR "
             "IT ME MK MT PT RS SI SM VA AT BE CH DE FR LI LU MC NL XK".split())


def region_sql(region: str) -> str:
    """The plain-SQL condition for a region on the listings' country."""
    europe = ", ".join(f"'{c}'" for c in sorted(EUROPE))
    return {"US": "country = 'US'", "Europe": f"country IN ({europe})",
            "Rest of world": f"country IS NOT NULL AND country <> '' AND country <> 'US' AND country NOT IN ({europe})"
            }[region]


@pytest.mark.parametrize("region", ["US", "Europe", "Rest of world"])
def test_each_region_matches_numpy_over_plain_sql(sample_app, region):
    data = guide_data(sample_app)
    found = next(r for r in data["regions"] if r["region"] == region)
    query = text(f"SELECT category, role, seniority, salary_annual_usd FROM listings WHERE remote "
                 f"AND posted_at > :start AND posted_at <= :end AND {region_sql(region)}")
    with sample_app.app_context():
        rows = list(db.session.execute(query, data["window"]))
    assert found["listings"] == len(rows) > 0
    assert found["share"] == pytest.approx(len(rows) / data["listings_analysed"])
    assert [found["overall"][k] for k in ("p25", "p50", "p75")] == pytest.approx(quartiles([r[3] for r in rows]),
                                                                                abs=0.01)
    by_category: dict[str, list[float]] = {}
    by_band: dict[tuple, list[float]] = {}
    for category, role, seniority, salary in rows:
        by_category.setdefault(category, []).append(salary)
        by_band.setdefault((category, role, seniority), []).append(salary)
    assert {c["category"] for c in found["categories"]} == set(by_category)
    for item in found["categories"]:
        assert item["region"] == region and item["n"] == len(by_category[item["category"]])
        assert [item["p25"], item["p50"], item["p75"]] == pytest.approx(quartiles(by_category[item["category"]]),
                                                                        abs=0.01)
    categories = {c["category"]: c for c in found["categories"]}
    assert len(found["bands"]) == len(by_band)
    for band in found["bands"]:
        values = by_band[(band["category"], band["role"], band["seniority"])]
        assert band["region"] == region and band["n"] == len(values)
        assert band["own_band"] == (len(values) >= data["threshold"])  # the threshold, per region
        expected = quartiles(values) if band["own_band"] else [categories[band["category"]][k]
                                                                for k in ("p25", "p50", "p75")]
        assert [band["p25"], band["p50"], band["p75"]] == pytest.approx(expected, abs=0.01)


def test_all_keeps_todays_keys_and_the_regions_add_up(sample_app):
    data = guide_data(sample_app)
    assert {c["region"] for c in data["categories"]} == {b["region"] for b in data["bands"]} == {"All"}
    assert set(data["bands"][0]) == {"category", "role", "seniority", "n", "p25", "p50", "p75", "own_band", "region"}
    assert [r["region"] for r in data["regions"]] == ["US", "Europe", "Rest of world"]
    assert sum(r["listings"] for r in data["regions"]) + data["listings_without_country"] == data["listings_analysed"]


def test_cities_name_the_household_measure(sample_app):
    data = guide_data(sample_app)
    assert data["ppp_measure"]["indicator"] == "PA.NUS.PRVT.PP"
    for city in data["cities"]:
        assert {"ppp_factor", "exchange_rate", "price_level", "ppp_indicator"} <= set(city)
        assert city["ppp_indicator"] == "PA.NUS.PRVT.PP" and city["ppp_fallback"] is None


def test_salary_sources_come_from_the_listings(sample_app):
    data = guide_data(sample_app)
    with sample_app.app_context():
        held, first, last = db.session.execute(
            text("SELECT count(*), min(posted_at), max(posted_at) FROM listings WHERE source = 'aijobs'")).one()
    (source,) = data["salary_sources"]
    assert (source["source"], source["rows"], source["rows_used"]) == ("aijobs", held, data["listings_analysed"])
    assert (source["first_posted"], source["last_posted"]) == (str(first), str(last))


def test_the_newest_posting_is_looked_up_once_per_data_state_and_follows_an_import(app, tmp_path):
    """The data date's max(posted_at) scans every listing (no index leads with the date): it runs once per data
    state, however many pages, API answers and personal guides ask, and again after an import changes the data."""
    run_import(app, str(write(tmp_path / "a.csv", [listing("1", posted_at="2026-03-01")])))
    scans: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_: scans.append(statement)
                     if statement.startswith("SELECT max(listings.posted_at)") else None)
        first = [context.data_date(context.current_snapshot()) for _ in range(3)]
        db.session.remove()
    assert [d.isoformat() for d in first] == ["2026-03-01"] * 3 and len(scans) == 1
    run_import(app, str(write(tmp_path / "b.csv", [listing("2", posted_at="2026-04-02")])))
    with app.app_context():
        assert context.data_date(context.current_snapshot()).isoformat() == "2026-04-02"
    assert len(scans) == 2
