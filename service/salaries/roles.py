"""Job titles to (role, category): the documented table for ai-jobs.net titles, keyword rules for others."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

TITLES = Path(__file__).resolve().parent / "data" / "aijobs_titles.csv"

CATEGORIES: tuple[str, ...] = (
    "Data Science",
    "Machine Learning & AI",
    "Data Engineering",
    "Data Analytics",
    "Data Management & Governance",
    "Software Engineering",
    "Research",
    "Leadership & Management",
    "Product & Design",
    "Other",
)

# Checked in order, so a "Machine Learning Research Manager" is management and a
# "Research Engineer" is research before anything else matches.
RULES: tuple[tuple[str, str], ...] = (
    (r"head of|director|chief|vp|vice president|manager|team lead|tech lead|technical lead",
     "Leadership & Management"),
    (r"research\w*|postdoc\w*", "Research"),
    (r"machine learning|ml\w*|ai|deep learning|nlp|computer vision|llm|robotics?|"
     r"artificial intelligence|prompt", "Machine Learning & AI"),
    (r"data scien\w+|statistic\w*|decision scien\w+|quant\w*", "Data Science"),
    (r"data engineer\w*|etl|data architect\w*|pipelines?|databases?|big data|dataops|"
     r"analytics engineer", "Data Engineering"),
    (r"analyst|analytics|business intelligence|bi|power bi|tableau|visuali[sz]ation|reporting",
     "Data Analytics"),
    (r"governance|data quality|data management|master data|data steward", "Data Management & Governance"),
    (r"product|designer|ux|ui", "Product & Design"),
    (r"software|developer|backend|frontend|full ?stack|devops|cloud|platform|security|sre|"
     r"site reliability|qa|architect|programmer", "Software Engineering"),
)
_COMPILED = tuple((re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), cat) for pattern, cat in RULES)
# Seniority lives in its own field, so it is not part of a role's name.
_SENIORITY_WORDS = re.compile(r"\b(?:senior|sr\.?|junior|jr\.?|principal|staff|lead|i{1,3}|iv)\b", re.I)


def _key(title: str) -> str:
    """Compare titles without regard to case or spacing."""
    return " ".join(title.split()).casefold()


@cache
def title_table() -> dict[str, tuple[str, str]]:
    """The shipped table: normalised job title -> (role, category)."""
    with TITLES.open(newline="", encoding="utf-8") as handle:
        return {_key(r["job_title"]): (r["role"], r["category"]) for r in csv.DictReader(handle)}


def category_by_keywords(title: str) -> str:
    """The first rule whose words appear in the title, else Other."""
    return next((cat for pattern, cat in _COMPILED if pattern.search(title)), "Other")


def clean_role(title: str) -> str:
    """A role name from a free-text title: seniority words dropped, spacing tidied."""
    return " ".join(_SENIORITY_WORDS.sub(" ", title).split()) or " ".join(title.split())


def classify(title: str) -> tuple[str, str]:
    """The (role, category) of a job title: the table if it lists the title, else the rules."""
    known = title_table().get(_key(title))
    return known if known else (clean_role(title), category_by_keywords(title))


@cache
def known_roles() -> dict[str, str]:
    """Every role of the table with its category, sorted by role (for the signup form)."""
    return dict(sorted({role: cat for role, cat in title_table().values()}.items()))


def category_of(role: str) -> str | None:
    """The category of a known role, matched without regard to case."""
    wanted = _key(role)
    return next((cat for name, cat in known_roles().items() if _key(name) == wanted), None)
