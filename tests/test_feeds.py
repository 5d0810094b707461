"""The daily refresh's feeds: several feeds, each in its own transaction; a broken one is reported (logs,
dashboard) and does not stop the others; each snapshot records its sources for the guide."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.extensions import db
from service.guide import context
from service.models import FeedRun, Listing, SnapshotSource
from service.salaries import feeds, snapshots
from service.salaries.feeds import Feed, FeedConfigError
from tests.people import TOKEN

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"


def test_feed_url_is_a_one_feed_list_and_feeds_win():
    assert feeds.configured({"FEEDS": [], "FEED_URL": "https://x.example/a.csv"}) == [Feed("https://x.example/a.csv")]
    assert feeds.configured({"FEEDS": [], "FEED_URL": ""}) == []
    listed = feeds.configured({"FEED_URL": "ignored", "FEEDS": '[{"url": "a.json", "format": "lever", '
                               '"source": "lever:acme", "licence": "CC BY 4.0"}]'})
    assert listed == [Feed("a.json", "lever", "lever:acme", "CC BY 4.0")]
    for bad in ("{not json", '{"url": "x"}', '[{"format": "lever"}]', '[{"url": "x", "format": "xml"}]',
                '[{"url": "x", "licence": "y", "colour": "red"}]'):
        with pytest.raises(FeedConfigError):
            feeds.configured({"FEEDS": bad})


def test_two_good_feeds_and_a_broken_one(app, tmp_path, caplog):
    broken = tmp_path / "board.json"
    broken.write_text("<!doctype html><html><body>Careers</body></html>")
    app.config["FEEDS"] = [
        {"url": str(FEEDS / "greenhouse.json"), "format": "greenhouse", "source": "greenhouse:example",
         "licence": "CC BY 4.0"},
        {"url": str(broken), "format": "greenhouse", "source": "greenhouse:broken", "licence": "CC0"},
        {"url": str(FEEDS / "lever.json"), "source": "lever:example", "licence": "Lever terms"},  # format guessed
    ]
    with app.app_context(), caplog.at_level(logging.INFO, logger="service.salaries.feeds"):
        summary = feeds.refresh(app.config)
        assert [f["ok"] for f in summary.feeds] == [True, False, True] and summary.failed == 1
        assert summary.snapshot_changed
        assert "HTML where JSON was expected" in summary.feeds[1]["summary"]
        assert str(summary).startswith("2 of 3 feeds imported; greenhouse:example: read 120, imported 120")
        counts = dict(db.session.execute(select(Listing.source, func.count()).group_by(Listing.source)).all())
        assert counts == {"greenhouse:example": 120, "lever:example": 120}
        snapshot = context.current_snapshot()
        recorded = {row.source: row for row in db.session.scalars(
            select(SnapshotSource).where(SnapshotSource.snapshot_id == snapshot.id))}
        assert set(recorded) == {"greenhouse:example", "lever:example"}
        assert recorded["greenhouse:example"].licence == "CC BY 4.0" and recorded["lever:example"].rows == 120
        assert recorded["lever:example"].licence == "Lever terms"  # carried forward from its own import
        assert recorded["greenhouse:example"].last_posted == date(2024, 7, 1)
        guide = context.build(2026)
        listed = {s["name"]: s for s in guide["sources"]}
        assert listed["greenhouse:example"]["licence"] == "CC BY 4.0"
        first = recorded["lever:example"].first_posted
        assert listed["lever:example"]["vintage"] == f"Listings posted {first} to 2024-07-01"
        assert "World Bank, World Development Indicators: PPP conversion factor, GDP (PA.NUS.PPP)" in listed
        runs = db.session.scalars(select(FeedRun).order_by(FeedRun.id)).all()
        assert [(r.source, r.ok) for r in runs] == [("greenhouse:example", True), ("greenhouse:broken", False),
                                                   ("lever:example", True)]
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1 and "greenhouse:broken" in failures[0].getMessage()
    app.config["ADMIN_TOKEN"] = TOKEN
    page = app.test_client().get("/admin/", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert "greenhouse:broken" in page and "<strong>Failed</strong>: HTML where JSON was expected" in page
    assert page.index("greenhouse:broken") < page.index("greenhouse:example")  # failures first

    app.config["FEEDS"] = app.config["FEEDS"][:1]
    with app.app_context():
        again = feeds.refresh(app.config)
        assert again.feeds[0]["ok"] and not again.snapshot_changed  # an unchanged feed changes nothing


def test_the_guide_names_a_sample_import_source(sample_app):
    with sample_app.app_context():
        guide = context.build(2026)
        recorded = {s["name"]: s for s in snapshots.sources(context.current_snapshot_id())}
    listed = {s["name"]: s for s in guide["sources"]}
    aijobs = listed["ai-jobs.net salaries dataset (sample data)"]
    assert aijobs["licence"] == "CC0 1.0 (public domain)" and aijobs["url"] == "https://aijobs.net/salaries/download/"
    assert aijobs["vintage"].endswith("to 2024-07-01")
    # The table the methodology page prints names it the same way, and links the publisher's page, not the
    # file path the sample was imported from.
    assert not recorded["aijobs"]["url"].startswith("http")
    (printed,) = guide["salary_sources"]
    assert {k: printed[k] for k in ("name", "licence", "url")} == {k: aijobs[k] for k in ("name", "licence", "url")}
