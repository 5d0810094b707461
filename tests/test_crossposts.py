"""Cross-posting: the same job on two boards counts once (company, title, annual range, 14 days)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select

from service.extensions import db
from service.models import Listing
from service.salaries.crossposts import company_key

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
COLUMNS = ["source", "external_id", "title", "seniority", "salary_min", "salary_max", "currency", "period",
           "country", "remote", "posted_at", "company"]


def run_import(app, *args: str):
    return app.test_cli_runner().invoke(args=["salaries", "import", *args])


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(source: str, external_id: str, **changes: str) -> dict[str, str]:
    return dict(source=source, external_id=external_id, title="Senior Data Engineer", seniority="senior",
                salary_min="120000", salary_max="150000", currency="USD", period="year", country="US",
                remote="true", posted_at="2026-03-01", company="Acme, Inc.") | changes


def test_company_names_compare_without_legal_form_or_case():
    assert company_key("Acme, Inc.") == company_key("ACME") == company_key("The Acme Corp") == "acme"


def test_the_same_job_on_a_second_board_counts_once(app):
    assert "imported: 120" in run_import(app, str(FEEDS / "native.csv")).output
    again = run_import(app, str(FEEDS / "jobposting.jsonl"))  # same employers, titles, ranges and dates
    assert again.exit_code == 0, again.output
    assert "imported: 0" in again.output and "cross-posted (already stored from another source): 120" in again.output
    other = run_import(app, str(FEEDS / "greenhouse.json"))  # the board names no employer: nothing to match
    assert "imported: 120" in other.output and "cross-posted (already stored from another source): 0" in other.output


def test_the_rule(app, tmp_path):
    first = write(tmp_path / "a.csv", [row("board-a", "1"), row("board-a", "2", title="Data Scientist")])
    assert "imported: 2" in run_import(app, str(first)).output
    second = write(tmp_path / "b.csv", [
        row("board-b", "10", company="ACME", title="Sr. Data Engineer", posted_at="2026-03-14"),  # same job
        row("board-b", "11", posted_at="2026-03-16"),  # 15 days later: a new posting
        row("board-b", "12", salary_max="160000"),  # another range
        row("board-b", "13", company="Other Co"),  # another employer
        row("board-b", "14", company=""),  # no employer: never matched
        row("board-a", "3", title="Data Scientist"),  # the same board twice: two jobs
        row("board-c", "20", salary_min="10000", salary_max="12500", period="month"),  # same annual range
    ])
    result = run_import(app, str(second))
    assert result.exit_code == 0, result.output
    assert "imported: 5" in result.output and "cross-posted (already stored from another source): 2" in result.output
    with app.app_context():
        ids = set(db.session.scalars(select(Listing.external_id)))
        assert ids == {"1", "2", "11", "12", "13", "14", "3"}
        assert db.session.scalar(select(func.count()).select_from(Listing)) == 7
