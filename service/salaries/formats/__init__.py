"""Feed formats beside the native and ai-jobs.net layouts: each maps a board's records to native fields.

A format module has `rows(path, source) -> Iterator[(number, native fields | reason)]`; the native
normaliser then checks every field, so all formats share one set of rules and rejections."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from service.salaries.formats import ashby, documents, greenhouse, jobposting, lever
from service.salaries.formats.documents import Record

FORMATS: dict[str, Callable[[Path, str], Iterator[Record]]] = {
    "jobposting": jobposting.rows, "greenhouse": greenhouse.rows, "lever": lever.rows, "ashby": ashby.rows,
}
# Keys that only one format's records carry, checked in this order against the file's start.
MARKERS = (
    ("greenhouse", ('"pay_input_ranges"', '"absolute_url"', '"first_published"')),
    ("ashby", ('"jobUrl"', '"compensationTiers"', '"isListed"', '"apiVersion"')),
    ("lever", ('"hostedUrl"', '"salaryRange"', '"workplaceType"')),
)


def guess(path: Path) -> str | None:
    """The feed format a file's start shows, or None (then the CSV/JSON-lines header decides)."""
    head = documents.head(path)
    start = head.lstrip()
    if start.startswith("<"):
        return "jobposting"  # an HTML page: its JSON-LD blocks
    if "JobPosting" in head and '"@type"' in head:
        return "jobposting"
    for name, keys in MARKERS:
        if any(key in head for key in keys):
            return name
    return None


def rows(fmt: str, path: Path, source: str) -> Iterator[Record]:
    """The file's records in the named format, numbered, as native fields or reasons."""
    return FORMATS[fmt](path, source or fmt)
