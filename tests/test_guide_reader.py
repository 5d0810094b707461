"""Readers through to the PDF: a Staff reader, a monthly salary and a reader in each region, the summary and
advice pages against `guide data`, read back with pdftotext from the personal guide the service stores."""

from __future__ import annotations

import pytest

from pdf import filters
from service import storage
from service.guide import context, rendering
from tests.test_pdf import pdftotext, squash

READERS = {
    # A Staff reader (no staff-level listings), paid monthly, in Europe.
    "europe-staff-monthly": {"role": "Machine Learning Engineer", "seniority": "staff", "salary": 6500.0,
                             "period": "month", "currency": "EUR", "city": "lisbon"},
    "us": {"role": "Data Scientist", "seniority": "senior", "salary": 150000.0, "period": "year",
           "currency": "USD", "city": "new-york"},
    "rest-of-world": {"role": "Data Engineer", "seniority": "mid", "salary": 2_400_000.0, "period": "year",
                      "currency": "INR", "city": "bengaluru"},
}


def personal_guide(app, inputs, tmp_path):
    """The stored personal guide's pages as text, and the context it was made from."""
    with app.app_context():
        built = context.build(2026, personal=inputs)
        stored = rendering.ensure_pdf(2026, inputs)
        data = storage.store().path_for(stored.sha256).read_bytes()
    return pdftotext(data, tmp_path, layout=False), built


def test_readers_through_to_the_pdf(sample_app, tmp_path):
    regions = {}
    for name, inputs in READERS.items():
        (tmp_path / name).mkdir()
        pages, built = personal_guide(sample_app, inputs, tmp_path / name)
        personal = built["personal"]
        cover, own = squash(pages[0]), squash(" ".join(pages[1:3]))
        regions[name] = personal["region"]
        assert personal["headline"] in cover and personal["headline"] in own
        assert "2026 edition: salaries from listings posted July 2022 – July 2024" in cover
        assert "Your personal page" in pages[1]  # the answer is on page 2
        band = personal["band"]
        assert f"median {filters.money_k(band['p50'])}" in own
        advice = personal["advice"]
        assert f"Ask for {filters.money_k(advice['ask_low'])}–{filters.money_k(advice['ask_high'])}" in own
        assert personal["comparison"]["words"][1:] in own
    assert regions == {"europe-staff-monthly": "Europe", "us": "US", "rest-of-world": "Rest of world"}


def test_a_staff_reader_paid_monthly_is_compared_with_senior_and_never_given_a_staff_percentile(sample_app, tmp_path):
    pages, built = personal_guide(sample_app, READERS["europe-staff-monthly"], tmp_path)
    personal = built["personal"]
    own = squash(" ".join(pages[1:3]))
    assert personal["salary"] == 6500.0 * 12 and personal["period"] == "month"
    assert "€6,500 a month (€78,000 a year)" in own
    assert personal["comparison"]["seniority"] == "senior" and personal["band"]["seniority"] == "senior"
    assert "no staff-level Machine Learning Engineer listings yet; compared with senior" in own
    assert personal["band"]["region"] == "Europe" and personal["band"]["own_band"]
    # The ladder prints no figures for a level below the threshold.
    staff_rows = [b for b in built["bands"] if b["role"] == "Machine Learning Engineer" and not b["own_band"]]
    assert staff_rows and "fewer than 20 listings" in own
    # Read as a year, EUR 6,500 would sit at the bottom; as a month it does not.
    assert personal["percentile_estimate"] > 1


@pytest.fixture
def generic(sample_app, tmp_path):
    """The stored generic guide as text, and its context."""
    with sample_app.app_context():
        built = context.build(2026)
        stored = rendering.ensure_pdf(2026, None)
        data = storage.store().path_for(stored.sha256).read_bytes()
    return pdftotext(data, tmp_path, layout=False), built


def test_summary_and_advice_pages_match_guide_data(generic):
    pages, built = generic
    flow = squash(" ".join(pages))
    brief = next(squash(p) for p in pages if "The guide in brief" in p and "n = " in p)
    kinds = [f["kind"] for f in built["summary"]]
    assert 4 <= len(kinds) <= 6 and {"highest_paid", "remote_median", "us_europe_gap", "buys_most"} <= set(kinds)
    for finding in built["summary"]:
        assert f"n = {filters.number(finding['n'])}" in brief
    top = next(f for f in built["summary"] if f["kind"] == "highest_paid")
    assert f"{top['category']} pays best: its median is {filters.money_k(top['p50'])}" in brief
    gap = next(f for f in built["summary"] if f["kind"] == "us_europe_gap")
    assert filters.signed_percent(gap["gap"]) in brief
    assert f"European employers {filters.money_k(gap['europe_p50'])}" in brief
    for item in built["advice"]:
        # Cell by cell: a long category name wraps, and pdftotext then reads its cell's lines apart.
        for cell in (item["category"], f"n {filters.number(item['n'])}",
                     f"{filters.money_k(item['ask_low'])}–{filters.money_k(item['ask_high'])}",
                     f"{filters.money_k(item['quote_low'])}–{filters.money_k(item['quote_high'])}"):
            assert cell in flow.replace("\u00a0", " "), (item["category"], cell)


def test_the_landing_page_says_what_the_guide_holds(sample_app):
    page = sample_app.test_client().get("/").text
    with sample_app.app_context():
        built = context.build(2026)
    assert "live" not in page.lower()  # the sample data is years older than the refresh interval
    assert filters.number(built["listings_analysed"]) in page
    assert "July 2022 – July 2024" in page
    for region in built["regions"]:
        assert f"{region['region']} {filters.percent(region['share'])}" in page
