"""Every page a person sees, in a real browser: no axe-core violations, valid HTML under v.Nu, and a screenshot.

axe-core and vnu-jar come from npm (tests/js, installed by scripts/install-node.sh). axe is injected into a
context that bypasses the Content-Security-Policy, since the policy rightly refuses an injected script; the
policy itself is tested in tests/test_browser.py and tests/test_headers.py. Screenshots at 1280 and 390 px
wide go to $SALARYGUIDE_SCREENSHOTS when it is set (to look at them), else to the test's temporary folder.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import SAMPLE
from tests.services import RedisServer, wait_until
from tests.stack import ROOT, Stack, Visitor

pytestmark = pytest.mark.slow
NODE_MODULES = ROOT / "tests" / "js" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
WIDTHS = {"wide": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
STAFF = ("pages@remnavi.example", "correct horse battery staple")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The service with the sample data, a rendered edition, a staff account and one ready guide."""
    directory = tmp_path_factory.mktemp("pages")
    redis = RedisServer(directory)
    redis.start()
    running = Stack(directory, redis.url)
    running.flask("db", "upgrade")
    running.flask("salaries", "import", str(SAMPLE), "--format", "aijobs")
    running.flask("admin", "create-user", STAFF[0], "--password-stdin", input=STAFF[1] + "\n")
    running.start_web()
    running.start_worker()
    yield running
    running.stop()
    redis.stop()


@pytest.fixture(scope="module")
def ready_guide(site: Stack) -> str:
    """The thank-you page of a personal guide once its PDF is ready."""
    visitor = Visitor(site.url)
    path = visitor.submit(email="pages@example.com", newsletter="y", role="Data Scientist", seniority="senior",
                          salary="95000", currency="EUR", city="lisbon")
    wait_until(lambda: json.loads(visitor.get(path + "/status")[2])["status"] == "ready", timeout=120,
               what="the personal guide")
    return path


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SALARYGUIDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _violations(page: Page) -> list[dict]:
    """What axe-core finds on the page as it is now, every rule axe runs by default."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document)).violations.map("
                         "v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target)}))")


def _look(browser: Browser, url: str, name: str, shots: Path, *, sign_in: bool = False) -> dict[str, str]:
    """The page at both widths: its axe violations (none expected), a screenshot each, and its HTML."""
    found, html = {}, ""
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        page = context.new_page()
        if sign_in:
            page.goto(url.split("/admin")[0] + "/admin/login")
            page.fill("#email", STAFF[0])
            page.fill("#password", STAFF[1])
            page.click("button[type=submit]")
            page.wait_for_url("**/admin/")
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)
        html = html or page.content()  # before axe's script is added to it
        found[width] = json.dumps(_violations(page), indent=1)
        context.close()
    assert found == {"wide": "[]", "phone": "[]"}, f"{name}: axe-core violations"
    return {name: html}


def _invalid(pages: dict[str, str], folder: Path) -> list[str]:
    """v.Nu's errors for each page's HTML, as served, and for the stylesheets."""
    files = []
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html)
        files.append(str(folder / f"{name}.html"))
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--also-check-css", "--format", "json", *files,
                             *map(str, sorted((ROOT / "static").glob("*.css")))],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages]


def _served(site: Stack, path: str) -> str:
    """The HTML exactly as the server sends it, not as the browser's DOM has it after scripts ran."""
    status, _, body = Visitor(site.url).get(path)
    assert status == 200, path
    return body.decode()


def test_every_page_is_accessible_and_valid(site: Stack, ready_guide: str, browser: Browser, shots: Path,
                                            tmp_path: Path):
    pages = {}
    for name, path in {"landing": "/", "thanks": ready_guide, "privacy": "/privacy",
                       "embed-salary-index": "/embed/salary-index?role=Staff%20ML%20Engineer",
                       "embed-salary-own-band": "/embed/salary-index?role=Senior%20Data%20Scientist",
                       "embed-guide-form": "/embed/guide-form?role=Senior%20Data%20Scientist"}.items():
        _look(browser, site.url + path, name, shots)
        pages[name] = _served(site, path)
    pages.update(_look(browser, site.url + "/admin/login", "admin-login", shots))
    pages.update(_look(browser, site.url + "/admin/", "admin-dashboard", shots, sign_in=True))
    assert _invalid(pages, tmp_path) == []


def test_a_form_with_errors_is_accessible(site: Stack, browser: Browser, shots: Path):
    context = browser.new_context(viewport=WIDTHS["phone"], bypass_csp=True)
    page = context.new_page()
    page.goto(site.url + "/")
    page.fill("#email", "not an address")
    page.click("button[type=submit]")
    page.wait_for_selector("[role=alert]")
    page.screenshot(path=shots / "landing-error-phone.png", full_page=True)
    assert _violations(page) == []
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    context.close()
