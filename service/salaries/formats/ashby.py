"""Ashby job board API (https://developers.ashbyhq.com/docs/public-job-posting-api) to native fields."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.salaries import checks
from service.salaries.formats import documents
from service.salaries.formats.documents import Record, name_of

INTERVALS = {"1 YEAR": "year", "1 MONTH": "month", "1 WEEK": "week", "1 DAY": "day", "1 HOUR": "hour"}


def rows(path: Path, source: str) -> Iterator[Record]:
    """Each listed job of the board, numbered in order, as native fields."""
    for number, job in documents.board_jobs(path, "Ashby"):
        yield number, to_native(job, source) if isinstance(job, dict) else "job is not a JSON object"


def _salary_component(compensation: dict[str, Any]) -> dict[str, Any] | None:
    """The first tier's Salary component, else the first Salary among summaryComponents."""
    tiers = compensation.get("compensationTiers") or []
    components = [c for tier in tiers[:1] if isinstance(tier, dict) for c in tier.get("components") or []]
    components += compensation.get("summaryComponents") or []
    return next((c for c in components if isinstance(c, dict) and c.get("compensationType") == "Salary"), None)


def _salary(job: dict[str, Any]) -> dict[str, Any] | str:
    compensation = job.get("compensation") or {}
    component = _salary_component(compensation)
    if component:
        interval = str(component.get("interval") or "1 YEAR").upper()
        if interval not in INTERVALS:
            return f"unknown compensation interval {interval!r} (expected one of {', '.join(INTERVALS)})"
        return {"salary_min": component.get("minValue"), "salary_max": component.get("maxValue"),
                "currency": component.get("currencyCode"), "period": INTERVALS[interval]}
    text = compensation.get("scrapeableCompensationSalarySummary") or compensation.get("compensationTierSummary")
    return {"salary_text": text} if not checks.blank(text) else {}


def _location(job: dict[str, Any]) -> str:
    address = (job.get("address") or {}).get("postalAddress") or {}
    return name_of(address.get("addressCountry")) or str(job.get("location") or "")


def to_native(job: dict[str, Any], source: str) -> dict[str, Any] | str:
    """One Ashby job as native fields (docs/data.md, *Ashby*)."""
    if job.get("isListed") is False:
        return "not listed (isListed false)"
    salary = _salary(job)
    if isinstance(salary, str):
        return salary
    remote = job.get("isRemote") is True or str(job.get("workplaceType") or "").lower() == "remote"
    return {
        "source": source, "external_id": job.get("id"), "title": job.get("title"),
        "company": job.get("organizationName") or "", "remote": remote,
        "posted_at": job.get("publishedAt"), "location": _location(job),
    } | salary
