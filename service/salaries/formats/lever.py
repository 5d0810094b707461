"""Lever postings API (https://github.com/lever/postings-api) to native fields."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from service.salaries import checks
from service.salaries.formats import documents
from service.salaries.formats.documents import Record
from service.salaries.sources import SourceError

INTERVALS = {"per-year-salary": "year", "per-month-salary": "month", "per-week-salary": "week",
             "per-day-wage": "day", "per-hour-wage": "hour"}


def rows(path: Path, source: str) -> Iterator[Record]:
    """Each posting (a JSON array, or the API's grouped form), numbered in order, as native fields."""
    postings = documents.load_json(path, "Lever postings")
    if isinstance(postings, dict) and isinstance(postings.get("data"), list):
        postings = postings["data"]
    if not isinstance(postings, list):
        raise SourceError("not a Lever postings response: expected a JSON array of postings")
    flat = [p for group in postings for p in (group.get("postings", [group]) if isinstance(group, dict) else [group])]
    for number, posting in enumerate(flat, start=1):
        yield number, to_native(posting, source) if isinstance(posting, dict) else "posting is not a JSON object"


def _posted(created: Any) -> Any:
    """createdAt is milliseconds since the epoch."""
    if isinstance(created, int | float) and not isinstance(created, bool):
        return datetime.fromtimestamp(created / 1000, UTC).date()
    return created


def _salary(posting: dict[str, Any]) -> dict[str, Any] | str:
    pay = posting.get("salaryRange")
    if isinstance(pay, dict) and (pay.get("min") is not None or pay.get("max") is not None):
        interval = str(pay.get("interval") or "per-year-salary")
        if interval not in INTERVALS:
            return f"unknown salaryRange interval {interval!r} (expected one of {', '.join(INTERVALS)})"
        return {"salary_min": pay.get("min"), "salary_max": pay.get("max"), "currency": pay.get("currency"),
                "period": INTERVALS[interval]}
    text = posting.get("salaryDescriptionPlain")
    return {"salary_text": text} if not checks.blank(text) else {}


def to_native(posting: dict[str, Any], source: str) -> dict[str, Any] | str:
    """One Lever posting as native fields (docs/data.md, *Lever*)."""
    categories = posting.get("categories") or {}
    salary = _salary(posting)
    if isinstance(salary, str):
        return salary
    location = str(categories.get("location") or "")
    return {
        "source": source, "external_id": posting.get("id"), "title": posting.get("text"),
        "company": posting.get("company") or "", "remote": str(posting.get("workplaceType")).lower() == "remote",
        "posted_at": _posted(posting.get("createdAt")), "country": posting.get("country") or "",
        "location": location,
    } | salary
