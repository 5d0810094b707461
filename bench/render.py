"""Full render: the current edition with WeasyPrint in-process, beside headless Chromium printing the same HTML."""

from __future__ import annotations

import gc
import io
import json
import shutil
import subprocess
import time
from pathlib import Path

from pypdf import PdfReader

from bench.common import Line, percentile
from bench.site import YEAR, Run

NAME = "render"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-pdf-header-footer"]


def _weasyprint(context: dict, count: int) -> tuple[list[float], int]:
    """Render the guide `count` times after a warm-up, as a warm worker does; seconds each, and pages."""
    import pdf

    pdf.warm_up()
    gc.freeze()  # as the worker does after warming up (workers/worker.py)
    times, data = [], b""
    for _ in range(count):
        started = time.perf_counter()
        data = pdf.render_guide(context)
        times.append(time.perf_counter() - started)
    return times, len(PdfReader(io.BytesIO(data)).pages)


def _html_file(context: dict, folder: Path) -> Path:
    """The same HTML WeasyPrint renders, with a <base> so its relative asset URLs resolve."""
    import pdf
    from pdf.render import ASSETS_DIR

    html = pdf.build_html(context)
    base = f'<base href="{ASSETS_DIR.resolve().as_uri()}/">'
    html = html.replace("<head>", "<head>" + base, 1) if "<head>" in html else base + html
    path = folder / "guide.html"
    path.write_text(html, encoding="utf-8")
    return path


def _chromium(html: Path, folder: Path, count: int) -> tuple[list[float], int]:
    """`chromium --headless --print-to-pdf` `count` times, a new browser each time (start-up included)."""
    times, out = [], folder / "chromium.pdf"
    for i in range(count):
        profile = folder / f"chromium-profile-{i}"
        command = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", html.as_uri()]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        times.append(time.perf_counter() - started)
        shutil.rmtree(profile, ignore_errors=True)
    return times, len(PdfReader(out).pages)


def _chromium_warm(html: Path, folder: Path, count: int) -> list[float]:
    """The same print from one running Chromium (Playwright's page.pdf): the render without start-up."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS[1:-1])
        page = browser.new_page()
        for _ in range(count + 1):  # the first print warms the browser up
            started = time.perf_counter()
            page.goto(html.as_uri())
            page.pdf(path=str(folder / "chromium-warm.pdf"), prefer_css_page_size=True)
            times.append(time.perf_counter() - started)
        browser.close()
    return times[1:]


def run(bench: Run) -> list[Line]:
    site = bench.site("sqlite")
    context = json.loads(site.flask("guide", "data", "--year", YEAR))
    weasy, weasy_pages = _weasyprint(context, 2 if bench.quick else 5)
    folder = site.dir / "render"
    folder.mkdir(exist_ok=True)
    chrome, chrome_pages = _chromium(_html_file(context, folder), folder, 1 if bench.quick else 3)
    warm = _chromium_warm(folder / "guide.html", folder, 2 if bench.quick else 5)
    p50, chrome_p50, warm_p50 = percentile(weasy, 50), percentile(chrome, 50), percentile(warm, 50)
    return [
        Line(NAME, f"WeasyPrint full render, p50 (in-process, warm, n={len(weasy)}, {weasy_pages} pages)",
             f"{p50:.2f} s"),
        Line(NAME, "WeasyPrint full render, min", f"{min(weasy):.2f} s"),
        Line(NAME, f"Chromium --print-to-pdf, p50 (new browser each, n={len(chrome)}, {chrome_pages} pages)",
             f"{chrome_p50:.2f} s"),
        Line(NAME, "ratio WeasyPrint / Chromium --print-to-pdf (p50)", f"{p50 / chrome_p50:.2f} x"),
        Line(NAME, f"Chromium already running (Playwright page.pdf), p50 (n={len(warm)})", f"{warm_p50:.2f} s"),
        Line(NAME, "ratio WeasyPrint / Chromium already running (p50)", f"{p50 / warm_p50:.2f} x", "<= 2.5 x",
             p50 / warm_p50 <= 2.5),
    ]
