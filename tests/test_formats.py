"""Feed formats: the same listings in every format give the same guide figures; guessing the format."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, select

from service.extensions import db
from service.guide import context
from service.models import DataSnapshot, Listing

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
FORMATS = ["jobposting.html", "jobposting.jsonl", "greenhouse.json", "lever.json", "ashby.json",
           "native_salary_text.csv"]


def run_import(app, *args: str):
    return app.test_cli_runner().invoke(args=["salaries", "import", *args])


def figures(app) -> dict:
    with app.app_context():
        guide = context.build(2026)
        return {key: guide[key] for key in ("categories", "bands", "window", "threshold")} | {
            "listings": guide["snapshot"]["listing_count"]}


def forget_listings(app) -> None:
    with app.app_context():
        db.session.execute(delete(Listing))
        db.session.execute(delete(DataSnapshot))
        db.session.commit()


@pytest.mark.parametrize("name", FORMATS)
def test_the_same_listings_in_each_format_give_the_same_bands(app, name):
    result = run_import(app, str(FEEDS / "native.csv"))
    assert result.exit_code == 0 and "imported: 120" in result.output, result.output
    native = figures(app)
    assert native["listings"] == 120 and native["bands"]
    forget_listings(app)
    result = run_import(app, str(FEEDS / name))  # the format is guessed
    assert result.exit_code == 0, result.output
    assert "rows read: 120, imported: 120, updated: 0, unchanged: 0, rejected: 0" in result.output
    assert figures(app) == native


@pytest.mark.parametrize(("name", "fmt", "source"), [
    ("jobposting.html", "jobposting", "jobposting"), ("greenhouse.json", "greenhouse", "greenhouse"),
    ("lever.json", "lever", "lever"), ("ashby.json", "ashby", "ashby"),
])
def test_a_named_format_and_source(app, name, fmt, source):
    result = run_import(app, str(FEEDS / name), "--format", fmt, "--source", f"{source}:example")
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = db.session.scalars(select(Listing).order_by(Listing.id)).all()
        assert {row.source for row in stored} == {f"{source}:example"}
        assert sum(row.remote for row in stored) > 0 and sum(not row.remote for row in stored) > 0
        assert all(row.country for row in stored)


def test_reimporting_a_feed_changes_nothing(app):
    first = run_import(app, str(FEEDS / "greenhouse.json"))
    again = run_import(app, str(FEEDS / "greenhouse.json"))
    assert "imported: 120" in first.output
    assert "imported: 0, updated: 0, unchanged: 120" in again.output and "(unchanged)" in again.output


def test_a_pretty_printed_job_posting_and_json_ld_graphs(app, tmp_path):
    page = tmp_path / "one.json"
    page.write_text("""{
      "@context": "https://schema.org", "@type": "JobPosting", "title": "Sr. SWE",
      "identifier": "gh-1", "datePosted": "2026-02-01", "jobLocationType": "TELECOMMUTE",
      "applicantLocationRequirements": [{"@type": "Country", "name": "Germany"}],
      "hiringOrganization": "Acme", "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR",
        "value": "€70k–€90k per year"}
    }""")
    result = run_import(app, str(page))
    assert result.exit_code == 0 and "imported: 1" in result.output, result.output
    html = tmp_path / "page.html"
    html.write_text('<html><script type="application/ld+json">{"@graph": [{"@type": "Organization"}, '
                    '{"@type": ["JobPosting"], "title": "Data Engineer", "url": "https://x.example/2", '
                    '"datePosted": "2026-02-02", "jobLocation": {"address": {"addressCountry": "NL"}}, '
                    '"estimatedSalary": [{"@type": "MonetaryAmountDistribution", "currency": "EUR", '
                    '"duration": "P1Y", "median": 80000, "unitText": "YEAR"}]}]}</script></html>')
    result = run_import(app, str(html), "--source", "board")
    assert result.exit_code == 0 and "imported: 1" in result.output, result.output
    with app.app_context():
        one, two = db.session.scalars(select(Listing).order_by(Listing.id)).all()
        assert (one.role, one.seniority, one.country, one.remote) == ("Software Engineer", "senior", "DE", True)
        assert (one.salary_min, one.salary_max, one.currency, one.company) == (70000, 90000, "EUR", "Acme")
        assert (two.external_id, two.country, two.remote, two.salary_min) == ("https://x.example/2", "NL", False, 80000)
