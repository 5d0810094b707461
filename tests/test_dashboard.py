"""The dashboard: figures from SQL aggregates, the page with data and empty, and the counters behind it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import redis
from rq import Queue
from sqlalchemy import func, select

from service import storage
from service.admin import dashboard
from service.extensions import db
from service.models import DataSnapshot, Download, Edition, EditionStatus, GuideRequest, PageView, RequestStatus
from tests.conftest import csrf_token, make_app, run_jobs
from tests.people import TOKEN, cast
from tests.services import free_port

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def rows(page: str) -> list[tuple[str, ...]]:
    """The text of every table row on a page, cell by cell."""
    cells = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in cells.findall(row))
            for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)]


def test_figures_are_right(app):
    cast(app)
    with app.app_context():
        db.session.add(PageView(day=date(2026, 1, 5), page="landing", count=40))
        db.session.add(PageView(day=date(2025, 12, 1), page="landing", count=999))  # outside the window
        db.session.add(Edition(year=2026, title="Remote Salary Guide 2026", status=EditionStatus.PUBLISHED))
        db.session.commit()
        figures = dashboard.figures(10, today=date(2026, 1, 10))
    assert figures.by_status == {"guide_only": 1, "pending": 1, "subscribed": 2, "unsubscribed": 1}
    totals = figures.totals
    assert (totals["subscribers"], totals["requests"], totals["downloads"]) == (5, 6, 1)
    assert (totals["opted_in"], totals["confirmed"], totals["confirmation_rate"]) == (4, 3, 0.75)
    days = {d.day.day: (d.signups, d.downloads) for d in figures.days}
    assert len(figures.days) == 10 and days[5] == (2, 1) and days[9] == (1, 0) and days[1] == (0, 0)
    assert figures.funnel == [("Landing-page views", 40), ("Form submissions", 6), ("Guides downloaded", 1),
                              ("Confirmed subscribers", 3)]
    assert ("twitter", "social", "launch", 1) in figures.sources and len(figures.sources) == 3
    assert figures.referrers == [("https://news.example/item?id=1", 1)]
    assert figures.editions == [
        {"year": 2026, "title": "Remote Salary Guide 2026", "status": "published", "requests": 4, "downloads": 0},
        {"year": 2025, "title": "Remote Salary Guide 2025", "status": "not recorded", "requests": 2, "downloads": 1},
    ]


def test_dashboard_renders_when_empty(app):
    app.config["ADMIN_TOKEN"] = TOKEN
    page = app.test_client().get("/admin/", headers=AUTH)
    assert page.status_code == 200
    assert "No signups with UTM tags in this period." in page.text
    assert "No salary data imported yet." in page.text and "No editions yet." in page.text
    assert page.text.count('<rect class="bar"') == 30
    assert ("render", "0", "0", "0") in rows(page.text)


def _signup(client, **fields):
    token = csrf_token(client.get("/").text)
    return client.post("/guide", data={"csrf_token": token, **fields})


def test_dashboard_renders_with_data(app):
    app.config["ADMIN_TOKEN"] = TOKEN
    client = app.test_client()
    _signup(client, email="ada@example.com", newsletter="y", utm_source="twitter", utm_campaign="launch")
    _signup(client, email="bob@example.com", referrer="https://x.example/<script>alert(1)</script>")
    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    for name in ("render", "email", "default"):  # the signups' own jobs are not what this test is about
        Queue(name, connection=connection).empty()
    Queue("render", connection=connection).enqueue("json.loads", "{not json", job_id="doomed")
    run_jobs(app)
    with app.app_context():
        db.session.add(DataSnapshot(source="data/sample.csv", listing_count=1234, content_hash="sha256:x"))
        db.session.commit()
    page = client.get("/admin/", headers=AUTH).text
    assert "How the guide performs" in page
    assert re.search(r'<span class="n">2</span> guide requests', page)
    table = rows(page)
    assert ("Landing-page views", "2", "–") in table and ("Form submissions", "2", "100.0%") in table
    assert ("twitter", "–", "launch", "1") in table and "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "JSONDecodeError" in page and "json.loads" in page  # the last failure's reason
    assert ("render", "0", "0", "1") in table and '<td class="num bad">1</td>' in page
    assert "1,234 listings" in page
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert f"<title>{today}: 2 signups, 0 downloads</title>" in page


def test_dashboard_renders_with_redis_down(app, tmp_path):
    dead = make_app(app.config["DATABASE_URL"], f"redis://127.0.0.1:{free_port()}/0", tmp_path / "dead",
                    ADMIN_TOKEN=TOKEN)
    page = dead.test_client().get("/admin/", headers=AUTH)
    assert page.status_code == 200 and "Redis is unreachable (ConnectionError)." in page.text
    with dead.app_context():
        db.engine.dispose()


def test_landing_views_are_counted_per_day(app):
    client = app.test_client()
    client.get("/")
    client.get("/?utm_source=x")
    client.head("/")
    with app.app_context():
        rows = db.session.execute(select(PageView.day, PageView.page, PageView.count)).all()
    assert rows == [(datetime.now(UTC).date(), "landing", 2)]


@pytest.fixture
def ready_guide(app):
    cast(app)
    with app.app_context():
        sha = storage.store().put(b"%PDF-1.7 test pdf " + b"x" * 2000)
        guide = db.session.get(GuideRequest, 2)
        guide.status, guide.pdf_sha256 = RequestStatus.READY, sha
        db.session.commit()
        return guide.token, sha


def test_full_downloads_are_counted_and_ranges_are_not(app, ready_guide):
    token, sha = ready_guide
    client, url = app.test_client(), f"/guide/{token}/download"

    def status(method, **headers) -> int:
        with client.open(url, method=method, headers=headers) as response:  # closes the PDF file
            return response.status_code

    assert status("GET") == 200
    assert status("GET", Range="bytes=0-99") == 206
    assert status("GET", **{"If-None-Match": f'"{sha}"'}) == 304
    assert status("HEAD") == 200
    with app.app_context():
        downloads = db.session.execute(select(Download.guide_request_id, Download.edition_year)).all()
        assert downloads[-1] == (2, 2026)
        assert db.session.scalar(select(func.count()).select_from(Download)) == 2  # cast()'s one, and this one
