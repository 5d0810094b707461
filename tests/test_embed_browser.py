"""The embeds as the site uses them: a page on another loopback origin frames the salary box and the form
with the snippets of docs/embedding.md; in Chromium the box shows the PDF's figures, the iframes take their
content's height, a visitor signs up inside the iframe and the PDF downloads. An origin not on the list is
refused the frame."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Frame, Page

from pdf.filters import money_k
from tests.conftest import SAMPLE
from tests.services import RedisServer, free_port
from tests.stack import Stack, Visitor

pytestmark = pytest.mark.slow
ROLE = "Senior Data Scientist"


def _role_page(service: str) -> str:
    """A role page of the site, with the two iframes and the one-line script from docs/embedding.md."""
    query = "role=Senior%20Data%20Scientist"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Remote {ROLE} jobs</title></head>
<body><h1>Remote {ROLE} jobs</h1>
<iframe id="box" src="{service}/embed/salary-index?{query}" title="Typical salary" width="100%" height="120"></iframe>
<iframe id="form" src="{service}/embed/guide-form?{query}&utm_campaign=role-pages" title="Remote Salary Guide"
 width="100%" height="120"></iframe>
<script src="{service}/static/embed-host.js" async></script>
</body></html>"""


class _Site:
    """A static site on its own loopback port: another origin than the service."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, _Site, _Site]]:
    """The service (web and worker, the sample data), the listed site and a site that is not on the list."""
    directory = tmp_path_factory.mktemp("embeds")
    listed, stranger = _Site(directory / "listed"), _Site(directory / "stranger")
    redis = RedisServer(directory)
    redis.start()
    service = Stack(directory, redis.url, EMBED_ORIGINS=listed.origin)
    for site in (listed, stranger):
        site.folder.mkdir()
        (site.folder / "role.html").write_text(_role_page(service.url))
    service.flask("db", "upgrade")
    service.flask("salaries", "import", str(SAMPLE), "--format", "aijobs")
    service.start_web()
    service.start_worker()
    yield service, listed, stranger
    service.stop()
    redis.stop()
    listed.stop()
    stranger.stop()


def _frame(page: Page, selector: str) -> Frame:
    frame = page.frame_locator(selector).owner.element_handle().content_frame()
    assert frame is not None
    return frame


def test_a_role_page_on_another_origin_embeds_the_box_and_the_form(sites, browser: Browser):
    service, listed, _ = sites
    answer = json.loads(Visitor(service.url).get("/api/v1/salary-index?role=Senior+Data+Scientist")[2])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(listed.origin + "/role.html")
    box = _frame(page, "#box")
    box.wait_for_selector("text=Typical Senior Data Scientist salary")
    words = " ".join(box.inner_text("body").split())
    assert f"{money_k(answer['p25'])}–{money_k(answer['p75'])}" in words
    assert f"median {money_k(answer['p50'])}" in words and f"{answer['n']:,} remote listings" in words
    # The host script sized each iframe to its content (120 px in the markup; both are taller).
    page.wait_for_function("() => ['box', 'form'].every(id => document.getElementById(id).offsetHeight > 150)")
    heights = page.evaluate("() => ['box', 'form'].map(id => document.getElementById(id).clientHeight)")
    content = box.evaluate("() => Math.ceil(document.documentElement.getBoundingClientRect().height)")
    assert heights[0] == content

    form = _frame(page, "#form")
    assert form.eval_on_selector("#role", "e => e.value") == "Data Scientist"
    form.fill("#email", "embedded-visitor@example.com")
    form.click("button[type=submit]")
    form.wait_for_url("**/embed/guide/*")
    form.wait_for_selector("#download:not([hidden])", timeout=120_000)
    with page.expect_download(timeout=60_000) as started:
        form.click("#download")
    pdf = Path(started.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 100_000
    context.close()


def test_an_origin_not_on_the_list_is_refused_the_frame(sites, browser: Browser):
    service, listed, stranger = sites
    context = browser.new_context()
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "frame-ancestors" in message.text else None)
    page.goto(stranger.origin + "/role.html")
    page.wait_for_load_state("networkidle")
    for selector in ("#box", "#form"):
        frame = _frame(page, selector)
        assert "Typical" not in frame.content() and "email" not in frame.content()
    assert len(refused) == 2, refused
    # The service's own pages may not be framed at all, even by a listed site.
    page.set_content(f'<iframe id="landing" src="{service.url}/"></iframe>')
    page.wait_for_load_state("networkidle")
    assert "Remote Salary Guide" not in _frame(page, "#landing").content()
    context.close()
