"""WeasyPrint fetches nothing but packaged assets: no network, no files outside the assets folder."""

from __future__ import annotations

import http.server
import logging
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pdf import render_html
from pdf.fetcher import AssetAccessDenied, AssetFetcher
from pdf.render import ASSETS_DIR


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    """Answers every GET with a tiny PNG and counts the requests."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        """Record the path and answer."""
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body::before { content: 'FETCHED' }")

    def log_message(self, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server on a free port; yields its base URL and its request log."""
    _CountingHandler.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _CountingHandler.hits
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    """An assets folder with a stylesheet inside and a "secret" one next to it, plus a symlink out."""
    root = tmp_path / "assets"
    root.mkdir()
    (root / "inside.css").write_text("body::before { content: 'INSIDE-OK' }")
    (tmp_path / "outside.css").write_text("body::after { content: 'LEAKED' }")
    (root / "link.css").symlink_to(tmp_path / "outside.css")
    return root


def text_of(data: bytes, tmp_path: Path) -> str:
    """Extract a PDF's text with pdftotext."""
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_the_probe_server_works(http_server: tuple[str, list[str]]) -> None:
    """Control: the server does count a real request, so zero hits below means something."""
    import urllib.request

    base, hits = http_server
    with urllib.request.urlopen(f"{base}/probe") as response:
        assert response.status == 200
    assert hits == ["/probe"]


def test_no_network_request_is_made(http_server: tuple[str, list[str]], caplog: pytest.LogCaptureFixture,
                                    tmp_path: Path) -> None:
    """Images, stylesheets, imports, backgrounds and fonts over HTTP never reach the server."""
    base, hits = http_server
    html = f"""<html lang="en"><head>
      <link rel="stylesheet" href="{base}/style.css">
      <style>
        @import url({base}/import.css);
        @font-face {{ font-family: Remote; src: url({base}/font.otf); }}
        p {{ background: url({base}/bg.png); font-family: Remote; }}
      </style></head>
      <body><p>Hello</p><img src="{base}/x.png"><img src="https://127.0.0.1:1/y.png"></body></html>"""
    with caplog.at_level(logging.WARNING, logger="pdf.fetcher"):
        data = render_html(html, ASSETS_DIR)
    assert data.startswith(b"%PDF-")
    assert hits == []
    refused = [r.getMessage() for r in caplog.records if r.name == "pdf.fetcher"]
    for path in ("/style.css", "/import.css", "/font.otf", "/bg.png", "/x.png"):
        assert any(f"{base}{path}" in message for message in refused), path
    assert "FETCHED" not in text_of(data, tmp_path)


def test_system_files_are_refused(caplog: pytest.LogCaptureFixture) -> None:
    """file:///etc/passwd is refused by the fetcher, directly and from a document."""
    fetcher = AssetFetcher(ASSETS_DIR)
    with pytest.raises(AssetAccessDenied):
        fetcher.fetch("file:///etc/passwd")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        render_html('<link rel="stylesheet" href="file:///etc/passwd"><img src="file:///etc/passwd">')
    refused = [r.getMessage() for r in caplog.records if r.name == "pdf.fetcher"]
    assert refused and all("file:///etc/passwd" in message for message in refused)
    skipped = " ".join(r.getMessage() for r in caplog.records if r.name == "weasyprint")
    assert "Failed to load stylesheet at file:///etc/passwd" in skipped
    assert "Failed to load image at 'file:///etc/passwd'" in skipped


def test_only_the_assets_folder_is_readable(assets: Path, tmp_path: Path) -> None:
    """A file inside loads; `..`, an encoded `..`, an absolute path and a symlink out do not."""
    outside = (assets.parent / "outside.css").as_uri()
    links = ["inside.css", "../outside.css", "%2e%2e/outside.css", outside, "link.css",
             "file://localhost" + str(assets.parent / "outside.css"), "file://evil.example/etc/passwd"]
    html = "".join(f'<link rel="stylesheet" href="{href}">' for href in links) + "<p>body</p>"
    text = text_of(render_html(html, assets, fetcher=AssetFetcher(assets)), tmp_path)
    assert "INSIDE-OK" in text
    assert "LEAKED" not in text


@pytest.mark.parametrize("url", [
    "data:text/css,body{color:red}",
    "ftp://127.0.0.1/x.css",
    "file:///etc/hostname",
    "file:///nonexistent/asset.css",
    "http://localhost/guide.css",
])
def test_refused_urls(url: str) -> None:
    """Every scheme but file:, and every file outside the assets folder, raises."""
    with pytest.raises(AssetAccessDenied):
        AssetFetcher(ASSETS_DIR).fetch(url)


def test_assets_are_served_with_their_type() -> None:
    """A packaged stylesheet and font are served, CSS as text/css (WeasyPrint requires it)."""
    fetcher = AssetFetcher(ASSETS_DIR)
    css = fetcher.fetch((ASSETS_DIR / "guide.css").as_uri())
    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()
    font = fetcher.fetch((ASSETS_DIR / "fonts" / "Inter-Regular.otf").as_uri())
    assert font.read()[:4] == b"OTTO"
