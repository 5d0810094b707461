"""What a reader is told once the guide is theirs: their headline result, the newsletter still to confirm,
and where to find remote jobs for their role on the site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import current_app

from service.guide import context, editions
from service.guide import personal as personal_page
from service.models import GuideRequest
from service.salaries import regions

# Links from the thank-you page and the emails say where the visit came from, as the PDF's do.
UTM = {"utm_source": "salary-guide", "utm_medium": "thank-you"}


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def phrase(personal: dict[str, Any], page: int | None) -> str:
    """"61st percentile for Senior Machine Learning Engineer in Europe — page 2", from the personal page's data."""
    who = f"{personal['seniority'].title()} {personal['role']}"
    place = personal["comparison"]["region"] or personal["region"] or regions.ALL
    where = "all regions" if place == regions.ALL else place
    found = personal["percentile_estimate"]
    text = (f"{_ordinal(found)} percentile for {who} in {where}" if found is not None
            else f"Too few listings for a percentile for {who}; your personal page has what there is")
    return f"{text} — page {page}" if page else text


def headline(guide: GuideRequest) -> str | None:
    """The reader's headline result, worked out once from the data the PDF was rendered from and kept on the
    request; None for a guide without personal inputs or before there is data."""
    if not guide.personal:
        return None
    if guide.headline is None:
        snapshot = context.current_snapshot()
        if snapshot is None:
            return None
        months, threshold = int(current_app.config["WINDOW_MONTHS"]), int(current_app.config["BAND_THRESHOLD"])
        figures = context.statistics(snapshot, context.data_date(snapshot), months, threshold)
        personal = personal_page.build(guide.personal, figures, guide.edition_year, threshold)
        edition = editions.edition_of(guide.edition_year)
        guide.headline = phrase(personal, edition.personal_page if edition else None)[:200]
    return guide.headline


def jobs_url(guide: GuideRequest) -> str:
    """Remote jobs on the site (SALARYGUIDE_JOBS_URL), for the reader's role when they gave one."""
    base = current_app.config["JOBS_URL"] or current_app.config["BRAND_URL"].rstrip("/") + "/remote-jobs"
    query = {**({"q": guide.personal["role"]} if guide.personal else {}), **UTM}
    return f"{base}{'&' if '?' in base else '?'}{urlencode(query)}"


def for_request(guide: GuideRequest) -> dict[str, Any]:
    """Everything the thank-you page shows after the download, as plain data (also in the status JSON)."""
    # Only what this visit's form said: the address's own newsletter state would tell a visitor whether it
    # is known (docs/design.md, no enumeration).
    return {"headline": guide.headline, "confirm_newsletter": guide.newsletter,
            "jobs_url": jobs_url(guide), "role": guide.personal["role"] if guide.personal else None}
