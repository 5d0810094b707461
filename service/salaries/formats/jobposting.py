"""schema.org JobPosting (https://schema.org/JobPosting): JSON, JSON lines or HTML with JSON-LD, to native."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.salaries import countries, titles
from service.salaries.formats import documents
from service.salaries.formats.documents import Record, first, name_of
from service.salaries.sources import SourceError

UNITS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}


def _postings(value: Any) -> Iterator[dict[str, Any]]:
    """Every JobPosting in a JSON-LD value: a list, an object, or an @graph."""
    if isinstance(value, list):
        for item in value:
            yield from _postings(item)
    elif isinstance(value, dict):
        kind = value.get("@type")
        if kind == "JobPosting" or (isinstance(kind, list) and "JobPosting" in kind):
            yield value
        elif "@graph" in value:
            yield from _postings(value["@graph"])


def _documents(path: Path) -> Iterator[tuple[int, Any]]:
    """(number, JSON-LD value) from an HTML page, a JSON document or JSON lines."""
    start = documents.head(path).lstrip()
    if start.startswith("<"):
        yield from documents.ld_json_blocks(path)
    elif start.startswith("[") or not documents.first_line_is_json(path):
        yield 1, documents.load_json(path, "JobPosting JSON")  # one document, perhaps pretty-printed
    else:
        yield from documents.json_lines(path)


def rows(path: Path, source: str) -> Iterator[Record]:
    """Each JobPosting, numbered in file order, as native fields."""
    found = blocks = 0
    for _, value in _documents(path):
        blocks += 1
        if isinstance(value, str):
            continue  # an unreadable block: counted, and the feed fails below if nothing else is there
        for posting in _postings(value):
            found += 1
            yield found, to_native(posting, source)
    if not found:
        raise SourceError(f"no JobPosting found in {blocks} JSON-LD block(s) or record(s)")


def _salary(posting: dict[str, Any]) -> dict[str, Any]:
    """baseSalary, else estimatedSalary: a MonetaryAmount (value, or minValue/maxValue; unitText), or text."""
    amount = posting.get("baseSalary") or posting.get("estimatedSalary")
    amount = first(amount)
    if amount is None:
        return {}
    if isinstance(amount, str | int | float):
        return {"salary_text": str(amount), "currency": posting.get("salaryCurrency")}
    value = amount.get("value")
    currency = amount.get("currency") or posting.get("salaryCurrency")
    if isinstance(value, str):
        return {"salary_text": value, "currency": currency}
    if isinstance(value, int | float):
        return {"salary_min": value, "salary_max": value, "currency": currency, "period": "year"}
    value = value if isinstance(value, dict) else amount  # a MonetaryAmountDistribution has them itself
    unit = str(value.get("unitText") or amount.get("unitText") or "YEAR").upper()
    low = value.get("minValue", value.get("value", value.get("median")))
    high = value.get("maxValue", value.get("value", value.get("median")))
    return {"salary_min": low, "salary_max": high, "currency": currency, "period": UNITS.get(unit, unit.lower())}


def _location(posting: dict[str, Any]) -> str:
    """applicantLocationRequirements, else jobLocation.address.addressCountry, as text."""
    required = posting.get("applicantLocationRequirements")
    if required:
        names = [name_of(item) for item in (required if isinstance(required, list) else [required])]
        return names[0] if len(names) == 1 else " / ".join(names)
    place = first(posting.get("jobLocation")) or {}
    address = place.get("address") if isinstance(place, dict) else None
    if isinstance(address, dict):
        return name_of(address.get("addressCountry")) or str(address.get("addressLocality") or "")
    return name_of(address)


def _remote(posting: dict[str, Any]) -> bool:
    kinds = posting.get("jobLocationType")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(str(kind).upper() == "TELECOMMUTE" for kind in kinds)


def to_native(posting: dict[str, Any], source: str) -> dict[str, Any] | str:
    """One JobPosting as native fields (docs/data.md, *JobPosting*)."""
    identifier = posting.get("identifier")
    external = (identifier.get("value") if isinstance(identifier, dict) else identifier) or posting.get("url")
    if not external:
        return "missing field: identifier (and no url)"
    title = str(posting.get("title") or posting.get("name") or "")
    location = _location(posting)
    fields = {
        "source": source, "external_id": str(external), "title": title,
        "company": name_of(posting.get("hiringOrganization")), "remote": _remote(posting),
        "posted_at": posting.get("datePosted"), "location": location,
        "country": location.upper() if location.upper() in countries.known() else "",
    } | _salary(posting)
    occupation = name_of(posting.get("occupationalCategory"))
    if occupation and title and not titles.classify(title).known:
        said = titles.classify(occupation)
        if said.known:
            fields["category"] = said.category  # the title's own words said nothing; the category does
    return fields
