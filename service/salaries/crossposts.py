"""Cross-posting: the same job seen on two boards counts once (the rule is in docs/data.md)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from sqlalchemy import select

from service.extensions import db
from service.models import Listing
from service.salaries import checks, titles
from service.salaries.normalise import ListingIn

WINDOW_DAYS = 14  # postings of the same job on two boards this close together are one job
# Legal-form words that differ between boards for the same employer ("Acme, Inc." and "ACME").
SUFFIXES = frozenset({"inc", "incorporated", "llc", "ltd", "limited", "gmbh", "ag", "sa", "sas", "sarl", "bv",
                      "nv", "plc", "corp", "corporation", "co", "company", "srl", "spa", "oy", "ab", "as",
                      "aps", "pty", "pte", "kk", "se", "the"})
BATCH = 500


def company_key(company: str) -> str:
    """A company name without case, punctuation or legal-form words."""
    words = re.findall(r"[^\W_]+", company.casefold())
    return " ".join(word for word in words if word not in SUFFIXES)


def key(listing: ListingIn) -> str | None:
    """Company, spelled-out title, currency and the annual range; None when the company is unknown."""
    company = company_key(listing.company)
    if not company:
        return None
    per_year = checks.PERIODS[listing.period]
    return (f"{company}|{titles.words(listing.title)}|{listing.currency}|"
            f"{round(listing.salary_min * per_year)}|{round(listing.salary_max * per_year)}")[:512]


def _stored(keys: set[str]) -> dict[str, list[tuple[str, date]]]:
    """(source, posted_at) of stored listings with these keys."""
    found: dict[str, list[tuple[str, date]]] = defaultdict(list)
    ordered = sorted(keys)
    for start in range(0, len(ordered), BATCH):
        query = select(Listing.crosspost_key, Listing.source, Listing.posted_at).where(
            Listing.crosspost_key.in_(ordered[start:start + BATCH]))
        for row in db.session.execute(query):
            found[row.crosspost_key].append((row.source, row.posted_at))
    return found


def drop(new: list[ListingIn]) -> tuple[list[ListingIn], int]:
    """New listings minus those another source already has (stored, or earlier in this import)."""
    keys = {listing: key(listing) for listing in new}
    seen = _stored({k for k in keys.values() if k})
    kept, dropped = [], 0
    for listing in new:
        k = keys[listing]
        if k and any(source != listing.source and abs((posted - listing.posted_at).days) <= WINDOW_DAYS
                     for source, posted in seen[k]):
            dropped += 1
            continue
        if k:
            seen[k].append((listing.source, listing.posted_at))
        kept.append(listing)
    return kept, dropped
