"""Download throughput: a stored PDF via the app (send_file), via X-Accel-Redirect behind nginx, and by nginx alone."""

from __future__ import annotations

import uuid

from bench import nginx, wrk
from bench.client import Visitor
from bench.common import Line, cpu_seconds
from bench.site import Run, Site

NAME = "download"
ACCEL = "/_pdf"  # the internal location of bench/nginx.py, as docs/operations.md sets it up


def _download_path(url: str) -> str:
    """A real visitor's download URL: POST /guide without personal inputs (ready at once)."""
    visitor = Visitor(url)
    visitor.open_form()
    thanks = visitor.submit(email=f"d-{uuid.uuid4().hex[:8]}@bench.example")
    _, status, kind, _ = visitor.first_byte(thanks + "/download")
    visitor.close()
    if status != 200 or kind != "application/pdf":
        # The edition is pre-rendered for the template version at set-up: edits to templates/guide since
        # then make every request wait for a render.
        raise RuntimeError(f"the download answered {status} {kind}, not the PDF: not ready at once")
    return thanks + "/download"


def _measure(url: str, seconds: float, site: Site, app_pid: int | None = None) -> tuple[wrk.Result, float]:
    """A warm-up (connections, page cache), then the measured run; and gunicorn's CPU ms per request."""
    wrk.run(url, 2.0, site.dir)
    before = cpu_seconds(app_pid) if app_pid else 0.0
    result = wrk.run(url, seconds, site.dir)
    return result, ((cpu_seconds(app_pid) - before) / max(result.requests, 1) * 1e3 if app_pid else 0.0)


def run(bench: Run) -> list[Line]:
    if not (wrk.available() and nginx.available()):
        raise RuntimeError("wrk and nginx are needed (apt-get install -y wrk nginx-light; `make bench` does it)")
    seconds = 3.0 if bench.quick else 10.0
    site = bench.site("sqlite")
    sha = site.edition_sha()
    web, url = site.gunicorn("web-download")
    plain, plain_cpu = _measure(url + _download_path(url), seconds, site, web.pid)
    web.stop()
    web, url = site.gunicorn("web-download-accel", ACCEL_REDIRECT=ACCEL)
    proxy, front = nginx.start(site.dir / "nginx", site.pdf_store, url)
    bench.stack.callback(proxy.stop)  # also on failure
    accel, accel_cpu = _measure(front + _download_path(url), seconds, site, web.pid)
    direct, _ = _measure(f"{front}/direct/{sha[:2]}/{sha}.pdf", seconds, site)
    signed, _ = _measure(front + nginx.signed_path(sha), seconds, site)
    proxy.stop()
    web.stop()
    size = direct.bytes / max(direct.requests, 1)
    errors = plain.errors + accel.errors + direct.errors + signed.errors
    short = [r for r in (plain, accel, signed) if r.requests and abs(r.bytes / r.requests - size) > 2048]
    return [
        Line(NAME, f"nginx alone, the file from disk ({size / 1024:.0f} KiB), requests/s",
             f"{direct.rate:,.0f} /s  {direct.megabytes_per_second:,.0f} MB/s"),
        Line(NAME, "X-Accel-Redirect: app (headers) + nginx (file), requests/s",
             f"{accel.rate:,.0f} /s  {accel.megabytes_per_second:,.0f} MB/s"),
        # No target (issue 15): downloads run at several times the signup capacity, so they do not limit a visitor.
        Line(NAME, "X-Accel-Redirect / nginx alone (production, README)", f"{accel.rate / direct.rate:.2f} x"),
        Line(NAME, "send_file under gunicorn, requests/s",
             f"{plain.rate:,.0f} /s  {plain.megabytes_per_second:,.0f} MB/s"),
        Line(NAME, "send_file under gunicorn / nginx alone", f"{plain.rate / direct.rate:.2f} x"),
        Line(NAME, "option: signed link checked by nginx (secure_link, no app)",
             f"{signed.rate:,.0f} /s  {signed.rate / direct.rate:.2f} x"),
        Line(NAME, "gunicorn CPU per download: X-Accel / send_file", f"{accel_cpu:.1f} / {plain_cpu:.1f} ms"),
        Line(NAME, "latency p99: nginx alone / X-Accel / send_file",
             f"{direct.p99_ms:.0f} / {accel.p99_ms:.0f} / {plain.p99_ms:.0f} ms"),
        Line(NAME, "errors (and answers not the whole PDF)", str(errors + len(short)), "0", not errors and not short),
    ]
