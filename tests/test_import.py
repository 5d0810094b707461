"""`flask salaries import` against the database: counts, dedupe, snapshots, one transaction."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import func, select

from service.extensions import db
from service.models import DataSnapshot, Listing

NATIVE = ["source", "external_id", "title", "role", "category", "seniority", "salary_min", "salary_max",
          "currency", "period", "country", "remote", "posted_at"]


def listing(external_id: str, **changes: str) -> dict[str, str]:
    row = dict(source="feed", external_id=external_id, title="Senior Data Engineer", role="Data Engineer",
               category="Data Engineering", seniority="senior", salary_min="100000", salary_max="140000",
               currency="USD", period="year", country="US", remote="true", posted_at="2026-03-01")
    return row | changes


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, NATIVE)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(app, *args: str):
    return app.test_cli_runner().invoke(args=["salaries", "import", *args])


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_import_reports_and_stores_normalised_listings(app, tmp_path):
    rows = [listing("1"), listing("2", salary_min="5000", salary_max="7000", period="month", currency="EUR"),
            listing("3", salary_min="", salary_max=""), listing("4", currency="XYZ")]
    result = run_import(app, str(write(tmp_path / "feed.csv", rows)))
    assert result.exit_code == 0, result.output
    assert "rows read: 4, imported: 2, updated: 0, unchanged: 0, rejected: 2" in result.output
    assert "row 4: " in result.output and "row 5: " in result.output  # line numbers, header is line 1
    assert "currency" in result.output.split("row 5: ")[1]
    with app.app_context():
        stored = {row.external_id: row for row in db.session.scalars(select(Listing))}
        assert stored["1"].salary_annual_usd == 120000
        assert stored["2"].salary_annual_usd > 6000 * 12  # EUR is worth more than a dollar
        snapshot = db.session.scalars(select(DataSnapshot)).one()
        assert snapshot.listing_count == 2 and snapshot.content_hash.startswith("sha256:")
        assert {row.snapshot_id for row in stored.values()} == {snapshot.id}


def test_reimporting_the_same_file_changes_nothing(app, tmp_path):
    path = write(tmp_path / "feed.csv", [listing("1"), listing("2")])
    run_import(app, str(path))
    again = run_import(app, str(path))
    assert "imported: 0, updated: 0, unchanged: 2" in again.output
    assert "(unchanged)" in again.output
    assert count(app, DataSnapshot) == 1 and count(app, Listing) == 2


def test_a_changed_listing_is_updated_under_a_new_snapshot(app, tmp_path):
    run_import(app, str(write(tmp_path / "a.csv", [listing("1"), listing("2")])))
    result = run_import(app, str(write(tmp_path / "b.csv", [listing("1", salary_max="160000"), listing("3")])))
    assert "imported: 1, updated: 1, unchanged: 0" in result.output
    with app.app_context():
        snapshots = db.session.scalars(select(DataSnapshot).order_by(DataSnapshot.id)).all()
        assert len(snapshots) == 2 and snapshots[0].content_hash != snapshots[1].content_hash
        assert snapshots[1].listing_count == 3
        first = db.session.scalars(select(Listing).where(Listing.external_id == "1")).one()
        assert first.salary_annual_usd == 130000 and first.snapshot_id == snapshots[1].id


def test_json_lines_import(app, tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(listing(str(i)) | {"remote": True}) for i in range(3)) + "\n")
    result = run_import(app, str(path), "--format", "native")
    assert "imported: 3" in result.output, result.output


def test_a_failed_import_changes_nothing(app, tmp_path):
    run_import(app, str(write(tmp_path / "a.csv", [listing("1")])))
    broken = tmp_path / "broken.csv"
    good = write(tmp_path / "b.csv", [listing(str(i)) for i in range(2, 50)]).read_bytes()
    broken.write_bytes(good + b"feed,99,\xff\xfe bad bytes,,,,,,,,,,\n")  # not UTF-8: the reader fails mid-file
    result = run_import(app, str(broken))
    assert result.exit_code != 0
    assert "nothing was changed" in result.output
    assert count(app, Listing) == 1 and count(app, DataSnapshot) == 1


def test_unreadable_path_is_a_clear_error(app, tmp_path):
    result = run_import(app, str(tmp_path / "missing.csv"))
    assert result.exit_code != 0 and "import failed" in result.output


def test_if_empty_skips_when_listings_are_stored(app, tmp_path):
    first = write(tmp_path / "a.csv", [listing("1")])
    assert "imported: 1" in run_import(app, str(first), "--if-empty").output
    second = write(tmp_path / "b.csv", [listing("2")])
    assert "nothing imported" in run_import(app, str(second), "--if-empty").output
    assert count(app, Listing) == 1


def write_with(path: Path, rows: list[dict[str, str]], extra: list[str]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, NATIVE + extra)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_salary_text_location_and_seniority_from_the_title(app, tmp_path):
    rows = [listing("1", salary_min="", salary_max="", currency="", period="", salary_text="€150k–€260k"),
            listing("2", salary_min="", salary_max="", currency="", period="", salary_text="$60/hr",
                    seniority="", title="Staff ML Engineer", role="", category="", country="",
                    location="Remote - US"),
            listing("3", salary_min="", salary_max="", salary_text="competitive"),
            listing("4", title="Pastry Chef", role="", category="", seniority="", country="", location="EMEA"),
            listing("5", title="Pastry Chef", role="", category="", seniority="")]
    result = run_import(app, str(write_with(tmp_path / "feed.csv", rows, ["salary_text", "location"])))
    assert result.exit_code == 0, result.output
    assert "imported: 4" in result.output and "rejected: 1" in result.output
    assert "row 4: pay text states no salary: 'competitive'" in result.output
    assert "locations naming no single country: 1" in result.output
    assert "2 × Pastry Chef" in result.output
    with app.app_context():
        stored = {row.external_id: row for row in db.session.scalars(select(Listing))}
        assert (stored["1"].currency, stored["1"].salary_min, stored["1"].salary_max) == ("EUR", 150000, 260000)
        ml = stored["2"]
        assert (ml.role, ml.category, ml.seniority) == ("Machine Learning Engineer", "Machine Learning & AI", "staff")
        assert (ml.period, ml.salary_annual_usd, ml.country) == ("hour", 60 * 2080, "US")
        assert (stored["4"].category, stored["4"].role, stored["4"].country) == ("Other", "Pastry Chef", None)
