"""Greenhouse Job Board API `jobs[]` (https://developers.greenhouse.io/job-board.html) to native fields."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.salaries import checks, paytext
from service.salaries.formats import documents
from service.salaries.formats.documents import Record

REMOTE = re.compile(r"\b(?:remote|anywhere|work from home|distributed|telecommute)\b", re.IGNORECASE)
CENTS = 100


def rows(path: Path, source: str) -> Iterator[Record]:
    """Each job of the board, numbered in order, as native fields."""
    for number, job in documents.board_jobs(path, "Greenhouse"):
        yield number, to_native(job, source) if isinstance(job, dict) else "job is not a JSON object"


def _remote(job: dict[str, Any], location: str) -> bool:
    """Remote from the location text, or from a board metadata field naming remote work."""
    if REMOTE.search(location):
        return True
    for item in job.get("metadata") or []:
        if isinstance(item, dict) and REMOTE.search(str(item.get("name") or "") + " " + str(item.get("value"))):
            value = str(item.get("value")).casefold()
            if value in ("true", "yes", "remote", "fully remote") or REMOTE.search(value):
                return True
    return False


def _pay(job: dict[str, Any]) -> dict[str, Any] | str:
    """The first pay_input_range, cents to currency units; a range under 1,000 a year is absurd."""
    ranges = job.get("pay_input_ranges") or []
    if not ranges or not isinstance(ranges[0], dict):
        return {}
    pay = ranges[0]
    low, high = checks.amount(pay.get("min_cents"), "min_cents"), checks.amount(pay.get("max_cents"), "max_cents")
    if low is None and high is None:
        return {}
    words = f"{pay.get('title') or ''} {pay.get('blurb') or ''}"
    period = paytext.period_in(words)
    lo, hi = (low or high) / CENTS, (high or low) / CENTS  # type: ignore[operator]
    if checks.PERIODS[period] * hi < checks.MIN_ANNUAL_USD:
        return (f"absurd amount: pay_input_ranges give {hi:,.2f} {pay.get('currency_type')} a {period} "
                f"at most, under {checks.MIN_ANNUAL_USD:,.0f} a year (Greenhouse amounts are in cents: "
                f"were dollars written as cents?)")
    return {"salary_min": lo, "salary_max": hi, "currency": pay.get("currency_type"), "period": period}


def to_native(job: dict[str, Any], source: str) -> dict[str, Any] | str:
    """One Greenhouse job as native fields (docs/data.md, *Greenhouse*)."""
    location = str((job.get("location") or {}).get("name") or "")
    offices = [str(o.get("location") or o.get("name") or "") for o in job.get("offices") or [] if isinstance(o, dict)]
    pay = _pay(job)
    if isinstance(pay, str):
        return pay
    return {
        "source": source, "external_id": job.get("id"), "title": job.get("title"),
        "company": job.get("company_name") or "", "remote": _remote(job, location),
        "posted_at": job.get("first_published") or job.get("updated_at"),
        "location": location if location and not REMOTE.fullmatch(location.strip()) else "; ".join(offices),
    } | pay
