"""Personal guide: POST /guide with personal inputs to status "ready", with a warm worker waiting."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench.client import Visitor
from bench.common import ROOT, Line, percentile, wait_until
from bench.site import Run, Site

NAME = "personal"
PERSONAL = {"role": "Data Scientist", "seniority": "senior", "currency": "EUR", "city": "lisbon"}
POLL = 0.01  # seconds between status polls: fine enough not to add to the figure
TIMEOUT = 120.0


def render_path() -> str:
    """Which code path a personal request takes today, read from the code that fulfils it."""
    import pdf

    # A merge into the stored edition calls pdf.merge_personal; the full render never does.
    sources = [*(ROOT / "service" / "guide").glob("*.py"), *Path(pdf.__file__).parent.glob("*.py")]
    if any("merge_personal(" in path.read_text() for path in sources if path.name != "merge.py"):
        return "short insert merged into the stored edition (pdf/merge.py)"
    return "full render of the whole guide (no merge path in the code yet)"


def _one(visitor: Visitor, salary: int, tag: str) -> tuple[float, str]:
    """POST a personal request and poll its status until it is ready; (seconds, final status)."""
    posted = time.perf_counter()
    thanks = visitor.submit(email=f"p{salary}-{tag}@bench.example", salary=str(salary), **PERSONAL)
    deadline = posted + TIMEOUT
    while time.perf_counter() < deadline:
        status, body = visitor.get(thanks + "/status")
        state = json.loads(body)["status"] if status == 200 else f"HTTP {status}"
        if state in ("ready", "failed") or state.startswith("HTTP"):
            return time.perf_counter() - posted, state
        time.sleep(POLL)
    return TIMEOUT, "timed out"


def _worker_ready(site: Site) -> None:
    """Wait until the worker has warmed up and registered with Redis."""
    import redis
    from rq import Worker

    connection = redis.Redis.from_url(site.env["SALARYGUIDE_REDIS_URL"])
    wait_until(lambda: Worker.all(connection=connection), timeout=120, interval=0.2, what="the worker")


def _timeline(site: Site, ids: list[int]) -> dict[str, float]:
    """Medians, in ms, of where each request's time went after the job was enqueued, from RQ's job timestamps
    and the request's ready_at (its created_at is SQLite's, to the second): waiting for the worker (dequeue
    and fork), the job up to its ready commit, and RQ finishing the job after that."""
    import redis
    from rq.job import Job

    connection = redis.Redis.from_url(site.env["SALARYGUIDE_REDIS_URL"])
    spans: dict[str, list[float]] = {"enqueued -> job started": [], "job started -> ready": [],
                                     "ready -> job ended": []}
    for request_id in ids:
        ready = site.column(f"SELECT ready_at FROM guide_requests WHERE id = {request_id}")[0]
        job = Job.fetch(f"render-{request_id}", connection=connection)
        moments = [_utc(job.enqueued_at), _utc(job.started_at), _utc(ready), _utc(job.ended_at)]
        for name, (start, end) in zip(spans, zip(moments, moments[1:], strict=False), strict=True):
            spans[name].append((end - start).total_seconds() * 1000)
    return {name: percentile(values, 50) for name, values in spans.items()}


def _utc(value: object) -> datetime:
    """A timestamp from SQLite (text or naive, UTC) or RQ (naive or aware UTC) as an aware datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run(bench: Run) -> list[Line]:
    site = bench.site("sqlite")
    web, url = site.gunicorn("web-personal")
    # The render queue only: this measures a render waiting for nothing but the worker (an email job
    # ahead of it would add its own time; in production the email queue has its own worker or waits).
    worker = site.worker("render")
    _worker_ready(site)
    visitor, tag = Visitor(url), uuid.uuid4().hex[:8]
    visitor.open_form()
    count, times, failures = (3 if bench.quick else 10), [], []
    for i in range(count + 1):  # the first request is a warm-up (first connection of each process)
        elapsed, state = _one(visitor, 90_000 + 137 * i, tag)  # a new salary each time: a new content key
        if state != "ready":
            failures.append(state)
        elif i:
            times.append(elapsed * 1000)
        time.sleep(0.5)  # let the worker return to idle, as between real visitors
    visitor.close()
    worker.stop()  # before the memory benchmark: its own worker must be the only one on the queue
    web.stop()
    if not times:
        raise RuntimeError(f"no personal guide became ready: {failures[:3]}\n{worker.tail()}")
    p50 = percentile(times, 50)
    # What the job itself spent making each PDF (rendering.py records it), the rest being queue and commits.
    made = site.column("SELECT r.render_ms FROM guide_requests g JOIN rendered_pdfs r ON r.content_key = g.content_key"
                       f" WHERE g.personal IS NOT NULL ORDER BY g.id DESC LIMIT {len(times)}")
    ids = site.column(f"SELECT id FROM guide_requests WHERE personal IS NOT NULL ORDER BY id DESC LIMIT {len(times)}")
    timeline = _timeline(site, ids)
    return [
        Line(NAME, f"POST /guide -> status ready, p50 (n={len(times)}, one at a time)", f"{p50:.0f} ms",
             "<= 150 ms", p50 <= 150),
        Line(NAME, "POST /guide -> status ready, max", f"{max(times):.0f} ms"),
        Line(NAME, "  of which making the PDF in the job (render_ms), p50", f"{percentile(made, 50):.0f} ms"),
        *(Line(NAME, f"    {name}, p50", f"{ms:.0f} ms") for name, ms in timeline.items()),
        Line(NAME, f"  path measured: {render_path()}"[:80], ""),
        Line(NAME, "requests not ready (failed or timed out)", str(len(failures)), "0", not failures),
    ]
