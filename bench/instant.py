"""Instant download: POST /guide to the first byte of the PDF, without personal inputs, at 16 visitors."""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import dataclass, field

from bench.client import Visitor
from bench.common import Line, cpu_seconds, percentile
from bench.site import Run

NAME = "instant"
VISITORS = 16
WARM_UP = 2  # rounds per visitor before the clock starts: connections, each gunicorn thread's first query
TIME_CAP = 60.0  # seconds; the measured rounds stop here even if unfinished


@dataclass
class Outcome:
    """Per round: (POST -> first PDF byte, POST -> 303, download -> first byte) in ms; errors; costs."""

    samples: list[tuple[float, float, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0

    def p(self, q: float, column: int = 0) -> float:
        return percentile([s[column] for s in self.samples], q)


def _visitor(url: str, number: int, rounds: int, start: threading.Barrier, out: Outcome, period: float) -> None:
    """One visitor: the form once, then POST and download again and again, a round every `period` seconds
    (0: no pause between rounds)."""
    visitor, tag = Visitor(url), uuid.uuid4().hex[:8]
    try:
        visitor.open_form()
        deadline = None
        for i in range(WARM_UP + rounds):
            if i == WARM_UP:
                start.wait()
                deadline = time.perf_counter() + TIME_CAP
                time.sleep(period * number / VISITORS)  # spread paced visitors over the period, not in lockstep
            posted = time.perf_counter()
            thanks = visitor.submit(email=f"v{number}-{i}-{tag}@bench.example")
            answered = time.perf_counter()
            arrived, status, kind, _ = visitor.first_byte(thanks + "/download")
            if status != 200 or kind != "application/pdf":
                out.errors.append(f"download answered {status} {kind}: not ready at commit")
            elif i >= WARM_UP:
                out.samples.append(((arrived - posted) * 1e3, (answered - posted) * 1e3, (arrived - answered) * 1e3))
            if deadline and time.perf_counter() > deadline:
                break
            time.sleep(max(0.0, posted + period - time.perf_counter()))
    except Exception as exc:  # noqa: BLE001 (reported as an error line, not a crash of the whole run)
        out.errors.append(repr(exc))
        start.abort()
    finally:
        visitor.close()


def measure(url: str, server_pid: int, visitors: int, rounds: int, period: float = 0.0) -> Outcome:
    """Run `visitors` concurrent visitors for `rounds` measured rounds each."""
    out, start = Outcome(), threading.Barrier(visitors + 1)
    threads = [threading.Thread(target=_visitor, args=(url, n, rounds, start, out, period))
               for n in range(visitors)]
    for thread in threads:
        thread.start()
    try:
        start.wait()
    except threading.BrokenBarrierError:
        pass  # a visitor failed before the start: its error is reported
    began, client, server = time.perf_counter(), os.times(), cpu_seconds(server_pid)
    for thread in threads:
        thread.join()
    out.wall, used = time.perf_counter() - began, os.times()
    out.client_cpu = used.user - client.user + used.system - client.system
    out.server_cpu = cpu_seconds(server_pid) - server
    if not out.samples:
        raise RuntimeError(f"no visitor completed a round: {out.errors[:3]}")
    return out


def run(bench: Run) -> list[Line]:
    site = bench.site("sqlite")
    web, url = site.gunicorn("web-instant")
    alone = measure(url, web.pid, 1, 10 if bench.quick else 50)
    busy = measure(url, web.pid, VISITORS, 5 if bench.quick else 30)
    served = len(busy.samples) / busy.wall
    # The same 16 visitors, each pausing between rounds so together they ask for half what the server
    # managed flat out: the latency of a busy but not saturated machine.
    paced = measure(url, web.pid, VISITORS, 5 if bench.quick else 20, period=VISITORS / (served / 2))
    web.stop()
    pg_web, pg_url = bench.site("postgresql").gunicorn("web-instant-pg")
    pg = measure(pg_url, pg_web.pid, VISITORS, 5 if bench.quick else 30)
    pg_web.stop()
    errors = alone.errors + busy.errors + paced.errors + pg.errors
    n = len(busy.samples)
    return [
        Line(NAME, f"POST /guide -> first PDF byte, p50 ({VISITORS} visitors, n={n}, SQLite)",
             f"{busy.p(50):.1f} ms", "<= 50 ms", busy.p(50) <= 50),
        Line(NAME, f"POST /guide -> first PDF byte, p99 ({VISITORS} visitors)",
             f"{busy.p(99):.1f} ms", "<= 150 ms", busy.p(99) <= 150),
        Line(NAME, "  of which POST /guide -> 303, p50", f"{busy.p(50, 1):.1f} ms"),
        Line(NAME, "  of which GET download -> first byte, p50", f"{busy.p(50, 2):.1f} ms"),
        Line(NAME, f"  visitors served per second ({VISITORS} visitors, no pause)", f"{served:.0f} /s"),
        Line(NAME, "  gunicorn CPU per visitor (POST + whole PDF)",
             f"{busy.server_cpu / n * 1e3:.1f} ms"),
        Line(NAME, "  client CPU (share of one core; 2 cores in all)", f"{busy.client_cpu / busy.wall:.0%}"),
        Line(NAME, f"paced at half that ({served / 2:.0f} visitors/s): p50 / p99",
             f"{paced.p(50):.0f} / {paced.p(99):.0f} ms"),
        Line(NAME, f"POST /guide -> first PDF byte, p50 (1 visitor, n={len(alone.samples)})",
             f"{alone.p(50):.1f} ms"),
        Line(NAME, "POST /guide -> first PDF byte, p99 (1 visitor)", f"{alone.p(99):.1f} ms"),
        Line(NAME, f"on PostgreSQL: p50 ({VISITORS} visitors)", f"{pg.p(50):.0f} ms"),
        Line(NAME, f"on PostgreSQL: p99 ({VISITORS} visitors)", f"{pg.p(99):.0f} ms", "<= 150 ms", pg.p(99) <= 150),
        Line(NAME, "  POST /guide -> 303 p50, visitors/s", f"{pg.p(50, 1):.0f} ms, {len(pg.samples) / pg.wall:.0f} /s"),
        Line(NAME, "errors (any answer but 303, then 200 application/pdf)", str(len(errors)), "0", not errors),
    ] + ([Line(NAME, f"  first error: {errors[0][:80]}", "")] if errors else [])
