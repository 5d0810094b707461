"""The landing page: the promise in the PDF's own numbers, its weight, its sharing tags, and /privacy."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from service.extensions import db
from service.models import Edition
from tests.conftest import make_app
from tests.test_editions import invoke
from tests.test_guide_data import guide_data

LIMIT = 60 * 1024  # the page with its stylesheet and scripts, before images


def _promise(page: str) -> dict[str, str]:
    """The figures of the promise line, by their label."""
    block = re.search(r'<dl class="promise">(.*?)</dl>', page, re.S)
    assert block, "no promise on the page"
    return {unescape(dt): unescape(dd) for dt, dd in re.findall(r"<dt>([^<]+)</dt><dd[^>]*>([^<]+)</dd>",
                                                                  block.group(1))}


def test_the_promise_is_the_pdfs_own_numbers(sample_app):
    invoke(sample_app, "guide", "render", "--year", "2026")
    printed = guide_data(sample_app)
    with sample_app.app_context():
        edition = db.session.scalars(select(Edition)).one()
    figures = _promise(sample_app.test_client().get("/").text)
    assert figures == {"pages": str(edition.page_count), "salary bands": f"{len(printed['bands']):,}",
                       "cities": str(len(printed["cities"])), "salaries posted": "Jul 2022 – Jul 2024"}
    assert printed["window"] == {"months": 24, "start": "2022-07-01", "end": "2024-07-01"}
    assert edition.page_count > 10 and len(printed["cities"]) == 24


def test_before_a_render_the_promise_has_no_page_count(sample_app):
    assert "pages" not in _promise(sample_app.test_client().get("/").text)


def test_the_page_is_light_and_has_no_framework_script(sample_app):
    client = sample_app.test_client()
    page = client.get("/").text
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert [a for a in assets if a.endswith(".js")] == []  # the landing page needs no script at all
    weight = len(page.encode())
    for asset in assets:
        response = client.get(asset)
        weight += len(response.data)
        response.close()
    assert weight < LIMIT, f"{weight} bytes"


def test_sharing_tags_are_absolute_on_the_public_url(sample_app):
    sample_app.config["PUBLIC_URL"] = "https://guide.example.com"
    page = sample_app.test_client().get("/").text
    for tag in ('<meta property="og:url" content="https://guide.example.com/">',
                '<meta property="og:title" content="The free Remote Salary Guide 2026">',
                '<meta name="twitter:title" content="The free Remote Salary Guide 2026">',
                '<link rel="canonical" href="https://guide.example.com/">'):
        assert tag in page
    assert re.search(r'<meta property="og:description" content="See what your salary actually buys in 24 cities', page)


def test_the_privacy_page_says_what_is_kept_from_the_settings(sample_database_url, redis_server, tmp_path):
    app = make_app(sample_database_url, redis_server.url, tmp_path / "instance", IP_STORAGE="truncated",
                   MAIL_FROM="guide@example.org", CONFIRM_LINK_MAX_AGE=3 * 86400)
    try:
        landing = app.test_client().get("/").text
        assert re.search(r'<p class="fine note">[^<]*<a href="/privacy">Privacy</a></p>', landing)
        page = app.test_client().get("/privacy")
        assert page.status_code == 200
        text = re.sub(r"\s+", " ", page.text)
        assert 'href="mailto:guide@example.org"' in text  # the contact defaults to Reply-To, which defaults to From
        assert "IP address shortened to its network" in text and "waits 3 days" in text
        assert "user-agent" in text and "utm_source" in text and "until you ask us to erase them" in text
        app.config.update(IP_STORAGE="none", PRIVACY_CONTACT="privacy@example.org")
        text = re.sub(r"\s+", " ", app.test_client().get("/privacy").text)
        assert "We do not store your IP address" in text and "mailto:privacy@example.org" in text
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
