"""Signup throughput: POST /guide requests/s under gunicorn against a minimal insert-and-redirect Flask app."""

from __future__ import annotations

from bench import wrk
from bench.client import CSRF, Visitor
from bench.common import Line
from bench.site import Run, Site

NAME = "signup"
WARM_UP = 2.0  # seconds of load before each measured run: connections, caches, each worker's first query


def _measure(url: str, seconds: float, folder, post: dict[str, str] | None = None) -> wrk.Result:  # type: ignore[no-untyped-def]
    """A warm-up run, then the measured one."""
    wrk.run(url, WARM_UP, folder, post)
    return wrk.run(url, seconds, folder, post)


def _guide(site: Site, seconds: float) -> tuple[wrk.Result, int]:
    """POST /guide on this site's database; the result and how many more guide requests the database holds."""
    web, url = site.gunicorn(f"web-signup-{site.name}")
    visitor = Visitor(url)
    post = {"token": visitor.open_form(), "cookie": "; ".join(f"{k}={v}" for k, v in visitor.cookies.items())}
    visitor.close()
    before = int(site.scalar("SELECT count(*) FROM guide_requests"))  # type: ignore[call-overload]
    result = _measure(url + "/guide", seconds, site.dir, post)
    web.stop()
    return result, int(site.scalar("SELECT count(*) FROM guide_requests")) - before  # type: ignore[call-overload]


def _minimal(site: Site, seconds: float) -> tuple[wrk.Result, wrk.Result]:
    """The minimal app under the same gunicorn settings: its signup, then a bare hello."""
    env = {"BENCH_MINIMAL_DB": str(site.dir / "minimal.db")}
    web, url = site.gunicorn("web-minimal", app="bench.minimal_app:app", env=env)
    signup = _measure(url + "/signup", seconds, site.dir, {"token": "unused", "cookie": "unused=1"})
    hello = _measure(url + "/hello", seconds, site.dir)
    web.stop()
    return signup, hello


def anatomy(site: Site, count: int) -> tuple[float, float, float]:
    """One POST /guide in-process (Flask's test client, one thread): ms of CPU, SQL statements, commits."""
    import time

    from sqlalchemy import event

    from service.extensions import db

    app, counts = site.app(), {"sql": 0, "commit": 0}
    client = app.test_client()
    token = CSRF.search(client.get("/").data).group(1).decode()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *_: counts.__setitem__("sql", counts["sql"] + 1))
        event.listen(db.engine, "commit", lambda *_: counts.__setitem__("commit", counts["commit"] + 1))
    client.post("/guide", data={"csrf_token": token, "email": "first@anatomy.example"})
    counts.update(sql=0, commit=0)
    started = time.process_time()
    for i in range(count):
        client.post("/guide", data={"csrf_token": token, "email": f"a{i}@anatomy.example"})
    return (time.process_time() - started) / count * 1000, counts["sql"] / count, counts["commit"] / count


def run(bench: Run) -> list[Line]:
    if not wrk.available():
        raise RuntimeError("wrk is not installed (apt-get install -y wrk; `make bench` installs it)")
    seconds = 3.0 if bench.quick else 10.0
    sqlite_site = bench.site("sqlite")
    minimal, hello = _minimal(sqlite_site, seconds)
    guide, stored = _guide(sqlite_site, seconds)
    pg_guide, pg_stored = _guide(bench.site("postgresql"), seconds)
    ratio = guide.rate / minimal.rate
    errors = sum(r.errors for r in (hello, minimal, guide, pg_guide))
    cpu_ms, statements, commits = anatomy(sqlite_site, 50 if bench.quick else 200)
    lost = (guide.requests + pg_guide.requests) - (stored + pg_stored)
    return [
        Line(NAME, "bare hello (GET), requests/s", f"{hello.rate:,.0f} /s"),
        Line(NAME, "minimal app: one SQLite insert + 303, requests/s", f"{minimal.rate:,.0f} /s"),
        Line(NAME, "POST /guide on SQLite, requests/s", f"{guide.rate:,.0f} /s"),
        Line(NAME, "POST /guide on SQLite / minimal app", f"{ratio:.2f} x", ">= 0.25 x", ratio >= 0.25),
        Line(NAME, "POST /guide on SQLite, latency p50 / p99 (16 connections)",
             f"{guide.p50_ms:.0f} / {guide.p99_ms:.0f} ms"),
        Line(NAME, "POST /guide on PostgreSQL, requests/s", f"{pg_guide.rate:,.0f} /s"),
        Line(NAME, "POST /guide on PostgreSQL / minimal app", f"{pg_guide.rate / minimal.rate:.2f} x"),
        Line(NAME, "POST /guide on PostgreSQL, latency p50 / p99 (16 connections)",
             f"{pg_guide.p50_ms:.0f} / {pg_guide.p99_ms:.0f} ms"),
        Line(NAME, "one POST /guide in-process (1 thread, SQLite): CPU", f"{cpu_ms:.1f} ms"),
        Line(NAME, "  SQL statements / commits per POST /guide", f"{statements:.0f} / {commits:.0f}"),
        Line(NAME, "errors (socket errors, timeouts, non-2xx/3xx answers)", str(errors), "0", errors == 0),
        Line(NAME, "  of which hello / minimal app / SQLite / PostgreSQL",
             " / ".join(str(r.errors) for r in (hello, minimal, guide, pg_guide))),
        # wrk stops with requests in flight: those were stored but not counted, so more rows than answers is fine.
        Line(NAME, "answered signups missing from the database", str(max(lost, 0)), "0", lost <= 0),
    ]
