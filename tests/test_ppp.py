"""Purchasing power per city against the raw World Bank and BEA rows, read independently."""

from __future__ import annotations

import csv
import dataclasses
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from service.reference import ppp, tables

DATA = Path(__file__).resolve().parent.parent / "service" / "reference" / "data"
EDITION = 2026
BGN_PER_EUR, HRK_PER_EUR = 1.95583, 7.53450
HOUSEHOLD = "PA.NUS.PRVT.PP"  # the household measure the cities use (docs/data.md)


@cache
def wdi() -> dict[tuple[str, str], dict[int, float]]:
    """(iso3, indicator) -> year -> value, straight from the CSV."""
    series: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    with (DATA / "worldbank_ppp_fx.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            series[(row["iso3"], row["indicator_code"])][int(row["year"])] = float(row["value"])
    return series


def raw(iso3: str, indicator: str, year: int) -> float:
    """One raw World Bank value."""
    return wdi()[(iso3, indicator)][year]


def raw_rpp(cbsa: str) -> tuple[float, int]:
    """The latest all-items RPP of a metro up to the edition year."""
    with (DATA / "bea_rpp_msa.csv").open(newline="") as handle:
        found = {int(r["year"]): float(r["rpp"]) for r in csv.DictReader(handle)
                 if r["geo_fips"] == cbsa and r["line_code"] == "1" and r["rpp"]}
    year = max(y for y in found if y <= EDITION)
    return found[year], year


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """City rows keyed by city_id."""
    return {row["city_id"]: row for row in rows}


REFERENCE = [{"category": "Data Science", "salary_usd": 150000.0},
             {"category": "Data Analytics", "salary_usd": 100000.0}]


@pytest.mark.parametrize(("city_id", "iso3"), [
    ("tokyo", "JPN"), ("bengaluru", "IND"), ("mexico-city", "MEX"), ("london", "GBR"),
    ("buenos-aires", "ARG"), ("sydney", "AUS"), ("prague", "CZE"),
])
def test_national_cities_use_household_ppp_over_the_exchange_rate_of_one_year(city_id: str, iso3: str) -> None:
    row = by_id(ppp.city_rows(REFERENCE, EDITION))[city_id]
    year = max(set(wdi()[(iso3, HOUSEHOLD)]) & set(wdi()[(iso3, "PA.NUS.FCRF")]))
    assert row["year"] == row["ppp_year"] == row["exchange_rate_year"] == year
    assert (row["ppp_indicator"], row["ppp_fallback"]) == (HOUSEHOLD, None)
    assert row["ppp_factor"] == raw(iso3, HOUSEHOLD, year)
    assert row["exchange_rate"] == raw(iso3, "PA.NUS.FCRF", year)
    level = raw(iso3, HOUSEHOLD, year) / raw(iso3, "PA.NUS.FCRF", year)
    assert row["price_level"] == pytest.approx(level, rel=1e-12)
    assert (row["basis"], row["missing"], row["rpp"]) == ("national", None, None)
    ds = row["reference"][0]
    assert ds["local_amount"] == pytest.approx(150000 * raw(iso3, "PA.NUS.FCRF", year))
    assert ds["buys_usd"] == pytest.approx(150000 / level)


def test_late_series_use_their_last_common_year() -> None:
    rows = by_id(ppp.city_rows(REFERENCE, EDITION))
    assert max(wdi()[("ARG", HOUSEHOLD)]) == 2021 and rows["buenos-aires"]["year"] == 2021
    assert {r["year"] for r in rows.values() if r["city_id"] != "buenos-aires"} == {2023}
    # GDP PPP, the fallback, has its own last years.
    assert ppp.national_price_level("ARE", EDITION, "UAE").ppp_year == 2024
    assert ppp.national_price_level("VNM", EDITION, "Viet Nam").exchange_rate_year == 2024


def test_gdp_ppp_stands_in_for_a_missing_household_ppp_and_says_so() -> None:
    ref = without(tables.tables(), household="KEN")
    nairobi = by_id(ppp.city_rows(REFERENCE, EDITION, ref))["nairobi"]
    assert nairobi["ppp_indicator"] == "PA.NUS.PPP" and nairobi["missing"] is None
    assert "PA.NUS.PRVT.PP" in nairobi["ppp_fallback"] and "Kenya" in nairobi["ppp_fallback"]
    year = nairobi["year"]
    assert nairobi["price_level"] == pytest.approx(raw("KEN", "PA.NUS.PPP", year) / raw("KEN", "PA.NUS.FCRF", year))


@pytest.mark.parametrize("city_id", ["new-york", "san-francisco", "austin"])
def test_us_metros_use_the_bea_price_parity(city_id: str) -> None:
    row = by_id(ppp.city_rows(REFERENCE, EDITION))[city_id]
    city = next(c for c in tables.cities() if c.city_id == city_id)
    value, year = raw_rpp(city.cbsa or "")
    assert (row["rpp"], row["rpp_year"], row["basis"]) == (value, year, "metro")
    assert row["price_level"] == pytest.approx(value / 100)
    assert (row["ppp_factor"], row["exchange_rate"]) == (1.0, 1.0)
    assert row["reference"][1]["buys_usd"] == pytest.approx(100000 / (value / 100))
    assert row["reference"][1]["local_amount"] == 100000.0


def test_every_city_in_file_order() -> None:
    with (DATA / "cities.csv").open(newline="") as handle:
        expected = [(r["city_id"], r["currency_code"]) for r in csv.DictReader(handle)]
    rows = ppp.city_rows(REFERENCE, EDITION)
    assert [(r["city_id"], r["currency"]) for r in rows] == expected and len(rows) == 24
    assert all(r["missing"] is None and r["price_level"] > 0 for r in rows)
    assert all([x["category"] for x in r["reference"]] == ["Data Science", "Data Analytics"] for r in rows)
    # The PPP's unit is the city's currency, so local amounts are in that currency.
    assert all(tables.ppp(r["iso3"], EDITION).unit == r["currency"] for r in rows)  # type: ignore[union-attr]


def test_bulgaria_ppp_in_euro_exchange_rate_in_leva() -> None:
    assert tables.ppp("BGR", EDITION).unit == "EUR"  # type: ignore[union-attr]
    assert tables.exchange_rate("BGR", EDITION) == (raw("BGR", "PA.NUS.FCRF", 2025), 2025, "BGN")
    level = ppp.national_price_level("BGR", EDITION, "Bulgaria")
    assert (level.ppp_year, level.exchange_rate_year, level.missing) == (2025, 2025, None)
    eur_per_usd = raw("BGR", "PA.NUS.FCRF", 2025) / BGN_PER_EUR
    assert level.exchange_rate == pytest.approx(eur_per_usd)
    assert level.price_level is not None
    assert level.price_level == pytest.approx(raw("BGR", "PA.NUS.PPP", 2025) / eur_per_usd)
    naive = raw("BGR", "PA.NUS.PPP", 2025) / raw("BGR", "PA.NUS.FCRF", 2025)
    assert naive < 0.6 * level.price_level  # the trap: dividing euro by leva halves the level


def test_croatia_either_side_of_its_changeover() -> None:
    before = ppp.national_price_level("HRV", 2022, "Croatia")
    after = ppp.national_price_level("HRV", 2023, "Croatia")
    assert before.exchange_rate == pytest.approx(raw("HRV", "PA.NUS.FCRF", 2022) / HRK_PER_EUR)
    assert after.exchange_rate == raw("HRV", "PA.NUS.FCRF", 2023)
    assert tables.exchange_rate("HRV", 2022).unit == "HRK"  # type: ignore[union-attr]


@pytest.mark.parametrize("iso3", sorted({c.iso3 for c in tables.cities()} | {"BGR", "HRV"}))
def test_price_levels_agree_with_the_world_banks_own_ratio(iso3: str) -> None:
    for year in range(2020, 2025):
        ours = ppp.national_price_level(iso3, year, iso3)
        published = raw(iso3, "PA.NUS.PPPC.RF", year)
        assert ours.price_level == pytest.approx(published, rel=0.05), year


@pytest.mark.parametrize("city_id", ["berlin", "amsterdam", "lisbon", "barcelona", "tallinn"])
def test_euro_members_take_the_missing_year_from_the_euro_area(city_id: str) -> None:
    city = next(c for c in tables.cities() if c.city_id == city_id)
    row = ppp.national_price_level(city.iso3, EDITION, city.country)  # GDP PPP, which reaches 2025
    assert max(wdi()[(city.iso3, "PA.NUS.FCRF")]) == 2024  # the member row ends a year early
    assert row.ppp_year == row.exchange_rate_year == 2025
    assert row.exchange_rate == raw("EMU", "PA.NUS.FCRF", 2025)
    assert row.ppp_factor == raw(city.iso3, "PA.NUS.PPP", 2025)
    earlier = ppp.national_price_level(city.iso3, 2024, city.country)
    assert earlier.ppp_year == 2024 and earlier.exchange_rate == raw(city.iso3, "PA.NUS.FCRF", 2024)


def test_an_edition_never_uses_later_years() -> None:
    rows = ppp.city_rows(REFERENCE, 2019)
    assert all(r["year"] <= 2019 and (r["rpp_year"] or 0) <= 2019 for r in rows)


def without(ref: tables.Tables, **drop: str) -> tables.Tables:
    """A copy of the tables with one key removed from some of its series maps."""
    changes: dict[str, Any] = {name: {k: v for k, v in getattr(ref, name).items() if k != key}
                               for name, key in drop.items()}
    return dataclasses.replace(ref, **changes)


def test_a_missing_input_is_a_reason_not_a_zero() -> None:
    ref = without(tables.tables(), ppp="KEN", household="KEN", rpp="12420")
    rows = by_id(ppp.city_rows(REFERENCE, EDITION, ref))
    assert len(rows) == 24
    nairobi, austin = rows["nairobi"], rows["austin"]
    assert "PA.NUS.PPP" in nairobi["missing"] and "Kenya" in nairobi["missing"]
    assert nairobi["price_level"] is None and nairobi["ppp_factor"] is None
    assert nairobi["exchange_rate"] == raw("KEN", "PA.NUS.FCRF", 2025)  # what exists is still shown
    assert nairobi["reference"][0]["buys_usd"] is None
    assert nairobi["reference"][0]["local_amount"] == pytest.approx(150000 * raw("KEN", "PA.NUS.FCRF", 2025))
    assert "PA.NUS.PPP" in nairobi["missing"]  # the GDP measure was the last resort
    assert "BEA" in austin["missing"] and austin["price_level"] is None
    assert sum(r["missing"] is not None for r in rows.values()) == 2


def test_series_without_a_common_year() -> None:
    ref = dataclasses.replace(tables.tables(), ppp={"XXA": {2010: 2.0}}, fcrf={"XXA": {2011: 4.0}}, household={})
    level = ppp.national_price_level("XXA", EDITION, "Testland", ref)
    assert level.price_level is None and "share no year" in (level.missing or "")


def test_personal_cities_ranked_by_what_the_salary_buys() -> None:
    cities = ppp.personal_cities(100000.0, "lisbon", EDITION)
    rows = by_id(ppp.city_rows([], EDITION))
    assert [c["rank"] for c in cities] == list(range(1, 25))
    assert [c["buys_usd"] for c in cities] == sorted((c["buys_usd"] for c in cities), reverse=True)
    home = next(c for c in cities if c["city_id"] == "lisbon")
    assert home["equivalent_usd"] == pytest.approx(100000.0)
    tokyo = next(c for c in cities if c["city_id"] == "tokyo")
    ratio = rows["tokyo"]["price_level"] / rows["lisbon"]["price_level"]
    assert tokyo["equivalent_usd"] == pytest.approx(100000 * ratio)
    assert tokyo["equivalent_local"] == pytest.approx(100000 * ratio * rows["tokyo"]["exchange_rate"])
    assert tokyo["buys_usd"] == pytest.approx(100000 / rows["tokyo"]["price_level"])


def test_personal_cities_put_cities_without_data_last() -> None:
    ref = without(tables.tables(), ppp="JPN", household="JPN")
    cities = ppp.personal_cities(100000.0, "austin", EDITION, ref)
    assert cities[-1]["city_id"] == "tokyo" and cities[-1]["rank"] is None
    assert cities[-1]["buys_usd"] is None and "Japan" in cities[-1]["missing"]
    assert [c["rank"] for c in cities[:-1]] == list(range(1, 24))
    with pytest.raises(ValueError):
        ppp.personal_cities(100000.0, "atlantis", EDITION)
