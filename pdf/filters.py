"""Jinja filters that format the guide's numbers; they never compute figures."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from babel.numbers import format_currency, get_currency_symbol

# A missing value prints as an em dash so a gap is visible, never a zero.
MISSING = "—"

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def number(value: float | None, digits: int = 0) -> str:
    """Format `value` with thousands separators: 1234.5 -> "1,235"."""
    if value is None:
        return MISSING
    return f"{value:,.{digits}f}"


def money(value: float | None, currency: str = "USD") -> str:
    """Format an amount in full: "$1,234", "€90,000", "JPY 19,000,000"."""
    if value is None:
        return MISSING
    symbol = _SYMBOLS.get(currency)
    sign = "−" if value < 0 else ""
    if symbol:
        return f"{sign}{symbol}{abs(value):,.0f}"
    return f"{sign}{currency} {abs(value):,.0f}"


def money_k(value: float | None, currency: str = "USD") -> str:
    """Format an amount in thousands: 196,900 -> "$197k", 1,250,000 -> "$1.25M"."""
    if value is None:
        return MISSING
    symbol = _SYMBOLS.get(currency, f"{currency} ")
    if abs(value) >= 999_500:
        return f"{symbol}{value / 1_000_000:,.3g}M"
    return f"{symbol}{value / 1000:,.0f}k"


def significant(value: float, digits: int = 3) -> float:
    """`value` rounded to `digits` significant figures: 3,624,732,874 -> 3,620,000,000."""
    if value == 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def money_local(value: float | None, currency: str) -> str:
    """A local amount for reading: 3 significant figures with the currency's own symbol (Babel, English):
    "₫3,620,000,000", "€89,600", "JP¥19,000,000"; US$ as "$141k"."""
    if value is None:
        return MISSING
    if currency == "USD":
        return money_k(value)
    # A symbol made of letters ("CHF", "AED") gets a no-break space before the figure; "€", "₹" do not.
    pattern = "¤\u00a0#,##0" if get_currency_symbol(currency, "en")[-1:].isalpha() else "¤#,##0"
    return str(format_currency(significant(value), currency, format=pattern, locale="en", currency_digits=False))


def signed_percent(value: float | None) -> str:
    """A change as a signed percentage: 0.052 -> "+5%", -0.1 -> "−10%", under half a per cent -> "±0%"."""
    if value is None:
        return MISSING
    if round(value * 100) == 0:
        return "±0%"
    return f"{'+' if value > 0 else '−'}{abs(value) * 100:,.0f}%"


def month_year(value: str | date | None) -> str:
    """An ISO date as "July 2024"."""
    return MISSING if value is None else f"{_as_date(value):%B %Y}"


def money_range(low: float | None, high: float | None) -> str:
    """Format a p25–p75 range: "$197k–$288k"."""
    return f"{money_k(low)}–{money_k(high)}"


def percent(value: float | None, digits: int = 0) -> str:
    """Format a fraction as a percentage: 0.563 -> "56%"."""
    if value is None:
        return MISSING
    return f"{value * 100:,.{digits}f}%"


def ordinal(value: int | None) -> str:
    """Format a percentile rank: 62 -> "62nd", 11 -> "11th"."""
    if value is None:
        return MISSING
    value = int(value)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def long_date(value: str | date | None) -> str:
    """Format an ISO date or timestamp as "28 November 2026"."""
    if value is None:
        return MISSING
    value = _as_date(value)
    return f"{value.day} {value:%B %Y}"


def _as_date(value: str | date) -> date:
    """An ISO date or timestamp (a trailing Z allowed) as a date or datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value


def iso_date(value: str) -> str:
    """Keep the date part of an ISO timestamp: "2026-11-28T03:00:00Z" -> "2026-11-28"."""
    return value[:10]


def title_word(value: str) -> str:
    """Capitalise a seniority code for display: "senior" -> "Senior"."""
    return value[:1].upper() + value[1:]


FILTERS: dict[str, Any] = {
    "number": number,
    "money": money,
    "money_k": money_k,
    "money_range": money_range,
    "money_local": money_local,
    "signed_percent": signed_percent,
    "month_year": month_year,
    "percent": percent,
    "ordinal": ordinal,
    "long_date": long_date,
    "iso_date": iso_date,
    "title_word": title_word,
}
