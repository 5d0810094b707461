"""Countries: every ISO 3166-1 alpha-2 code plus XK, and free-text ATS locations mapped where unambiguous."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# Words that say how or where-ish, never which country: dropped before matching.
NOISE = re.compile(r"\b(?:remote|fully remote|anywhere in|anywhere|hybrid|on-?site|in-office|office|based|"
                   r"only|first|friendly|work from home|wfh|timezones?|time zones?)\b", re.IGNORECASE)
# Regions name several countries, so a location that only names one stays empty (and is counted).
REGIONS = frozenset({"emea", "europe", "eu", "european union", "apac", "asia", "latam", "latin america",
                     "americas", "north america", "south america", "africa", "middle east", "nordics",
                     "dach", "benelux", "worldwide", "global", "international", "oceania", "anywhere"})
_SPLIT = re.compile(r"\s*(?:[,;/|()\[\]]|\s[-–—]\s|\bor\b|\band\b|·)\s*", re.IGNORECASE)


def _key(text: str) -> str:
    """Compare place names without regard to case, dots or spacing."""
    return " ".join(text.replace(".", "").split()).casefold()


@cache
def names() -> dict[str, str]:
    """Code -> English short name, for every ISO 3166-1 alpha-2 code and XK (Kosovo)."""
    with (DATA / "countries.csv").open(newline="", encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


@cache
def known() -> frozenset[str]:
    """Every accepted country code: ISO 3166-1 alpha-2 plus XK, used by the EU and the World Bank."""
    return frozenset(names())


@cache
def _by_name() -> dict[str, str]:
    """Normalised name or alias -> code."""
    found: dict[str, str] = {}
    with (DATA / "countries.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
                found[_key(name)] = row["code"]
    return found


@cache
def _subdivisions() -> dict[str, str]:
    """US state and Canadian province codes and names -> country (only trusted after a comma)."""
    with (DATA / "subdivisions.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {_key(r["code"]): r["country"] for r in rows} | {_key(r["name"]): r["country"] for r in rows}


def _part_country(part: str, first: bool) -> str | None:
    """The country one comma-separated part names, "" for a region, None when it names nothing known."""
    key = _key(part)
    if not key:
        return None
    if key in REGIONS:
        return ""
    if key in _by_name():
        return _by_name()[key]
    if len(part) == 2 and part.isupper() and part in known() and first:
        return part
    if not first and key in _subdivisions():
        return _subdivisions()[key]  # "Austin, TX", "Toronto, ON"
    if len(part) == 2 and part.isupper() and part in known():
        return part
    return None


def from_location(text: str) -> str:
    """The one country a free-text location names ("Remote - US", "Berlin, Germany"), else ""."""
    cleaned = NOISE.sub(" ", text or "")
    parts = [p.strip(" -–—:") for p in _SPLIT.split(cleaned)]
    found = {_part_country(p, i == 0) for i, p in enumerate(p for p in parts if p.strip())}
    countries = {code for code in found if code}
    return countries.pop() if len(countries) == 1 else ""
