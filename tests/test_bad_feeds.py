"""Bad feeds change nothing and say why: HTML for JSON, truncated JSON, a 50 MB line, JSON-LD without a
JobPosting, Greenhouse cents read as dollars, and a feed that stalls (a real HTTP server on loopback)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.extensions import db
from service.models import DataSnapshot, Listing

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"


def run_import(app, *args: str):
    return app.test_cli_runner().invoke(args=["salaries", "import", *args])


def state(app) -> tuple[int, int | None]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Listing)),
                db.session.scalar(select(func.max(DataSnapshot.id))))


@pytest.fixture
def loaded(app):
    result = run_import(app, str(FEEDS / "native.csv"))
    assert result.exit_code == 0, result.output
    return app


def refused(app, *args: str) -> str:
    before = state(app)
    result = run_import(app, *args)
    assert result.exit_code == 1, result.output
    assert "import failed, nothing was changed" in result.output
    assert state(app) == before
    return result.output


def test_html_where_json_was_expected(loaded, tmp_path):
    page = tmp_path / "board.json"
    page.write_text("<!doctype html><html><body>Jobs at Example</body></html>")
    for fmt in ("greenhouse", "lever", "ashby"):
        assert "HTML where JSON was expected" in refused(loaded, str(page), "--format", fmt)


def test_truncated_json(loaded, tmp_path):
    text = (FEEDS / "greenhouse.json").read_text()
    cut = tmp_path / "greenhouse.json"
    cut.write_text(text[: len(text) // 2])
    assert "truncated JSON" in refused(loaded, str(cut), "--format", "greenhouse")
    lines = (FEEDS / "jobposting.jsonl").read_text().splitlines()
    cut_lines = tmp_path / "postings.jsonl"
    cut_lines.write_text("\n".join(lines[:3]) + "\n" + lines[3][:40])
    assert "truncated JSON: the last line (4) is cut off" in refused(loaded, str(cut_lines), "--format", "jobposting")


def test_a_50_mb_line(loaded, tmp_path):
    first = (FEEDS / "jobposting.jsonl").read_text().splitlines()[0]
    huge = tmp_path / "postings.jsonl"
    with huge.open("w") as handle:
        handle.write(first + "\n")
        handle.write('{"@type": "JobPosting", "description": "' + "x" * (50 * 1024 * 1024) + '"}\n')
    assert "line 2 is over the 1,048,576 character line limit" in refused(loaded, str(huge), "--format",
                                                                          "jobposting")
    native = tmp_path / "native.jsonl"
    native.write_text('{"source": "x"}\n' + '{"title": "' + "y" * (2 * 1024 * 1024) + '"}\n')
    assert "line 2 is over" in refused(loaded, str(native), "--format", "native")


def test_json_ld_without_a_job_posting(loaded, tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<html><head><script type="application/ld+json">{"@context": "https://schema.org", '
                    '"@type": "Organization", "name": "Example"}</script></head></html>')
    assert "no JobPosting found in 1 JSON-LD block(s)" in refused(loaded, str(page))


def test_greenhouse_cents_read_as_dollars_are_absurd(loaded, tmp_path):
    board = json.loads((FEEDS / "greenhouse.json").read_text())
    for job in board["jobs"]:  # dollars written where cents belong, read back as cents: 100 times too small
        pay = job["pay_input_ranges"][0]
        pay["min_cents"], pay["max_cents"] = pay["min_cents"] // 10_000, pay["max_cents"] // 10_000
    wrong = tmp_path / "greenhouse.json"
    wrong.write_text(json.dumps(board))
    output = refused(loaded, str(wrong))
    assert "none of the 120 records could be imported (record 1: absurd amount" in output
    assert "Greenhouse amounts are in cents" in output
    board["jobs"][0]["pay_input_ranges"][0] |= {"min_cents": 12_000_000, "max_cents": 15_000_000}
    wrong.write_text(json.dumps(board))
    result = run_import(loaded, str(wrong), "--source", "greenhouse:mixed")
    assert result.exit_code == 0 and "imported: 1," in result.output and "rejected: 119" in result.output


class Stall(BaseHTTPRequestHandler):
    """Answers nothing (or only the headers) until the test ends: a feed that times out."""

    release = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/headers-then-nothing":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"jobs": [')
            self.wfile.flush()
        self.release.wait(30)

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def stalling_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stall)
    server.daemon_threads = True
    Stall.release.clear()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    Stall.release.set()
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/nothing", "/headers-then-nothing"])
def test_a_feed_that_times_out(loaded, stalling_server, path):
    loaded.config["FEED_TIMEOUT"] = 0.5
    assert "timed out" in refused(loaded, stalling_server + path, "--format", "greenhouse")
