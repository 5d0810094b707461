"""One raw salary row (native, ai-jobs.net or a feed format) to a normalised listing, or why it is refused."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.reference import tables
from service.salaries import aijobs, checks, countries, paytext, roles, titles
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
    company: str = ""  # the employer as the feed names it, "" when not given (cross-posting needs it)
    title_known: bool = True  # False: the classifier knew neither the title nor its words (category Other)
    unmapped_location: str = ""  # a free-text location that named no single country


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row that was not imported: its row number and why."""

    row_number: int
    reason: str


Row = dict[str, Any]
NATIVE_FIELDS = ("source", "external_id", "title", "role", "category", "seniority", "salary_min",
                 "salary_max", "currency", "period", "country", "remote", "posted_at")
OPTIONAL_FIELDS = ("salary_text", "company", "location")  # optional native columns (docs/data.md)
NATIVE_PERIODS = ("year", "month", "hour")  # the native `period` column; pay text may also say week or day


def native(fields: Row, today: date) -> ListingIn:
    """A row of the native layout (docs/data.md); checks run in column order, first failure wins."""
    source = checks.text(fields.get("source"), "source")
    external_id = checks.text(fields.get("external_id"), "external_id")
    title = checks.text(fields.get("title"), "title")
    said = titles.classify(title)
    role, category = _role_and_category(fields, said)
    seniority = (checks.choice(fields.get("seniority"), "seniority", checks.SENIORITIES)
                 if not checks.blank(fields.get("seniority")) else said.seniority)
    low, high, currency, period = _salary(fields)
    country, unmapped = _country(fields)
    remote = checks.boolean(fields.get("remote"), "remote")
    posted_at = checks.posted_date(fields.get("posted_at"), today)
    usd, rate = checks.annual_usd(low, high, period, currency, posted_at.year)
    company = checks.text(fields.get("company"), "company", required=False)
    known = said.known or not checks.blank(fields.get("category"))
    return ListingIn(source, external_id, title, role, category, seniority, usd, low, high,
                     currency, period, country, remote, posted_at, rate.value, rate.year,
                     company, known, unmapped)


def _salary(fields: Row) -> tuple[float, float, str, str]:
    """(min, max, currency, period): from salary_min/max, or from salary_text when both are empty."""
    text = fields.get("salary_text")
    if checks.blank(fields.get("salary_min")) and checks.blank(fields.get("salary_max")) and not checks.blank(text):
        given = checks.text(fields.get("currency"), "currency", required=False).upper() or None
        pay = paytext.parse(checks.text(text, "salary_text"), given, tables.known_currencies())
        return pay.low, pay.high, checks.currency(pay.currency), pay.period
    low, high = checks.salary_range(fields.get("salary_min"), fields.get("salary_max"))
    currency = checks.currency(fields.get("currency"))
    period = checks.choice(fields.get("period"), "period", NATIVE_PERIODS)
    return low, high, currency, period


def _country(fields: Row) -> tuple[str, str]:
    """The country code, else the one a free-text `location` names; and that text when it named none."""
    code = checks.country(fields.get("country"))
    location = checks.text(fields.get("location"), "location", required=False)
    if code or not location:
        return code, ""
    found = countries.from_location(location)
    return found, "" if found else location


def _role_and_category(fields: Row, said: titles.Title) -> tuple[str, str]:
    """The row's own role and category, each falling back to what the title says."""
    role = checks.text(fields.get("role"), "role", required=False) or said.role
    category = checks.text(fields.get("category"), "category", required=False)
    if not category:
        return role, roles.category_of(role) or said.category
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

