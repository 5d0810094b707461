"""Memory: the warm forking worker's RSS after 10 renders and after many more (no growth allowed)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from bench.client import CSRF
from bench.common import ROOT, Line
from bench.personal import PERSONAL, render_path
from bench.site import Run, Site

NAME = "memory"
FIRST = 10


def _queue_personal_requests(site: Site, count: int) -> None:
    """POST `count` personal requests in-process, each with a new salary (a new content key: a real render)."""
    client = site.app().test_client()
    token = CSRF.search(client.get("/").data).group(1).decode()
    for i in range(count):
        answer = client.post("/guide", data={"csrf_token": token, "email": f"m{i}@memory.example",
                                             "salary": str(60_000 + 211 * i), **PERSONAL})
        if answer.status_code != 303:
            raise RuntimeError(f"POST /guide answered {answer.status_code}")


def _probe(site: Site, last: int) -> tuple[list[dict], float]:
    """Run the service's worker over the queue in burst mode; its checkpoints and the seconds it took."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.memory_probe", str(FIRST), str(last)], cwd=ROOT,
                          env=site.env, capture_output=True, text=True, timeout=3600)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or len(lines) < 2:
        raise RuntimeError(f"the worker probe stopped early ({done.returncode}):\n{done.stderr[-3000:]}")
    return lines, time.perf_counter() - started


def _growth(before: int, after: int) -> float:
    return (after - before) / before


def run(bench: Run) -> list[Line]:
    site = bench.site("sqlite")
    path = render_path()
    # A full render takes seconds: 200 of them would take most of the run's budget, so fewer then.
    last = 30 if bench.quick else (200 if path.startswith("short") else 100)
    _queue_personal_requests(site, last)
    (first, end), seconds = _probe(site, last)
    # Each of the newest `last` requests must be ready with a PDF of its own: a render, not a no-op.
    newest = f"(SELECT status, content_key FROM guide_requests ORDER BY id DESC LIMIT {last}) AS newest"
    ready = site.scalar(f"SELECT count(DISTINCT content_key) FROM {newest} WHERE status = 'ready'")
    parent = _growth(first["parent_hwm_kb"], end["parent_hwm_kb"])
    children = _growth(first["children_max_kb"], end["children_max_kb"])
    horses = _growth(first["last_ten_horses_max_kb"], end["last_ten_horses_max_kb"])
    mib = 1024
    return [
        Line(NAME, f"rendered: {last} personal guide requests through the service's worker", ""),
        Line(NAME, f"  path: {path}", ""),
        Line(NAME, f"  {seconds:.0f} s for the {last} jobs, the worker's start included", ""),
        Line(NAME, f"worker parent peak RSS after {FIRST} / {last} renders",
             f"{first['parent_hwm_kb'] / mib:.0f} / {end['parent_hwm_kb'] / mib:.0f} MiB", "growth <= 20%",
             parent <= 0.2),
        Line(NAME, f"work horses' peak RSS after {FIRST} / {last} renders (RUSAGE_CHILDREN)",
             f"{first['children_max_kb'] / mib:.0f} / {end['children_max_kb'] / mib:.0f} MiB", "growth <= 20%",
             children <= 0.2),
        Line(NAME, f"  peak of renders 1-{FIRST} / {last - 9}-{last} (each horse's wait4)",
             f"{first['last_ten_horses_max_kb'] / mib:.0f} / {end['last_ten_horses_max_kb'] / mib:.0f} MiB"
             f"  {horses:+.0%}"),
        Line(NAME, "failed render jobs", str(end["failed"]), "0", end["failed"] == 0),
        Line(NAME, "requests ready, each with its own PDF", f"{ready} / {last}", "all", ready == last),
    ] + ([Line(NAME, f"  first failure: {end['first_failure']}"[:120], "")] if end["failed"] else [])
