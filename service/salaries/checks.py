"""Field checks shared by the salary layouts; each raises Invalid worded for the import report."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from service.reference import tables
from service.reference.tables import Observation
from service.salaries import countries

# Periods to a year: 2,080 hours = 52 weeks × 40 hours; 260 days = 52 weeks × 5 days.
PERIODS = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}
SENIORITIES = ("entry", "mid", "senior", "staff", "principal", "executive")
MIN_ANNUAL_USD = 1_000.0  # below this the amount is a typo or the wrong period
MAX_ANNUAL_USD = 5_000_000.0  # above this it is a typo, the wrong currency or not a salary
EARLIEST = date(2000, 1, 1)
MAX_TEXT = 200


class Invalid(ValueError):
    """Why a row cannot be imported, in words for the import report."""


def blank(value: Any) -> bool:
    """True for a missing value: absent, null or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, name: str, required: bool = True) -> str:
    """A text field with its spacing tidied; missing is an error unless optional."""
    if isinstance(value, dict | list):
        raise Invalid(f"{name} must be text, not {type(value).__name__}")
    tidy = "" if value is None else " ".join(str(value).split())
    if not tidy and required:
        raise Invalid(f"missing field: {name}")
    if len(tidy) > MAX_TEXT:
        raise Invalid(f"{name} is longer than {MAX_TEXT} characters")
    return tidy


def choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    """One of a fixed set of words, matched without regard to case."""
    word = text(value, name).lower()
    if word not in allowed:
        raise Invalid(f"unknown {name} {word!r} (expected one of {', '.join(allowed)})")
    return word


def amount(value: Any, name: str) -> float | None:
    """A positive, finite amount, or None when the cell is empty."""
    if blank(value):
        return None
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        raise Invalid(f"unparseable amount in {name}: {value!r}") from None
    if not math.isfinite(number):
        raise Invalid(f"unparseable amount in {name}: {value!r}")
    if number < 0:
        raise Invalid(f"negative amount in {name}: {number:g}")
    if number == 0:
        raise Invalid(f"absurd amount in {name}: zero")
    return number


def salary_range(low: Any, high: Any) -> tuple[float, float]:
    """(min, max) of the advertised salary; one given value stands for both."""
    lo, hi = amount(low, "salary_min"), amount(high, "salary_max")
    if lo is None or hi is None:
        one = lo if lo is not None else hi
        if one is None:
            raise Invalid("missing salary (salary_min and salary_max are both empty)")
        lo = hi = one
    if lo > hi:
        raise Invalid(f"salary_min {lo:g} is greater than salary_max {hi:g}")
    return lo, hi


def currency(value: Any) -> str:
    """An ISO 4217 code we hold an exchange rate for."""
    code = text(value, "currency").upper()
    if code not in tables.known_currencies():
        raise Invalid(f"unknown currency {code!r}")
    return code


def country(value: Any) -> str:
    """An ISO 3166-1 alpha-2 code (or XK, Kosovo), or "" when not given."""
    code = text(value, "country", required=False).upper()
    if code and code not in countries.known():
        raise Invalid(f"unknown country {code!r} (expected an ISO 3166-1 alpha-2 code or XK)")
    return code


def boolean(value: Any, name: str) -> bool:
    """true or false (JSON booleans, and 1/0, too)."""
    if isinstance(value, bool):
        return value
    word = text(value, name).lower()
    if word not in ("true", "false", "1", "0"):
        raise Invalid(f"{name} must be true or false, not {word!r}")
    return word in ("true", "1")


def posted_date(value: Any, today: date) -> date:
    """An ISO 8601 date (a date-time is cut to its date) between 2000-01-01 and today."""
    if isinstance(value, date):
        found = value.date() if isinstance(value, datetime) else value
    else:
        raw = text(value, "posted_at")
        found = _iso_date(raw)
    if found < EARLIEST or found > today:
        raise Invalid(f"posted_at {found} is outside {EARLIEST} to today ({today})")
    return found


def _iso_date(raw: str) -> date:
    """Parse an ISO 8601 date, or a date-time cut to the date it was written with."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(raw).date()
    except ValueError:
        raise Invalid(f"unparseable date in posted_at: {raw!r} (expected YYYY-MM-DD)") from None


def annual_usd(low: float, high: float, period: str, code: str, year: int) -> tuple[float, Observation]:
    """Midpoint, annualised, ÷ the World Bank rate of `year` (or the nearest earlier, else latest)."""
    rate = tables.usd_rate(code, year)
    if rate is None:  # known_currencies() is exactly the currencies with a series
        raise Invalid(f"no exchange rate for {code}")
    usd = (low + high) / 2 * PERIODS[period] / rate.value
    if not MIN_ANNUAL_USD <= usd <= MAX_ANNUAL_USD:
        raise Invalid(f"absurd amount: {usd:,.0f} US$ a year "
                      f"(accepted {MIN_ANNUAL_USD:,.0f} to {MAX_ANNUAL_USD:,.0f})")
    return round(usd, 2), rate
