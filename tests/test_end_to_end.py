"""The whole path over HTTP: gunicorn, a real RQ worker, Redis and SQLite as separate processes."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import SAMPLE
from tests.mailbox import Mailbox, link
from tests.services import RedisServer, wait_until
from tests.stack import Stack, Visitor

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_alone(tmp_path: Path):
    """A Redis of this test's own, which the test may stop and start."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stack(tmp_path: Path, redis_alone: RedisServer, smtp_server: Mailbox):
    smtp_server.clear()
    running = Stack(tmp_path, redis_alone.url, SMTP_URL=smtp_server.url)
    running.flask("db", "upgrade")
    running.flask("salaries", "import", str(SAMPLE), "--format", "aijobs")
    yield running
    running.stop()


def _status(visitor: Visitor, thanks_path: str) -> dict:
    status, _, body = visitor.get(thanks_path + "/status")
    assert status == 200
    return json.loads(body)


def _wait_ready(visitor: Visitor, thanks_path: str, stack: Stack, timeout: float = 90) -> dict:
    try:
        return wait_until(lambda: (s := _status(visitor, thanks_path))["status"] in ("ready", "failed") and s,
                          timeout=timeout, interval=0.2, what="the guide")
    except TimeoutError:
        pytest.fail("the guide was not ready in time\n" + stack.logs())


def test_visitor_gets_a_real_pdf_through_the_queue(stack: Stack, smtp_server: Mailbox):
    stack.start_web()
    stack.start_worker()
    visitor = Visitor(stack.url)
    thanks = visitor.submit(email="e2e@example.com", newsletter="y")
    assert thanks.startswith("/guide/")
    status, _, page = visitor.get(thanks)
    assert status == 200 and b"Thank you" in page
    final = _wait_ready(visitor, thanks, stack)
    assert final["status"] == "ready", stack.logs()
    assert final["download_url"] == thanks + "/download"

    status, headers, body = visitor.get(final["download_url"])
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename=Remote-Salary-Guide-2026.pdf'
    assert headers["ETag"]
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) >= 8
    assert reader.metadata.title == "Remote Salary Guide 2026"
    assert "Remote Salary Guide\n2026" in reader.pages[0].extract_text()

    # The delivery email arrives through the real SMTP server, and its link downloads the same PDF.
    message = wait_until(lambda: next((m for m in smtp_server.messages() if m["To"] == "e2e@example.com"), None),
                         timeout=30, what="the delivery email")
    emailed = link(message, "/d/")
    assert emailed.startswith(stack.url)
    status, headers, again = visitor.get(emailed.removeprefix(stack.url))
    assert status == 200 and again == body


def test_nothing_is_lost_while_redis_is_down(stack: Stack, redis_alone: RedisServer):
    stack.start_web()
    visitor = Visitor(stack.url)
    redis_alone.stop()
    started = time.monotonic()
    thanks = visitor.submit(email="outage@example.com")
    assert time.monotonic() - started < 10, "the signup must not hang on a dead Redis"
    assert _status(visitor, thanks)["status"] == "queued"

    redis_alone.start()  # the same port, empty: everything it held is gone
    stack.start_worker()
    stack.start_scheduler()  # its relay job finds the outbox row and enqueues it
    final = _wait_ready(visitor, thanks, stack)
    assert final["status"] == "ready", stack.logs()
    status, _, body = visitor.get(final["download_url"])
    assert status == 200 and body.startswith(b"%PDF-")
