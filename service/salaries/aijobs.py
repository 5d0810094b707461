"""The ai-jobs.net layout, mapped column by column onto the native one (docs/data.md)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any, Generic, TypeVar

from service.salaries import checks, roles
from service.salaries.checks import Invalid

SOURCE = "aijobs"
COLUMNS = ("work_year", "experience_level", "employment_type", "job_title", "salary",
           "salary_currency", "salary_in_usd", "employee_residence", "remote_ratio",
           "company_location", "company_size")
EXPERIENCE = {"EN": "entry", "MI": "mid", "SE": "senior", "EX": "executive"}
# A work year becomes the middle of that year: the salary was paid across it.
MID_YEAR = (7, 1)

Row = dict[str, Any]
T = TypeVar("T")


def posted_at(work_year: Any, today: date) -> date:
    """July 1 of the work year; the import date when that is still ahead (the current year)."""
    raw = checks.text(work_year, "work_year")
    try:
        year = int(raw)
    except ValueError:
        raise Invalid(f"unparseable work_year: {raw!r}") from None
    if not checks.EARLIEST.year <= year <= today.year:
        raise Invalid(f"work_year {year} is outside {checks.EARLIEST.year} to {today.year}")
    return min(date(year, *MID_YEAR), today)


def remote(ratio: Any) -> bool:
    """Fully remote: remote_ratio 100 (more than 80 % remote); 50 (hybrid) and 0 are not."""
    raw = checks.text(ratio, "remote_ratio")
    try:
        value = int(float(raw))
    except ValueError:
        raise Invalid(f"unparseable remote_ratio: {raw!r}") from None
    if not 0 <= value <= 100:
        raise Invalid(f"remote_ratio {value} is outside 0 to 100")
    return value == 100


def seniority(level: Any) -> str:
    """EN/MI/SE/EX to entry/mid/senior/executive."""
    code = checks.text(level, "experience_level").upper()
    if code not in EXPERIENCE:
        raise Invalid(f"unknown experience_level {code!r} (expected EN, MI, SE or EX)")
    return EXPERIENCE[code]


def to_native(fields: Row, external_id: str, today: date) -> Row:
    """The same listing in the native layout's columns."""
    title = checks.text(fields.get("job_title"), "job_title")
    role, category = roles.classify(title)
    level = seniority(fields.get("experience_level"))
    salary = checks.amount(fields.get("salary"), "salary")
    if salary is None:
        raise Invalid("missing salary")
    return {
        "source": SOURCE, "external_id": external_id, "title": title, "role": role,
        "category": category, "seniority": level, "salary_min": salary, "salary_max": salary,
        "currency": fields.get("salary_currency"), "period": "year",
        # The employer's country: a listing belongs to where it was posted from.
        "country": fields.get("company_location"), "remote": remote(fields.get("remote_ratio")),
        "posted_at": posted_at(fields.get("work_year"), today),
    }


class AijobsRows(Generic[T]):
    """Maps one file's ai-jobs.net rows to listings, numbering identical rows so ids stay stable."""

    def __init__(self, native: Callable[[Row, date], T]) -> None:
        self._native = native
        self._seen: Counter[str] = Counter()

    def external_id(self, fields: Row) -> str:
        """A hash of the row's 11 fields and how many identical rows came before it, plus one."""
        canonical = "\x1f".join(" ".join(str(fields.get(c) or "").split()) for c in COLUMNS)
        self._seen[canonical] += 1
        digest = hashlib.sha256(f"{canonical}\x1f{self._seen[canonical]}".encode()).hexdigest()
        return digest[:24]

    def listing(self, fields: Row, today: date) -> T:
        """Normalise one row (the id is counted first, so a rejected row still takes its number)."""
        return self._native(to_native(fields, self.external_id(fields), today), today)
