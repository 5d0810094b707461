"""The personal page: where the reader's salary sits in their band, and what it buys in each city."""

from __future__ import annotations

from typing import Any

from service.reference import ppp, tables
from service.salaries import roles, stats


class PersonalInputError(ValueError):
    """Personal inputs the guide cannot use (unknown currency or city)."""


def band_for(role: str, seniority: str, category: str, bands: list[dict[str, Any]],
             categories: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The reader's band: their role × seniority if listed, else their category's benchmark."""
    for band in bands:
        if band["role"] == role and band["seniority"] == seniority:
            return band
    for summary in categories:
        if summary["category"] == category:
            return {"category": category, "role": role, "seniority": seniority, "n": 0,
                    "p25": summary["p25"], "p50": summary["p50"], "p75": summary["p75"], "own_band": False}
    return None


def build(inputs: dict[str, Any], bands: list[dict[str, Any]], categories: list[dict[str, Any]],
          year: int) -> dict[str, Any]:
    """The context's `personal` block from the reader's role, seniority, salary, currency and city."""
    rate = tables.usd_rate(inputs["currency"], year)
    if rate is None:
        raise PersonalInputError(f"no exchange rate for {inputs['currency']}")
    home = next((c for c in tables.cities() if c.city_id == inputs["city"]), None)
    if home is None:
        raise PersonalInputError(f"unknown city {inputs['city']!r}")
    salary_usd = float(inputs["salary"]) / rate.value
    category = roles.category_of(inputs["role"]) or "Other"
    band = band_for(inputs["role"], inputs["seniority"], category, bands, categories)
    return {
        "role": inputs["role"], "seniority": inputs["seniority"], "category": category,
        "salary": float(inputs["salary"]), "currency": inputs["currency"], "salary_usd": salary_usd,
        "exchange_rate": rate.value, "exchange_rate_year": rate.year,
        "home_city_id": home.city_id, "home_city": home.city,
        "band": band,
        "position": stats.position(salary_usd, band) if band else None,
        "percentile_estimate": stats.percentile_estimate(salary_usd, band) if band else None,
        "cities": ppp.personal_cities(salary_usd, home.city_id, year),
    }
