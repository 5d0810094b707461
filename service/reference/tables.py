"""The reference tables shipped in data/, loaded once, behind typed accessors."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from service.reference import currencies

DATA = Path(__file__).resolve().parent / "data"
PPP, FCRF, HOUSEHOLD_PPP = "PA.NUS.PPP", "PA.NUS.FCRF", "PA.NUS.PRVT.PP"
RPP_UNIT = "index, US = 100"
Series = dict[int, float]


class Observation(NamedTuple):
    """One value of a yearly series: the value, the year it is from, and its unit."""

    value: float
    year: int
    unit: str


@dataclass(frozen=True)
class City:
    """One of the guide's cities (a row of cities.csv)."""

    city_id: str
    city: str
    country: str
    iso2: str
    iso3: str
    currency: str
    continent: str
    cbsa: str | None  # BEA metro code, US cities only


@dataclass(frozen=True)
class Tables:
    """Everything in data/, indexed by country code, metro code or currency."""

    ppp: dict[str, Series]  # iso3 -> year -> LCU (current currency) per international $ (GDP)
    fcrf: dict[str, Series]  # iso3 -> year -> LCU (currency in use that year) per US$
    rpp: dict[str, Series]  # BEA CBSA -> year -> all-items RPP
    rpp_names: dict[str, str]
    cities: tuple[City, ...]
    currency_by_iso2: dict[str, str]  # primary currency
    currency_by_iso3: dict[str, str]
    iso3_by_iso2: dict[str, str]  # every ISO 3166 country, with or without a currency
    usd: dict[str, Series]  # currency -> year -> units per US$
    household: dict[str, Series] = field(default_factory=dict)  # iso3 -> year -> private-consumption PPP

    def exchange_rate(self, iso3: str, year: int) -> Observation | None:
        """PA.NUS.FCRF for the year (latest ≤ year, else latest), in the currency in use that year."""
        found = latest(self.fcrf.get(iso3, {}), year)
        if found is None:
            return None
        unit = currencies.fcrf_unit(iso3, found, self.currency_by_iso3.get(iso3, ""))
        return Observation(self.fcrf[iso3][found], found, unit)

    def ppp_factor(self, iso3: str, year: int) -> Observation | None:
        """PA.NUS.PPP for the year (latest ≤ year, else latest), in the country's current currency."""
        found = latest(self.ppp.get(iso3, {}), year)
        if found is None:
            return None
        return Observation(self.ppp[iso3][found], found, self.currency_by_iso3.get(iso3, ""))

    def price_parity(self, cbsa: str, year: int) -> Observation | None:
        """BEA all-items RPP of a metro (latest ≤ year, else latest)."""
        found = latest(self.rpp.get(cbsa, {}), year)
        return None if found is None else Observation(self.rpp[cbsa][found], found, RPP_UNIT)

    def usd_rate(self, currency: str, year: int) -> Observation | None:
        """Units of a currency per US$ for the year (latest ≤ year, else latest)."""
        found = latest(self.usd.get(currency.upper(), {}), year)
        return None if found is None else Observation(self.usd[currency.upper()][found], found, currency)


def latest(series: Series, year: int) -> int | None:
    """The latest year of a series at or before `year`, else its latest year; None when empty."""
    if not series:
        return None
    before = [y for y in series if y <= year]
    return max(before) if before else max(series)


def _rows(name: str) -> Iterator[dict[str, str]]:
    """Read one CSV of data/ as dicts."""
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _worldbank() -> tuple[dict[str, Series], dict[str, Series], dict[str, Series]]:
    """GDP PPP, FCRF and household PPP series by iso3 (other indicators in the file are skipped)."""
    series: dict[str, dict[str, Series]] = {code: defaultdict(dict) for code in (PPP, FCRF, HOUSEHOLD_PPP)}
    for row in _rows("worldbank_ppp_fx.csv"):
        if row["indicator_code"] in series and row["value"]:
            series[row["indicator_code"]][row["iso3"]][int(row["year"])] = float(row["value"])
    return dict(series[PPP]), dict(series[FCRF]), dict(series[HOUSEHOLD_PPP])


def _bea() -> tuple[dict[str, Series], dict[str, str]]:
    """All-items RPP by metro; BEA's (NA) cells are empty and skipped."""
    rpp: dict[str, Series] = defaultdict(dict)
    names: dict[str, str] = {}
    for row in _rows("bea_rpp_msa.csv"):
        names[row["geo_fips"]] = row["geo_name"]
        if row["line_code"] == "1" and row["rpp"]:
            rpp[row["geo_fips"]][int(row["year"])] = float(row["rpp"])
    return dict(rpp), names


def _currencies() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Primary currency by iso2 and iso3 (listed first by ISO; El Salvador uses USD in practice)."""
    by_iso2: dict[str, str] = {}
    by_iso3: dict[str, str] = {}
    iso3_by_iso2: dict[str, str] = {}
    for row in _rows("country_currencies.csv"):
        iso3_by_iso2[row["iso2"]] = row["iso3"]
        if row["currency_code"] and (row["listed_order"] == "1" or row["iso2"] == "SV"):
            primary = "USD" if row["iso2"] == "SV" else row["currency_code"]
            by_iso2[row["iso2"]], by_iso3[row["iso3"]] = primary, primary
    return by_iso2, by_iso3, iso3_by_iso2


def _cities() -> tuple[City, ...]:
    """The guide's cities in file order."""
    return tuple(
        City(r["city_id"], r["city"], r["country_name"], r["iso2"], r["iso3"],
             r["currency_code"], r["continent"], r["bea_cbsa_code"] or None)
        for r in _rows("cities.csv")
    )


@cache
def tables() -> Tables:
    """Load every reference table once per process."""
    ppp, fcrf, household = _worldbank()
    rpp, names = _bea()
    by_iso2, by_iso3, iso3_by_iso2 = _currencies()
    usd = currencies.usd_series(fcrf, by_iso3, iso3_by_iso2)
    return Tables(ppp, fcrf, rpp, names, _cities(), by_iso2, by_iso3, iso3_by_iso2, usd, household)


def cities() -> list[City]:
    """The guide's 24 cities, in cities.csv order."""
    return list(tables().cities)


def exchange_rate(iso3: str, year: int) -> Observation | None:
    """World Bank official exchange rate (LCU per US$), unit = the currency in use that year."""
    return tables().exchange_rate(iso3, year)


def ppp(iso3: str, year: int) -> Observation | None:
    """World Bank PPP conversion factor (LCU per international $) in the current currency."""
    return tables().ppp_factor(iso3, year)


def rpp(cbsa: str, year: int) -> Observation | None:
    """BEA all-items Regional Price Parity of a metro (US = 100)."""
    return tables().price_parity(cbsa, year)


def usd_rate(currency: str, year: int) -> Observation | None:
    """Units of `currency` per US$ for converting a listing of that year."""
    return tables().usd_rate(currency, year)


def currency_for_country(iso2: str) -> str | None:
    """The primary ISO 4217 currency of a country."""
    return tables().currency_by_iso2.get(iso2.upper())


@cache  # the tables never change in a process, and the importer asks once per row
def known_countries() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code."""
    return frozenset(tables().iso3_by_iso2)


@cache
def known_currencies() -> frozenset[str]:
    """Every currency a listing may be stated in: those with an exchange rate to convert it."""
    return frozenset(tables().usd)


@cache
def current_currencies() -> frozenset[str]:
    """Currencies some country uses today that we can convert: a form's choices, legacy codes left out."""
    return frozenset(tables().currency_by_iso3.values()) & known_currencies()


@cache
def data_hash(folder: Path = DATA) -> str:
    """A SHA-256 over every shipped reference file, once per process: part of a PDF's content key, so a new
    vintage of the data gives a new PDF."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return f"sha256:{digest.hexdigest()}"
