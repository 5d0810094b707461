"""Purchasing power in the guide's cities: price levels and what a salary buys (docs/data.md)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from service.reference import currencies
from service.reference.tables import HOUSEHOLD_PPP, PPP, City, Tables, tables

UNITED_STATES = "USA"
MEASURES = {HOUSEHOLD_PPP: "PPP conversion factor, private consumption (PA.NUS.PRVT.PP)",
            PPP: "PPP conversion factor, GDP (PA.NUS.PPP)"}


@dataclass(frozen=True)
class PriceLevel:
    """A place's price level against the US (US = 1) and the inputs it came from."""

    ppp_factor: float | None
    ppp_year: int | None
    exchange_rate: float | None  # LCU per US$, in the same currency unit as ppp_factor
    exchange_rate_year: int | None
    price_level: float | None
    rpp: float | None = None
    rpp_year: int | None = None
    missing: str | None = None
    ppp_indicator: str | None = None  # PA.NUS.PRVT.PP (household), or PA.NUS.PPP where it lacks
    fallback: str | None = None  # the sentence saying GDP PPP stands in for the household measure


def upto(years: Iterable[int], year: int) -> int | None:
    """The latest of `years` at or before `year` (no later fallback: a guide never looks ahead)."""
    return max((y for y in years if y <= year), default=None)


def national_price_level(iso3: str, year: int, country: str, ref: Tables | None = None,
                         indicator: str = PPP) -> PriceLevel:
    """PPP ÷ exchange rate in the latest year ≤ `year` that has both, in the current currency.

    `indicator` is the PPP series: GDP (PA.NUS.PPP) or household consumption (PA.NUS.PRVT.PP).
    """
    ref = ref or tables()
    ppp = (ref.household if indicator == HOUSEHOLD_PPP else ref.ppp).get(iso3, {})
    fx = currencies.fcrf_in_current(iso3, ref.fcrf.get(iso3, {}), ref.fcrf.get(currencies.EURO_AREA, {}))
    common = upto(ppp.keys() & fx.keys(), year)
    if common is not None:
        return PriceLevel(ppp[common], common, fx[common], common, ppp[common] / fx[common], ppp_indicator=indicator)
    p_year, f_year = upto(ppp, year), upto(fx, year)
    return PriceLevel(
        ppp.get(p_year) if p_year else None, p_year, fx.get(f_year) if f_year else None, f_year,
        None, missing=_why(country, year, p_year is None, f_year is None, indicator), ppp_indicator=indicator,
    )


def household_price_level(iso3: str, year: int, country: str, ref: Tables | None = None) -> PriceLevel:
    """The household price level (private-consumption PPP ÷ exchange rate of the same year); where the World
    Bank publishes no household PPP with a common year, the GDP one, saying so."""
    level = national_price_level(iso3, year, country, ref, HOUSEHOLD_PPP)
    if level.price_level is not None:
        return level
    gdp = national_price_level(iso3, year, country, ref, PPP)
    if gdp.price_level is None:
        return gdp
    return dataclasses.replace(gdp, fallback=f"The World Bank publishes no household PPP (PA.NUS.PRVT.PP) for "
                                             f"{country} up to {year}; GDP PPP (PA.NUS.PPP) is used instead.")


def _why(country: str, year: int, no_ppp: bool, no_fx: bool, indicator: str = PPP) -> str:
    """The sentence a reader sees when a price level cannot be computed."""
    lacking = [name for name, gone in (
        (MEASURES[indicator], no_ppp),
        ("official exchange rate (PA.NUS.FCRF)", no_fx),
    ) if gone]
    if lacking:
        return f"The World Bank publishes no {' and no '.join(lacking)} for {country} up to {year}."
    return f"The World Bank's PPP and exchange-rate series for {country} share no year up to {year}."


def metro_price_level(cbsa: str, year: int, ref: Tables | None = None) -> PriceLevel:
    """A US metro's price level: BEA all-items RPP ÷ 100 of the latest year ≤ `year`."""
    ref = ref or tables()
    national = household_price_level(UNITED_STATES, year, "the United States", ref)
    series = ref.rpp.get(cbsa, {})
    found = upto(series, year)
    base = (national.ppp_factor, national.ppp_year, national.exchange_rate, national.exchange_rate_year)
    if found is None:
        name = ref.rpp_names.get(cbsa, f"metro {cbsa}")
        return PriceLevel(*base, None, missing=f"BEA publishes no regional price parity for {name} up to {year}.",
                          ppp_indicator=national.ppp_indicator)
    return PriceLevel(*base, series[found] / 100, rpp=series[found], rpp_year=found,
                      ppp_indicator=national.ppp_indicator)


def city_price_level(city: City, year: int, ref: Tables | None = None) -> PriceLevel:
    """The price level that applies to a city: its metro's RPP in the US, else its country's PPP."""
    if city.cbsa:
        return metro_price_level(city.cbsa, year, ref)
    return household_price_level(city.iso3, year, city.country, ref)


def _reference(level: PriceLevel, salaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each reference salary in local currency and in what it buys, None where an input lacks."""
    return [{
        "category": s["category"], "salary_usd": s["salary_usd"],
        "local_amount": s["salary_usd"] * level.exchange_rate if level.exchange_rate else None,
        "buys_usd": s["salary_usd"] / level.price_level if level.price_level else None,
    } for s in salaries]


def city_row(city: City, level: PriceLevel, salaries: list[dict[str, Any]]) -> dict[str, Any]:
    """One entry of the guide context's `cities` list."""
    common = level.ppp_year if level.ppp_year == level.exchange_rate_year else None
    return {
        "city_id": city.city_id, "city": city.city, "country": city.country, "iso3": city.iso3,
        "continent": city.continent, "currency": city.currency, "year": common,
        "ppp_factor": level.ppp_factor, "ppp_year": level.ppp_year,
        "exchange_rate": level.exchange_rate, "exchange_rate_year": level.exchange_rate_year,
        "price_level": level.price_level, "rpp": level.rpp, "rpp_year": level.rpp_year,
        "basis": "metro" if city.cbsa else "national", "missing": level.missing,
        "ppp_indicator": level.ppp_indicator, "ppp_fallback": level.fallback,
        "reference": _reference(level, salaries),
    }


def city_rows(reference_salaries: list[dict[str, Any]], year: int,
              ref: Tables | None = None) -> list[dict[str, Any]]:
    """The context's `cities`: every city, in cities.csv order, for each reference salary."""
    ref = ref or tables()
    return [city_row(c, city_price_level(c, year, ref), reference_salaries) for c in ref.cities]


def personal_cities(salary_usd: float, home_city_id: str, year: int,
                    ref: Tables | None = None) -> list[dict[str, Any]]:
    """The context's `personal.cities`: ranked by what the salary buys; cities lacking data last."""
    ref = ref or tables()
    levels = {c.city_id: (c, city_price_level(c, year, ref)) for c in ref.cities}
    if home_city_id not in levels:
        raise ValueError(f"unknown city {home_city_id!r}")
    home = levels[home_city_id][1].price_level
    rows = [_personal(c, lv, salary_usd, home) for c, lv in levels.values()]
    ranked = sorted((r for r in rows if r["buys_usd"] is not None), key=lambda r: -r["buys_usd"])
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    return ranked + [r for r in rows if r["buys_usd"] is None]


def _personal(city: City, level: PriceLevel, salary_usd: float, home: float | None) -> dict[str, Any]:
    """One city of the personal page; equivalent_* keep the reader's home standard of living."""
    pl, fx = level.price_level, level.exchange_rate
    equivalent = salary_usd * pl / home if pl and home else None
    return {
        "city_id": city.city_id, "city": city.city,
        "buys_usd": salary_usd / pl if pl else None,
        "equivalent_usd": equivalent,
        "equivalent_local": equivalent * fx if equivalent is not None and fx else None,
        "currency": city.currency, "rank": None, "missing": level.missing,
    }
