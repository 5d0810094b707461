"""Export filters: parsed from query strings or CLI options, validated, and turned into bound SQL."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.models import SubscriberStatus

LAYOUTS = ("plain", "mailchimp", "listmonk")
# Layouts bound for a mailing tool hold only people who confirmed the newsletter, unless told otherwise.
TOOL_DEFAULT_STATUS = frozenset({SubscriberStatus.SUBSCRIBED})
MAX_LIMIT = 10_000_000
TEXT_FILTERS = {"utm_source": 128, "utm_medium": 128, "utm_campaign": 128, "referrer": 256}
KNOWN = ("layout", "status", "newsletter", "since", "until", "edition", "limit", "formula_rows", *TEXT_FILTERS)
# Tool layouts carry each address exactly as written, so rows whose address a spreadsheet would run as a
# formula go to a file of their own (formula_rows=only), never changed; the main file leaves them out.
FORMULA_ROWS = ("exclude", "only")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^\d{1,9}$")


class FilterError(ValueError):
    """A filter value we refuse, with a message meant for the person who typed it."""


@dataclass(frozen=True)
class ExportQuery:
    """Everything that decides which subscribers an export holds and how it lays them out."""

    layout: str = "plain"
    status: frozenset[SubscriberStatus] | None = None
    newsletter: bool | None = None  # whether they ever opted in to the newsletter
    since: date | None = None
    until: date | None = None
    edition: int | None = None
    limit: int | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    referrer: str | None = None
    formula_rows: str | None = None  # tool layouts: "exclude" (the default) or "only"; plain: None

    def as_json(self) -> dict[str, Any]:
        """The filters as a JSON-ready dict, for the export record."""
        data = {name: getattr(self, name) for name in KNOWN}
        data["status"] = sorted(s.value for s in self.status) if self.status is not None else None
        for name in ("since", "until"):
            data[name] = data[name] and data[name].isoformat()
        return {key: value for key, value in data.items() if value is not None}


def parse(params: Mapping[str, Sequence[str]]) -> ExportQuery:
    """Validate raw parameters (each a list of strings) into an ExportQuery, or raise FilterError."""
    unknown = sorted(set(params) - set(KNOWN))
    if unknown:
        raise FilterError(f"Unknown filter {unknown[0]!r}. Known filters: {', '.join(KNOWN)}.")
    one = {name: _single(name, values) for name, values in params.items() if name != "status"}
    layout = one.get("layout") or "plain"
    if layout not in LAYOUTS:
        raise FilterError(f"Unknown layout {layout!r}. Layouts: {', '.join(LAYOUTS)}.")
    status = _statuses(params.get("status", []))
    query = ExportQuery(
        layout=layout,
        status=status if status is not None else (TOOL_DEFAULT_STATUS if layout != "plain" else None),
        newsletter=_yes_no(one.get("newsletter")),
        since=_date("since", one.get("since")),
        until=_date("until", one.get("until")),
        edition=_bounded("edition", one.get("edition"), 2000, 2100),
        limit=_bounded("limit", one.get("limit"), 1, MAX_LIMIT),
        formula_rows=_formula_rows(layout, one.get("formula_rows")),
        **{name: _text(name, one.get(name)) for name in TEXT_FILTERS},
    )
    if query.since and query.until and query.since > query.until:
        raise FilterError("'since' must not be after 'until'.")
    return query


def _formula_rows(layout: str, value: str | None) -> str | None:
    """Which rows a tool layout holds; plain holds every row, its cells made safe instead."""
    if layout == "plain":
        if value:
            raise FilterError("'formula_rows' is for the mailchimp and listmonk layouts.")
        return None
    chosen = value or "exclude"
    if chosen not in FORMULA_ROWS:
        raise FilterError(f"'formula_rows' is exclude or only, not {chosen[:40]!r}.")
    return chosen


def _single(name: str, values: Sequence[str]) -> str:
    """The one value a single-valued filter takes."""
    if len(values) != 1:
        raise FilterError(f"Give {name!r} once.")
    return values[0].strip()


def _statuses(values: Sequence[str]) -> frozenset[SubscriberStatus] | None:
    """Statuses from repeated or comma-separated values; None when none were given."""
    names = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if not names:
        return None
    known = [s.value for s in SubscriberStatus]
    for name in names:
        if name not in known:
            raise FilterError(f"Unknown status {name!r}. Statuses: {', '.join(known)}.")
    return frozenset(SubscriberStatus(name) for name in names)


def _yes_no(value: str | None) -> bool | None:
    """A yes/no filter."""
    if not value:
        return None
    if value not in ("yes", "no"):
        raise FilterError(f"'newsletter' is yes or no, not {value!r}.")
    return value == "yes"


def _date(name: str, value: str | None) -> date | None:
    """A calendar date written YYYY-MM-DD."""
    if not value:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{name!r} must be a date written YYYY-MM-DD, not {value[:40]!r}.") from None


def _bounded(name: str, value: str | None, low: int, high: int) -> int | None:
    """A whole number within [low, high]."""
    if not value:
        return None
    number = int(value) if _INT.match(value) else None
    if number is None or not low <= number <= high:
        raise FilterError(f"{name!r} must be a whole number from {low} to {high}, not {value[:40]!r}.")
    return number


def _text(name: str, value: str | None) -> str | None:
    """A free-text filter, bounded in length and free of control characters."""
    if not value:
        return None
    if len(value) > TEXT_FILTERS[name] or any(ord(ch) < 32 for ch in value):
        raise FilterError(f"{name!r} must be at most {TEXT_FILTERS[name]} printable characters.")
    return value
