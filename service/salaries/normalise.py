"""One raw salary row (native or ai-jobs.net layout) to a normalised listing, or the reason it is refused."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.salaries import aijobs, checks, roles
from service.salaries.checks import Invalid


@dataclass(frozen=True, slots=True)
class ListingIn:
    """A listing ready to store: salary normalised to annual US$ (docs/data.md)."""

    source: str
    external_id: str
    title: str
    role: str
    category: str
    seniority: str
    salary_annual_usd: float
    salary_min: float  # as advertised: in `currency`, per `period`
    salary_max: float
    currency: str
    period: str
    country: str  # ISO 3166-1 alpha-2, "" when not given
    remote: bool
    posted_at: date
    fx_rate: float  # units of `currency` per US$ used for the conversion
    fx_year: int  # the World Bank year that rate is from


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row that was not imported: its row number and why."""

    row_number: int
    reason: str


Row = dict[str, Any]
NATIVE_FIELDS = ("source", "external_id", "title", "role", "category", "seniority", "salary_min",
                 "salary_max", "currency", "period", "country", "remote", "posted_at")


def native(fields: Row, today: date) -> ListingIn:
    """A row of the native layout (docs/data.md); checks run in column order, first failure wins."""
    source = checks.text(fields.get("source"), "source")
    external_id = checks.text(fields.get("external_id"), "external_id")
    title = checks.text(fields.get("title"), "title")
    role, category = _role_and_category(fields, title)
    seniority = checks.choice(fields.get("seniority"), "seniority", checks.SENIORITIES)
    low, high = checks.salary_range(fields.get("salary_min"), fields.get("salary_max"))
    currency = checks.currency(fields.get("currency"))
    period = checks.choice(fields.get("period"), "period", tuple(checks.PERIODS))
    country = checks.country(fields.get("country"))
    remote = checks.boolean(fields.get("remote"), "remote")
    posted_at = checks.posted_date(fields.get("posted_at"), today)
    usd, rate = checks.annual_usd(low, high, period, currency, posted_at.year)
    return ListingIn(source, external_id, title, role, category, seniority, usd, low, high,
                     currency, period, country, remote, posted_at, rate.value, rate.year)


def _role_and_category(fields: Row, title: str) -> tuple[str, str]:
    """The row's own role and category, each falling back to what the title says."""
    guessed_role, guessed_category = roles.classify(title)
    role = checks.text(fields.get("role"), "role", required=False) or guessed_role
    category = checks.text(fields.get("category"), "category", required=False)
    if not category:
        return role, roles.category_of(role) or guessed_category
    if category not in roles.CATEGORIES:
        raise Invalid(f"unknown category {category!r} (expected one of {', '.join(roles.CATEGORIES)})")
    return role, category


class Normaliser:
    """Turns the rows of one file into listings or rejections; holds the file's per-row state."""

    def __init__(self, layout: str = "native", today: date | None = None) -> None:
        self.today = today or date.today()
        self._parse: Callable[[Row, date], ListingIn]
        if layout == "native":
            self._parse = native
        elif layout == "aijobs":
            self._parse = aijobs.AijobsRows(native).listing  # keeps the duplicate counts
        else:
            raise ValueError(f"unknown layout {layout!r} (expected native or aijobs)")

    def __call__(self, row_number: int, fields: Row | str) -> ListingIn | Rejection:
        """Normalise one row; a problem (or the reader's own, as a string) becomes a Rejection."""
        if isinstance(fields, str):
            return Rejection(row_number, fields)
        try:
            return self._parse(fields, self.today)
        except Invalid as problem:
            return Rejection(row_number, str(problem))


def normalise_rows(records: Iterable[tuple[int, Row | str]], layout: str = "native",
                   today: date | None = None) -> Iterator[ListingIn | Rejection]:
    """Normalise (row number, fields) pairs in file order, e.g. from sources.read_rows()."""
    normalise = Normaliser(layout, today)
    for row_number, fields in records:
        yield normalise(row_number, fields)


def detect_layout(columns: Iterable[str]) -> str | None:
    """Guess the layout from a header: ai-jobs.net's column names, or the native ones."""
    present = set(columns)
    if {"work_year", "job_title", "salary_currency"} <= present:
        return "aijobs"
    return "native" if {"source", "external_id", "posted_at"} <= present else None

