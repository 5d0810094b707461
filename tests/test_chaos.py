"""Faults injected from outside into real processes: nothing committed is lost, every request ends.

Each test runs the service as separate processes (gunicorn, the warm worker, the scheduler, or the whole
`make run` set under supervisord) on loopback, and hurts one of them with a real signal.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from service.mail import sink
from tests.conftest import SAMPLE
from tests.services import PostgresServer, RedisServer, children, free_port, wait_until
from tests.stack import BIN, ROOT, Stack, Visitor

pytestmark = [pytest.mark.chaos, pytest.mark.slow]
PERSONAL = {"role": "Data Scientist", "seniority": "senior", "salary": "90000", "currency": "EUR", "city": "lisbon"}
FAST = {"JOB_RETRY_BACKOFF": "1", "SIGNUP_RATE_LIMIT": "10000 per minute", "DELIVERY_EMAILS_PER_DAY": "100"}


@pytest.fixture
def redis_alone(tmp_path: Path):
    """A Redis of this test's own, which the test may pause, stop and start."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process is not None:
        server.process.send_signal(signal.SIGCONT)
    server.stop()


def _stack(tmp_path: Path, redis_url: str, **settings: str) -> Stack:
    running = Stack(tmp_path, redis_url, **{**FAST, **settings})
    running.flask("db", "upgrade")
    running.flask("salaries", "import", str(SAMPLE), "--format", "aijobs")
    return running


def _status(visitor: Visitor, thanks: str) -> dict:
    status, _, body = visitor.get(thanks + "/status")
    assert status == 200, body
    return json.loads(body)


def _all_end_ready(visitor: Visitor, pages: list[str], stack: Stack | Supervised, timeout: float = 180) -> None:
    def ended() -> bool:
        return all(_status(visitor, page)["status"] in ("ready", "failed") for page in pages)

    try:
        wait_until(ended, timeout=timeout, interval=0.5, what="every request to end")
    except TimeoutError:
        statuses = [_status(visitor, p)["status"] for p in pages]
        waiting = {s: statuses.count(s) for s in set(statuses) - {"ready", "failed"}}
        pytest.fail(f"of {len(pages)} requests still waiting after {timeout:.0f} s: {waiting}\n{stack.logs()}")
    assert [_status(visitor, p)["status"] for p in pages] == ["ready"] * len(pages), stack.logs()


def test_a_work_horse_killed_mid_render_is_retried_and_the_request_ends_ready(tmp_path, redis_alone, smtp_server):
    smtp_server.clear()
    stack = _stack(tmp_path, redis_alone.url, SMTP_URL=smtp_server.url)
    try:
        stack.start_web()
        stack.start_worker()
        worker = stack.processes["worker"].pid
        # The worker's one long-lived child is RQ's scheduler process: every other child is a work horse.
        started = wait_until(lambda: re.search(r"Scheduler for .* started with PID (\d+)", stack.logs()),
                             timeout=90, what="the worker's warm-up and its scheduler")
        before = {int(started.group(1))}
        visitor = Visitor(stack.url)
        # No personal base is stored yet, so this job renders the whole guide first: seconds to catch it in.
        thanks = visitor.submit(email="killed@example.com", **PERSONAL)
        horse = wait_until(lambda: children(worker) - before, timeout=60, interval=0.02, what="the work horse")
        for pid in horse:
            os.kill(pid, signal.SIGKILL)
        _all_end_ready(visitor, [thanks], stack)
        log = stack.logs()
        assert "Work-horse terminated unexpectedly" in log or "Work horse killed" in log, log
        wait_until(lambda: smtp_server.envelopes(), timeout=30, what="the delivery email")
        time.sleep(2)  # a duplicate would come from a retry in the next moments
        assert [e.rcpt_tos for e in smtp_server.envelopes()] == [("killed@example.com",)]
    finally:
        stack.stop()


class Supervised:
    """`make run`'s process set: supervisord with scripts/supervisord.conf, on free loopback ports."""

    def __init__(self, directory: Path) -> None:
        self.instance = directory / "instance"
        self.instance.mkdir(parents=True)
        self.port = free_port()
        self.env = {**os.environ, "SALARYGUIDE_INSTANCE_PATH": str(self.instance), "SALARYGUIDE_WORKERS": "1",
                    "SALARYGUIDE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
                    "SALARYGUIDE_BIND": f"127.0.0.1:{self.port}", "SALARYGUIDE_WEB_WORKERS": "1",
                    "SALARYGUIDE_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",
                    "SALARYGUIDE_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
                    **{f"SALARYGUIDE_{k}": v for k, v in FAST.items()}}
        self.log = open(directory / "supervisord.out", "ab")  # noqa: SIM115 (closed in stop())
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([str(BIN / "supervisord"), "-c", "scripts/supervisord.conf"], cwd=ROOT,
                                        env=self.env, stdout=self.log, stderr=self.log)

    def ctl(self, *args: str) -> str:
        run = subprocess.run([str(BIN / "supervisorctl"), "-c", "scripts/supervisord.conf", *args], cwd=ROOT,
                             env=self.env, capture_output=True, text=True, timeout=30)
        return run.stdout

    def pid(self, name: str) -> int:
        return int(self.ctl("pid", name).strip() or 0)

    def answers(self) -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5).close()
            return True
        except OSError:
            return False

    def logs(self) -> str:
        return (self.log.name and Path(self.log.name).read_text(errors="replace"))[-6000:]

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
            self.process.wait(timeout=60)
        self.log.close()


def test_under_the_supervisor_a_killed_worker_comes_back_and_the_rest_keep_serving(tmp_path, sqlite_sample_template):
    supervised = Supervised(tmp_path)
    shutil.copyfile(sqlite_sample_template, supervised.instance / "salaryguide.db")
    supervised.start()
    try:
        wait_until(supervised.answers, timeout=90, what="the web under supervisord")
        worker = wait_until(lambda: supervised.pid("worker:worker-0"), timeout=60, what="the worker")
        web, redis_pid = supervised.pid("web"), supervised.pid("redis")
        os.kill(worker, signal.SIGKILL)  # the worker's parent, as an operator's `kill -9` would
        assert supervised.answers()  # the others go on serving meanwhile
        back = wait_until(lambda: (pid := supervised.pid("worker:worker-0")) not in (0, worker) and pid,
                          timeout=60, what="the worker restarted")
        assert back != worker and (supervised.pid("web"), supervised.pid("redis")) == (web, redis_pid)
        visitor = Visitor(f"http://127.0.0.1:{supervised.port}")
        pages = [visitor.submit(email=f"after-kill-{n}@example.com", **PERSONAL) for n in range(3)]
        _all_end_ready(visitor, pages, supervised)
        assert "RUNNING" in supervised.ctl("status", "worker:worker-0")
    finally:
        supervised.stop()
    assert supervised.process is not None and supervised.process.returncode == 0  # Ctrl-C stopped everything


def _submit_timed(visitor: Visitor, email: str, results: list, timeout: float) -> None:
    started = time.monotonic()
    try:
        page = visitor.submit_within(timeout, email=email)
        results.append((time.monotonic() - started, page, email))
    except (OSError, urllib.error.URLError) as exc:
        results.append((time.monotonic() - started, exc, email))


def _round(visitors: list[Visitor], label: str, results: list) -> None:
    """Each visitor signs up once, all at the same time."""
    threads = [threading.Thread(target=_submit_timed, args=(v, f"{label}-{n}@example.com", results, 3))
               for n, v in enumerate(visitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _summary(results: list) -> str:
    latencies = sorted(r[0] for r in results)
    return (f"{len(latencies)} signups, p50 {latencies[len(latencies) // 2]:.3f} s, "
            f"p99 {latencies[max(int(len(latencies) * 0.99) - 1, 0)]:.3f} s, max {latencies[-1]:.3f} s")


def test_with_redis_paused_every_signup_is_answered_and_none_is_lost(tmp_path, redis_alone, smtp_server):
    smtp_server.clear()
    stack = _stack(tmp_path, redis_alone.url, SMTP_URL=smtp_server.url)
    try:
        stack.start_web()
        stack.start_worker()
        stack.start_scheduler()
        visitors = [Visitor(stack.url) for _ in range(8)]
        baseline: list = []
        for _ in range(3):  # the same load before the pause: what a visitor waits on this machine anyway
            _round(visitors, "before", baseline)
        assert redis_alone.process is not None
        redis_alone.process.send_signal(signal.SIGSTOP)
        results: list = []
        paused_until = time.monotonic() + 10
        count = 0
        while time.monotonic() < paused_until:
            _round(visitors, f"paused-{count}", results)
            count += 1
        redis_alone.process.send_signal(signal.SIGCONT)
        failures = [r for r in results if not isinstance(r[1], str)]
        assert not failures, f"{failures}\n{stack.logs()}"  # every one answered within the client's 3 s
        print(f"8 visitors, landing page + POST /guide: before the pause {_summary(baseline)}; "
              f"Redis paused 10 s {_summary(results)}")
        # What waited in the outbox reaches the worker now: the bound grows with how many signups this machine
        # made in the pause (a faster one makes more), about 0.3 s of worker time each for the job and the email.
        pages, bound = [r[1] for r in results + baseline], 120 + 0.3 * len(results + baseline)
        _all_end_ready(visitors[0], pages, stack, timeout=bound)
        wait_until(lambda: len(smtp_server.envelopes()) >= len(pages), timeout=bound, interval=1,
                   what="a delivery email for every signup")
        assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes()) == sorted(r[2] for r in results + baseline)
    finally:
        stack.stop()


def test_a_restarted_postgresql_loses_no_committed_signup(tmp_path, redis_alone):
    server = PostgresServer()
    server.start()
    try:
        subprocess.run([*server.as_user, str(server.bin / "createdb"), "-h", "127.0.0.1", "-p", str(server.port),
                        "-U", "postgres", "chaos"], check=True)
        stack = _stack(tmp_path, redis_alone.url, DATABASE_URL=server.url("chaos"))
        try:
            stack.start_web()
            stack.start_worker()
            stack.start_scheduler()
            visitor, pages, answers = Visitor(stack.url), [], []
            stop = threading.Event()

            def keep_signing_up() -> None:
                n = 0
                while not stop.is_set():
                    n += 1
                    try:
                        pages.append(visitor.submit(email=f"pg-{n}@example.com"))
                        answers.append(303)
                    except urllib.error.HTTPError as error:
                        answers.append(error.code)
                    except OSError as error:
                        answers.append(str(error))
                    time.sleep(0.05)

            thread = threading.Thread(target=keep_signing_up)
            thread.start()
            time.sleep(4)
            server._run("pg_ctl", "-D", str(server.directory / "data"), "-m", "fast", "-w", "restart")
            time.sleep(4)
            stop.set()
            thread.join(timeout=60)
            assert set(answers) <= {303, 503}, f"{answers}\n{stack.logs()}"  # a 503 says try again; never a 500
            assert answers.count(303) >= 3, answers
            _all_end_ready(visitor, pages, stack)
            print(f"PostgreSQL restarted under signups: answers {answers}")
        finally:
            stack.stop()
    finally:
        server.stop()


def test_mail_queued_while_smtp_is_down_goes_out_once_it_returns(tmp_path, redis_alone):
    port = free_port()  # nothing listens here until the server "comes back"
    stack = _stack(tmp_path, redis_alone.url, SMTP_URL=f"smtp://127.0.0.1:{port}", EMAIL_RETRY_AFTER="2",
                   EMAIL_MAX_ATTEMPTS="20")
    try:
        stack.flask("guide", "publish", "--year", "2026")
        stack.start_web()
        stack.start_worker()
        stack.start_scheduler()
        visitor = Visitor(stack.url)
        addresses = [f"smtp-down-{n}@example.com" for n in range(5)]
        for address in addresses:
            visitor.submit(email=address)
        wait_until(lambda: "Connection refused" in stack.logs(), timeout=60, what="a failed send")
        time.sleep(6)  # down a while longer: retries and sweeps run into the closed port
        controller, store = sink.start("127.0.0.1", port, tmp_path / "mail")
        try:
            wait_until(lambda: len(store.received) >= len(addresses), timeout=90, interval=0.5,
                       what="every delivery email")
            time.sleep(5)  # a duplicate would arrive with the next sweeps
            assert sorted(r.rcpt_tos[0] for r in store.received) == sorted(addresses), stack.logs()
        finally:
            controller.stop()
    finally:
        stack.stop()
