"""The visitor's path in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, SAMPLE  # noqa: F401 (CHROMIUM*: for other modules)
from tests.services import RedisServer
from tests.stack import Stack

pytestmark = pytest.mark.slow


@pytest.fixture
def stack(tmp_path: Path):
    redis = RedisServer(tmp_path)
    redis.start()
    running = Stack(tmp_path, redis.url)
    running.flask("db", "upgrade")
    running.flask("salaries", "import", str(SAMPLE), "--format", "aijobs")
    running.start_web()
    running.start_worker()
    yield running
    running.stop()
    redis.stop()


def test_visitor_fills_the_form_and_the_download_starts(stack: Stack, browser, tmp_path: Path):
    page = browser.new_page(accept_downloads=True, viewport={"width": 1200, "height": 800})
    refused: list[str] = []  # what the Content-Security-Policy blocked: nothing, or the page is broken somewhere
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(stack.url + "/")
    page.screenshot(path=tmp_path / "landing.png", full_page=True)
    page.fill("#email", "browser@example.com")
    page.check("input[name=newsletter]")
    with page.expect_download(timeout=90_000) as download_info:
        page.click("button[type=submit]")
        page.wait_for_url("**/guide/*")
        assert page.locator("h1").inner_text() == "Thank you!"
    download = download_info.value
    assert download.suggested_filename == "Remote-Salary-Guide-2026.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    page.wait_for_selector("#download:not([hidden])")
    assert "ready" in page.locator(".state").inner_text()
    page.screenshot(path=tmp_path / "thanks.png", full_page=True)
    assert (tmp_path / "thanks.png").stat().st_size > 0
    assert refused == []


def test_the_download_button_stays_hidden_until_the_pdf_is_ready(stack: Stack, browser):
    worker = stack.processes.pop("worker")
    worker.kill()  # nothing renders: the request stays in the queue
    worker.wait()
    page = browser.new_page()
    page.goto(stack.url + "/")
    page.fill("#email", "waiting@example.com")
    page.click("button[type=submit]")
    page.wait_for_url("**/guide/*")
    assert "queue" in page.locator(".state").inner_text()
    assert not page.locator("#download").is_visible()


def test_bad_email_shows_a_message_on_the_form(stack: Stack, browser):
    page = browser.new_page()
    page.goto(stack.url + "/")
    page.fill("#email", "not-an-address")
    page.click("button[type=submit]")
    assert "doesn't look right" in page.locator(".error").first.inner_text()
    assert page.input_value("#email") == "not-an-address"
