"""Job titles to (role, category, seniority), for every format: the title table, word lists, keyword rules."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from service.salaries import roles

WORDS = Path(__file__).resolve().parent / "data" / "title_words.csv"
DEFAULT_SENIORITY = "mid"  # a title with no seniority word
_TOKEN = re.compile(r"[a-z0-9&+#]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Title:
    """What a job title says: its role, the role's category, the seniority, and whether it was recognised."""

    role: str
    category: str
    seniority: str
    known: bool  # False: neither the table nor a rule knew it (category Other, the title as its role)


@cache
def _words() -> dict[str, list[tuple[str, str]]]:
    """title_words.csv by kind, in file order (first seniority match wins)."""
    found: dict[str, list[tuple[str, str]]] = {}
    with WORDS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["kind"], []).append((row["phrase"], row["value"]))
    return found


@lru_cache(maxsize=65536)  # a feed repeats its titles; the cross-posting key spells each one out again
def words(title: str) -> str:
    """A title as lower-case words, punctuation dropped and abbreviations spelled out ("Sr. SWE")."""
    expand = dict(_words()["abbreviation"])
    tokens = _TOKEN.findall(title.casefold().replace("’", "'"))
    return " ".join(expand.get(token, token) for token in tokens)


@cache
def _patterns(kind: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The phrases of one kind as whole-word patterns, compiled once."""
    return tuple((re.compile(rf"(?<![\w&+#]){re.escape(phrase)}(?![\w&+#])"), value)
                 for phrase, value in _words().get(kind, []))


def seniority(spelled: str) -> str:
    """The seniority the first listed phrase found says, else mid."""
    for pattern, _ in _patterns("not_seniority"):
        spelled = pattern.sub(" ", spelled)
    for pattern, level in _patterns("seniority"):
        if pattern.search(spelled):
            return level
    return DEFAULT_SENIORITY


def core(spelled: str) -> str:
    """The title without its seniority words (the role's own words)."""
    for pattern, _ in _patterns("strip"):
        spelled = pattern.sub(" ", spelled)
    return " ".join(spelled.split())


@cache
def _table() -> dict[str, tuple[str, str]]:
    """The title table and every role name, keyed by their spelled-out words."""
    found = {words(role): (role, category) for role, category in roles.known_roles().items()}
    found.update({words(title): known for title, known in roles.title_table().items()})
    return found


@lru_cache(maxsize=65536)  # a feed repeats its titles, and a Title is immutable
def classify(title: str) -> Title:
    """Role, category and seniority of a title; case, spacing and abbreviations do not matter.

    "Staff ML Engineer" -> Machine Learning Engineer, Machine Learning & AI, staff."""
    spelled = words(title)
    level = seniority(spelled)
    for key in (spelled, core(spelled)):
        if key in _table():
            role, category = _table()[key]
            return Title(role, category, level, True)
    category = roles.category_by_keywords(spelled)
    return Title(roles.clean_role(title), category, level, category != "Other")
