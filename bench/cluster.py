"""`make cluster`: the service as a small cluster on loopback, then a bounded load run through nginx.

A benchmark, not a test. It starts PostgreSQL, Redis, an S3-compatible bucket (moto's server: no real one
installs here), a mail sink, N gunicorn nodes behind nginx (the shipped site), 3 workers and the scheduler,
then drives the visitor's path: generic signups (wrk, through nginx), personal signups (a bounded number,
from 4 visitors), status polls and downloads (wrk), and waits, bounded, for every render and email.
It runs with 2 nodes and with 1, and prints the figures docs/benchmarks.md records.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

import boto3

from bench import nginx, wrk
from bench.client import Visitor
from bench.common import BIN, Process, free_port, say, wait_for_http
from bench.site import Run, Site

PERSONAL = {"role": "Data Scientist", "seniority": "senior", "currency": "EUR", "city": "lisbon"}
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
WORKERS = 3
NOT_READY = "SELECT count(*) FROM guide_requests WHERE status <> 'ready'"  # generic ones are ready at once
WAIT_LIMIT = 300.0  # seconds to wait for the queued renders and emails before calling them lost


def _bucket(run: Run) -> str:
    """moto's S3 server on a free loopback port with one bucket; returns its endpoint."""
    port = free_port()
    server = Process("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], dict(os.environ), run.dir)
    server.start()
    run.stack.callback(server.stop)
    endpoint = f"http://127.0.0.1:{port}"
    wait_for_http(endpoint + "/moto-api/", server)
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="guides")
    return endpoint


def _cluster(run: Run, nodes: int) -> tuple[Site, str]:
    """Every part started; returns the site and nginx's URL."""
    os.environ.update(CREDENTIALS)  # boto3 here and in every child process
    endpoint = _bucket(run)
    mail_port = free_port()
    site = Site(run, f"cluster-{nodes}", run.postgres_database(f"cluster_{nodes}"))
    site.env.update({**CREDENTIALS, "SALARYGUIDE_PDF_STORE": "s3://guides/pdfs",
                     "SALARYGUIDE_S3_ENDPOINT_URL": endpoint, "SALARYGUIDE_PROXY_HOPS": "1",
                     "SALARYGUIDE_SMTP_URL": f"smtp://127.0.0.1:{mail_port}"})
    mail = Process("mail", [sys.executable, "scripts/smtp_sink.py"], site.env, site.dir).start()
    run.stack.callback(mail.stop)
    say(f"  cluster of {nodes} node(s): migrate, import, publish the edition into the bucket")
    site.prepare()
    webs = [site.gunicorn(f"web-{i}")[1] for i in range(nodes)]
    proxy, front = nginx.start(site.dir / "nginx", site.dir / "unused-store", webs)
    run.stack.callback(proxy.stop)
    for i in range(WORKERS):
        worker = Process(f"worker-{i}", [str(BIN / "flask"), "--app", "wsgi", "worker", "run", "render", "email",
                                         "default"], site.env, site.dir).start()
        run.stack.callback(worker.stop)
    scheduler = Process("scheduler", [str(BIN / "flask"), "--app", "wsgi", "scheduler", "run"], site.env, site.dir)
    run.stack.callback(scheduler.start().stop)
    return site, front


def _personal(front: str, count: int, tag: str) -> list[str]:
    """`count` personal signups from 4 visitors at once, each a new salary (a new render); their paths."""
    paths: list[str] = []
    lock = threading.Lock()

    def visitor(offset: int) -> None:
        client = Visitor(front)
        client.open_form()
        for i in range(offset, count, 4):
            path = client.submit(email=f"p{i}-{tag}@bench.example", salary=str(60_000 + 97 * i), **PERSONAL)
            with lock:
                paths.append(path)
        client.close()

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return paths


def _wait(site: Site, query: str, limit: float) -> float:
    """Poll a count query until it is 0 or `limit` seconds pass; the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if int(site.scalar(query)) == 0:  # type: ignore[call-overload]
            break
        time.sleep(0.5)
    return time.monotonic() - started


def measure(nodes: int, seconds: float, personal: int) -> dict[str, float]:
    """One cluster, one load run; the figures."""
    run = Run(quick=False)
    try:
        site, front = _cluster(run, nodes)
        visitor = Visitor(front)
        post = {"token": visitor.open_form(), "cookie": "; ".join(f"{k}={v}" for k, v in visitor.cookies.items())}
        ready_path = visitor.submit(email="ready@bench.example")
        visitor.close()
        say(f"  generic signups through nginx for {seconds:.0f} s (wrk, 16 connections)")
        before = int(site.scalar("SELECT count(*) FROM guide_requests"))  # type: ignore[call-overload]
        wrk.run(front + "/guide", 2, site.dir, post)  # warm-up
        warm = int(site.scalar("SELECT count(*) FROM guide_requests"))  # type: ignore[call-overload]
        generic = wrk.run(front + "/guide", seconds, site.dir, post)
        stored = int(site.scalar("SELECT count(*) FROM guide_requests")) - warm  # type: ignore[call-overload]
        say(f"  {personal} personal signups from 4 visitors, status polls meanwhile")
        started = time.monotonic()
        paths = _personal(front, personal, f"n{nodes}")
        polls = wrk.run(front + paths[-1] + "/status", seconds / 2, site.dir)
        waited = _wait(site, NOT_READY, WAIT_LIMIT)
        render_minutes = (time.monotonic() - started) / 60
        downloads = wrk.run(front + ready_path + "/download", seconds / 2, site.dir)
        _wait(site, "SELECT count(*) FROM sent_emails WHERE status <> 'sent'", WAIT_LIMIT - waited)
        return {
            "signups_per_s": generic.rate, "p50_ms": generic.p50_ms, "p99_ms": generic.p99_ms,
            "signup_errors": generic.errors, "answered": generic.requests, "stored": stored,
            "lost_signups": max(0, generic.requests - generic.errors - stored),
            "renders_per_minute": personal / render_minutes,
            "requests_not_ready": int(site.scalar(NOT_READY)),  # type: ignore[call-overload]
            "emails": int(site.scalar("SELECT count(*) FROM sent_emails")),  # type: ignore[call-overload]
            "emails_not_sent": int(site.scalar(  # type: ignore[call-overload]
                "SELECT count(*) FROM sent_emails WHERE status <> 'sent'")),
            "outbox_undispatched": int(site.scalar("SELECT count(*) FROM outbox WHERE dispatched_at IS NULL")),  # type: ignore[call-overload]
            "polls_per_s": polls.rate, "poll_p99_ms": polls.p99_ms, "downloads_per_s": downloads.rate,
            "download_p99_ms": downloads.p99_ms, "requests_before": before,
        }
    finally:
        run.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each wrk run")
    parser.add_argument("--personal", type=int, default=60, help="personal signups per run (each one render)")
    parser.add_argument("--nodes", type=int, nargs="+", default=[2, 1])
    options = parser.parse_args()
    if not (wrk.available() and nginx.available()):
        raise SystemExit("wrk and nginx are needed (scripts/install-system.sh --bench)")
    results = {nodes: measure(nodes, options.seconds, options.personal) for nodes in options.nodes}
    keys = list(next(iter(results.values())))
    say("\nfigure".ljust(24) + "".join(f"{n} node(s)".rjust(14) for n in results))
    for key in keys:
        say(key.ljust(23) + "".join(f"{results[n][key]:14,.1f}" for n in results))


if __name__ == "__main__":
    main()
