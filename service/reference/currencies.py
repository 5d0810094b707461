"""Currencies: what a World Bank exchange rate is stated in, and which row prices each currency."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple


class Changeover(NamedTuple):
    """A country's move from its legacy currency to the euro at an irrevocable rate."""

    legacy: str
    year: int  # the first calendar year in euro
    rate: float  # legacy units per euro


# The Council's irrevocably fixed conversion rates. WDI states PA.NUS.PPP in the
# country's *current* currency for every year, but PA.NUS.FCRF in the currency
# in use *that* year, so the two disagree before the changeover year.
CHANGEOVERS: dict[str, Changeover] = {
    "AUT": Changeover("ATS", 1999, 13.7603),
    "BEL": Changeover("BEF", 1999, 40.3399),
    "DEU": Changeover("DEM", 1999, 1.95583),
    "ESP": Changeover("ESP", 1999, 166.386),
    "FIN": Changeover("FIM", 1999, 5.94573),
    "FRA": Changeover("FRF", 1999, 6.55957),
    "IRL": Changeover("IEP", 1999, 0.787564),
    "ITA": Changeover("ITL", 1999, 1936.27),
    "LUX": Changeover("LUF", 1999, 40.3399),
    "NLD": Changeover("NLG", 1999, 2.20371),
    "PRT": Changeover("PTE", 1999, 200.482),
    "GRC": Changeover("GRD", 2001, 340.750),
    "SVN": Changeover("SIT", 2007, 239.640),
    "CYP": Changeover("CYP", 2008, 0.585274),
    "MLT": Changeover("MTL", 2008, 0.429300),
    "SVK": Changeover("SKK", 2009, 30.1260),
    "EST": Changeover("EEK", 2011, 15.6466),
    "LVA": Changeover("LVL", 2014, 0.702804),
    "LTU": Changeover("LTL", 2015, 3.45280),
    "HRV": Changeover("HRK", 2023, 7.53450),
    # Bulgaria's WDI exchange rate is still in BGN through 2025 while its PPP is in EUR.
    "BGR": Changeover("BGN", 2026, 1.95583),
}

EURO_AREA = "EMU"  # the WDI aggregate row; member rows stop a year earlier than it
LEGACY: dict[str, str] = {c.legacy: iso3 for iso3, c in CHANGEOVERS.items()}


def fcrf_unit(iso3: str, year: int, current: str) -> str:
    """The currency a country's PA.NUS.FCRF value for a year is stated in."""
    change = CHANGEOVERS.get(iso3)
    return change.legacy if change and year < change.year else current


def fcrf_in_current(iso3: str, own: dict[int, float], emu: dict[int, float]) -> dict[int, float]:
    """A country's exchange-rate series restated in its current currency, euro years filled from EMU."""
    change = CHANGEOVERS.get(iso3)
    if change is None:
        return dict(own)
    series = {y: v / change.rate if y < change.year else v for y, v in own.items()}
    # One euro, one market rate: a member's missing euro year is the aggregate's.
    for year, value in emu.items():
        if year >= change.year:
            series.setdefault(year, value)
    return series


def legacy_series(code: str, fcrf: dict[str, dict[int, float]]) -> dict[int, float]:
    """Units of a legacy currency per US$: its own rows before the changeover, then EMU × the fixed rate."""
    iso3 = LEGACY[code]
    change = CHANGEOVERS[iso3]
    series = {y: v for y, v in fcrf.get(iso3, {}).items() if y < change.year}
    for year, value in fcrf.get(EURO_AREA, {}).items():
        if year >= change.year:
            series[year] = value * change.rate
    return series


def usd_series(fcrf: dict[str, dict[int, float]], by_iso3: dict[str, str],
               iso3_by_iso2: dict[str, str]) -> dict[str, dict[int, float]]:
    """Units per US$ for every currency some exchange-rate row prices."""
    users: dict[str, list[str]] = defaultdict(list)
    for iso3, currency in by_iso3.items():
        if iso3 in fcrf and iso3 not in CHANGEOVERS:
            users[currency].append(iso3)
    iso2 = {iso3: code for code, iso3 in iso3_by_iso2.items()}
    usd = {}
    for currency, countries in users.items():
        # The issuer (USD -> US, AUD -> AU) prices its currency; else the longest series.
        issuer = min(countries, key=lambda c: (iso2.get(c) != currency[:2], -len(fcrf[c]), c))
        usd[currency] = fcrf[issuer]
    usd["EUR"] = fcrf[EURO_AREA]
    usd.update({code: legacy_series(code, fcrf) for code in LEGACY})
    return usd
