"""Security headers on every public page: a strict policy with no inline script or style, no framing."""

from __future__ import annotations

import pytest

from tests.conftest import make_app

PAGES = ["/", "/guide/" + "x" * 32, "/d/fresh", "/admin/login", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers(sqlite_app, path):
    response = sqlite_app.test_client().get(path)
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain http in development


def test_production_adds_hsts(sqlite_app, redis_server, tmp_path):
    app = make_app(sqlite_app.config["DATABASE_URL"], redis_server.url, tmp_path / "prod", ENV="production")
    assert app.test_client().get("/").headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_hold_no_inline_script_or_style(sqlite_app):
    page = sqlite_app.test_client().get("/").text
    assert "style=" not in page and "<script>" not in page
