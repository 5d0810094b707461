"""Salary rows of both layouts to listings or rejections (docs/data.md: normalisation)."""

from __future__ import annotations

import csv
import http.server
import json
import threading
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from service.reference import tables
from service.salaries import roles, sources
from service.salaries.normalise import ListingIn, Rejection, detect_layout, normalise_rows

ROOT = Path(__file__).resolve().parent.parent
WDI = ROOT / "service" / "reference" / "data" / "worldbank_ppp_fx.csv"
SAMPLE = ROOT / "data" / "salaries_aijobs_2020_2024.csv"
TODAY = date(2026, 11, 28)
NATIVE = ["source", "external_id", "title", "role", "category", "seniority", "salary_min",
          "salary_max", "currency", "period", "country", "remote", "posted_at"]


def fcrf(iso3: str, year: int) -> float:
    """A raw PA.NUS.FCRF value, read straight from the shipped CSV."""
    with WDI.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["iso3"], row["indicator_code"], row["year"]) == (iso3, "PA.NUS.FCRF", str(year)):
                return float(row["value"])
    raise LookupError((iso3, year))


def native_row(**changes: str) -> dict[str, str]:
    """A valid native row, with some columns changed."""
    row = dict(zip(NATIVE, ["remnavi", "1", "Senior Data Scientist", "Data Scientist", "Data Science",
                            "senior", "100000", "140000", "USD", "year", "US", "true", "2026-10-02"],
                   strict=True))
    return {**row, **changes}


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] = NATIVE) -> Path:
    """Write rows under a header."""
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path: Path, layout: str = "native") -> list[ListingIn | Rejection]:
    """Read and normalise a whole file."""
    return list(normalise_rows(sources.read_rows(path), layout, today=TODAY))


def test_native_csv_year_month_and_hour(tmp_path: Path) -> None:
    rows = [native_row(),
            native_row(external_id="2", salary_min="5500", salary_max="6500", currency="eur",
                       period="month", posted_at="2025-10-05", country="de"),
            native_row(external_id="3", salary_min="", salary_max="38", currency="GBP",
                       period="HOUR", posted_at="2024-03-01", remote="false", role="", category="")]
    yearly, monthly, hourly = run(write_csv(tmp_path / "in.csv", rows))
    assert isinstance(yearly, ListingIn) and yearly.salary_annual_usd == 120000.0
    assert yearly.posted_at == date(2026, 10, 2) and yearly.remote is True
    assert isinstance(monthly, ListingIn) and monthly.currency == "EUR" and monthly.country == "DE"
    assert monthly.salary_annual_usd == pytest.approx(6000 * 12 / fcrf("EMU", 2025), abs=0.01)
    assert isinstance(hourly, ListingIn) and (hourly.salary_min, hourly.salary_max) == (38.0, 38.0)
    assert hourly.salary_annual_usd == pytest.approx(38 * 2080 / fcrf("GBR", 2024), abs=0.01)
    assert hourly.period == "hour" and hourly.remote is False
    # role and category left empty come from the title table
    assert (hourly.role, hourly.category) == ("Data Scientist", "Data Science")


@pytest.mark.parametrize(("currency", "posted", "iso3", "year"), [
    ("EUR", "2022-05-01", "EMU", 2022),  # the listing's own year
    ("EUR", "2026-02-01", "EMU", 2025),  # no 2026 rate yet: the latest earlier year
    ("JPY", "2023-12-31", "JPN", 2023),
    ("BGN", "2025-06-01", "BGR", 2025),  # Bulgaria's row is still in leva
    ("INR", "2026-01-15", "IND", 2025),
])
def test_converted_at_the_world_bank_rate_of_the_listing_year(
        tmp_path: Path, currency: str, posted: str, iso3: str, year: int) -> None:
    [listing] = run(write_csv(tmp_path / "fx.csv", [native_row(
        currency=currency, posted_at=posted, salary_min="3000000", salary_max="3000000")]))
    assert isinstance(listing, ListingIn), listing
    assert (listing.fx_year, listing.fx_rate) == (year, fcrf(iso3, year))
    assert listing.salary_annual_usd == pytest.approx(3_000_000 / fcrf(iso3, year), abs=0.01)


def test_croatian_kuna_after_the_changeover_goes_through_the_euro() -> None:
    rate = tables.usd_rate("HRK", 2024)
    assert rate is not None and rate.year == 2024
    assert rate.value == pytest.approx(fcrf("EMU", 2024) * 7.53450)
    before = tables.usd_rate("HRK", 2021)
    assert before is not None and before.value == fcrf("HRV", 2021)


def test_known_and_current_currencies() -> None:
    known, current = tables.known_currencies(), tables.current_currencies()
    assert {"USD", "EUR", "GBP", "JPY", "BGN", "HRK", "XOF"} <= known
    assert "EUR" in current and "BGN" not in current and "DEM" not in current
    assert current <= known


def test_latest_earlier_year_else_the_latest() -> None:
    series = {2011: 1.0, 2012: 2.0, 2014: 4.0}
    assert tables.latest(series, 2013) == 2012
    assert tables.latest(series, 2030) == 2014
    assert tables.latest(series, 2005) == 2014
    assert tables.latest({}, 2020) is None


@pytest.mark.parametrize(("changes", "reason"), [
    ({"salary_min": "", "salary_max": ""}, "missing salary"),
    ({"currency": "XYZ"}, "unknown currency 'XYZ'"),
    ({"salary_min": "-5"}, "negative amount in salary_min"),
    ({"salary_min": "0", "salary_max": "0"}, "absurd amount in salary_min: zero"),
    ({"salary_min": "9000000", "salary_max": "9000000"}, "absurd amount: 9,000,000 US$"),
    ({"salary_min": "2", "salary_max": "3", "period": "month"}, "absurd amount: 30 US$"),
    ({"salary_min": "150000", "salary_max": "120000"}, "salary_min 150000 is greater than"),
    ({"salary_max": "120k"}, "unparseable amount in salary_max"),
    ({"posted_at": "02/10/2026"}, "unparseable date in posted_at"),
    ({"posted_at": "2027-01-01"}, "outside 2000-01-01 to today"),
    ({"posted_at": "1999-12-31"}, "outside 2000-01-01 to today"),
    ({"period": "week"}, "unknown period 'week'"),
    ({"seniority": "junior"}, "unknown seniority 'junior'"),
    ({"category": "Astrology"}, "unknown category 'Astrology'"),
    ({"external_id": " "}, "missing field: external_id"),
    ({"title": ""}, "missing field: title"),
    ({"remote": "maybe"}, "remote must be true or false"),
    ({"country": "XX"}, "unknown country 'XX'"),
    ({"title": "x" * 201}, "title is longer than 200"),
])
def test_each_rejection_with_its_row_number(tmp_path: Path, changes: dict[str, str],
                                            reason: str) -> None:
    path = write_csv(tmp_path / "bad.csv", [native_row(), native_row(**{"external_id": "2", **changes})])
    good, bad = run(path)
    assert isinstance(good, ListingIn)
    assert isinstance(bad, Rejection) and bad.row_number == 3  # header is line 1
    assert reason in bad.reason


def test_csv_row_numbers_are_lines_and_wrong_widths_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    write_csv(path, [native_row(title="Data\nScientist"), native_row(external_id="2")])
    with path.open("a") as handle:
        handle.write("\nremnavi,3,too,few\n")
    first, second, short = run(path)
    assert isinstance(first, ListingIn) and first.title == "Data Scientist"
    assert isinstance(second, ListingIn)
    assert short == Rejection(6, "expected 13 columns, found 4")  # lines 2–3, 4, blank 5, 6


def test_json_lines(tmp_path: Path) -> None:
    good = {**native_row(), "salary_min": 90000, "salary_max": None, "remote": True}
    lines = [json.dumps(good), "", "{not json", json.dumps([1, 2]),
             json.dumps({**good, "external_id": 7, "remote": "no"})]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    listing, broken, array, bad_remote = run(path)
    assert isinstance(listing, ListingIn) and listing.salary_annual_usd == 90000.0
    assert broken.row_number == 3 and "unparseable JSON" in broken.reason  # type: ignore[union-attr]
    assert array == Rejection(4, "line is not a JSON object")
    assert isinstance(bad_remote, Rejection) and bad_remote.row_number == 5


AIJOBS = ["work_year", "experience_level", "employment_type", "job_title", "salary",
          "salary_currency", "salary_in_usd", "employee_residence", "remote_ratio",
          "company_location", "company_size"]


def aijobs_row(text: str) -> dict[str, str]:
    """A row of the ai-jobs.net layout from its CSV text."""
    return dict(zip(AIJOBS, next(csv.reader([text])), strict=True))


def test_aijobs_row(tmp_path: Path) -> None:
    rows = [aijobs_row("2022,SE,FT,Advanced Data Analyst,70000,GBP,86193,GB,50,GB,L"),
            aijobs_row("2024,EN,FT,Machine Learning Engineer,90000,USD,90000,US,100,CA,M")]
    analyst, engineer = run(write_csv(tmp_path / "a.csv", rows, AIJOBS), "aijobs")
    assert isinstance(analyst, ListingIn) and isinstance(engineer, ListingIn)
    assert (analyst.role, analyst.category, analyst.seniority) == ("Data Analyst", "Data Analytics",
                                                                   "senior")
    assert analyst.posted_at == date(2022, 7, 1) and analyst.remote is False
    assert analyst.salary_annual_usd == pytest.approx(70000 / fcrf("GBR", 2022), abs=0.01)
    assert (analyst.source, analyst.period, analyst.country) == ("aijobs", "year", "GB")
    assert (engineer.seniority, engineer.remote, engineer.country) == ("entry", True, "CA")


@pytest.mark.parametrize(("text", "reason"), [
    ("2024,XX,FT,Data Scientist,90000,USD,90000,US,100,US,M", "unknown experience_level 'XX'"),
    ("20x4,SE,FT,Data Scientist,90000,USD,90000,US,100,US,M", "unparseable work_year"),
    ("2027,SE,FT,Data Scientist,90000,USD,90000,US,100,US,M", "work_year 2027 is outside"),
    ("2024,SE,FT,Data Scientist,,USD,90000,US,100,US,M", "missing salary"),
    ("2024,SE,FT,Data Scientist,90000,USD,90000,US,full,US,M", "unparseable remote_ratio"),
    ("2024,SE,FT,Data Scientist,90000,ABC,90000,US,100,US,M", "unknown currency 'ABC'"),
])
def test_aijobs_rejections(tmp_path: Path, text: str, reason: str) -> None:
    [bad] = run(write_csv(tmp_path / "a.csv", [aijobs_row(text)], AIJOBS), "aijobs")
    assert isinstance(bad, Rejection) and bad.row_number == 2 and reason in bad.reason


def test_current_work_year_is_never_in_the_future() -> None:
    early = date(2026, 3, 1)
    row = aijobs_row("2026,MI,FT,Data Engineer,100000,USD,100000,US,100,US,M")
    [listing] = normalise_rows([(2, row)], "aijobs", today=early)
    assert isinstance(listing, ListingIn) and listing.posted_at == early


def test_aijobs_ids_are_stable_and_identical_rows_stay_apart(tmp_path: Path) -> None:
    same = "2024,MI,FT,Data Engineer,100000,USD,100000,US,100,US,M"
    rows = [aijobs_row(same), aijobs_row("2024,XX,FT,x,1,USD,1,US,0,US,M"), aijobs_row(same)]
    path = write_csv(tmp_path / "dupes.csv", rows, AIJOBS)
    first, rejected, second = run(path, "aijobs")
    assert isinstance(first, ListingIn) and isinstance(second, ListingIn)
    assert isinstance(rejected, Rejection)
    assert first.external_id != second.external_id
    again = [r.external_id for r in run(path, "aijobs") if isinstance(r, ListingIn)]
    assert again == [first.external_id, second.external_id]
    # A file holding only the second copy still calls it the first occurrence.
    alone = run(write_csv(tmp_path / "one.csv", [aijobs_row(same)], AIJOBS), "aijobs")
    assert [r.external_id for r in alone] == [first.external_id]  # type: ignore[union-attr]


def test_the_shipped_sample_imports_whole() -> None:
    with SAMPLE.open(newline="") as handle:
        raw = list(csv.DictReader(handle))
    results = run(SAMPLE, "aijobs")
    assert len(results) == len(raw) == 33629
    assert all(isinstance(r, ListingIn) for r in results)
    listings = [r for r in results if isinstance(r, ListingIn)]
    assert len({r.external_id for r in listings}) == len(listings)
    assert sum(r.remote for r in listings) == sum(row["remote_ratio"] == "100" for row in raw)
    assert Counter(r.posted_at.year for r in listings) == Counter(int(row["work_year"]) for row in raw)
    # Our World Bank conversion agrees with ai-jobs.net's own within a few per cent.
    for row, listing in zip(raw, listings, strict=True):
        if row["salary_currency"] in ("USD", "GBP", "EUR", "CAD", "INR"):
            assert listing.salary_annual_usd == pytest.approx(float(row["salary_in_usd"]), rel=0.06)


def test_every_sample_title_is_in_the_table() -> None:
    with SAMPLE.open(newline="") as handle:
        titles = {row["job_title"] for row in csv.DictReader(handle)}
    table = roles.title_table()
    assert len(titles) == 288
    assert all(t.casefold() in table for t in titles)
    assert {category for _, category in table.values()} <= set(roles.CATEGORIES)


def test_titles_outside_the_table_fall_back_to_rules() -> None:
    assert roles.classify("  DATA   scientist ") == ("Data Scientist", "Data Science")
    assert roles.classify("Senior LLM Platform Wizard") == ("LLM Platform Wizard", "Machine Learning & AI")
    assert roles.classify("Director of Growth")[1] == "Leadership & Management"
    assert roles.classify("Chef")[1] == "Other"
    assert roles.known_roles()["Data Scientist"] == "Data Science"
    assert roles.category_of("data engineer") == "Data Engineering"


def test_layout_and_format_detection(tmp_path: Path) -> None:
    assert detect_layout(AIJOBS) == "aijobs"
    assert detect_layout(NATIVE) == "native"
    assert detect_layout(["a", "b"]) is None
    unnamed = tmp_path / "feed"
    unnamed.write_text(json.dumps(native_row()) + "\n")
    assert sources.file_format(unnamed) == "jsonl"
    assert sources.first_columns(unnamed) == NATIVE
    assert sources.first_columns(SAMPLE) == AIJOBS


def test_fetch_over_http_with_a_size_limit(tmp_path: Path) -> None:
    body = write_csv(tmp_path / "feed.csv", [native_row()]).read_bytes()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):  # type: ignore[no-untyped-def]
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.csv"
    try:
        with sources.local_copy(url) as path:
            assert path.read_bytes() == body and path.suffix == ".csv"
        assert not path.exists()
        with pytest.raises(sources.SourceError, match="limit"):
            sources.fetch(url, max_bytes=len(body) - 1)
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(sources.SourceError, match="only http and https"):
        sources.fetch("file:///etc/passwd")
