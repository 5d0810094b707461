"""`python -m bench.fault_drill`: `make run`'s processes under supervisord, hurt from outside while visitors sign up.

Prints what an operator would check afterwards: every request ready (none stuck, none failed), one delivery
email each, and how long signups took while Redis was paused. Not a test: a drill with figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.error
from pathlib import Path

from tests.conftest import SAMPLE
from tests.services import children, free_port, wait_until
from tests.stack import BIN, ROOT, Visitor

PERSONAL = {"role": "Data Scientist", "seniority": "senior", "salary": "90000", "currency": "EUR", "city": "lisbon"}


def _env(instance: Path, port: int) -> dict[str, str]:
    return {**os.environ, "SALARYGUIDE_INSTANCE_PATH": str(instance), "SALARYGUIDE_WORKERS": "1",
            "SALARYGUIDE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "SALARYGUIDE_BIND": f"127.0.0.1:{port}",
            "SALARYGUIDE_SMTP_URL": f"smtp://127.0.0.1:{free_port()}", "SALARYGUIDE_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "SALARYGUIDE_SIGNUP_RATE_LIMIT": "100000 per minute", "SALARYGUIDE_DELIVERY_EMAILS_PER_DAY": "1000",
            "SALARYGUIDE_RENDER_STALE_AFTER": "30", "SALARYGUIDE_SWEEP_INTERVAL": "10"}


def _ctl(env: dict[str, str], *args: str) -> str:
    return subprocess.run([str(BIN / "supervisorctl"), "-c", "scripts/supervisord.conf", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signups", type=int, default=200)
    parser.add_argument("--horse-kills", type=int, default=18)
    parser.add_argument("--pause", type=float, default=20.0, help="seconds Redis is paused (SIGSTOP)")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sg-drill-"))
    instance, port = folder / "instance", free_port()
    instance.mkdir()
    env = _env(instance, port)
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "salaries", "import", str(SAMPLE), "--format", "aijobs"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    log = open(folder / "supervisord.out", "wb")  # noqa: SIM115
    supervisor = subprocess.Popen([str(BIN / "supervisord"), "-c", "scripts/supervisord.conf"], cwd=ROOT, env=env,
                                  stdout=log, stderr=log)
    try:
        visitor = Visitor(f"http://127.0.0.1:{port}")
        wait_until(lambda: _answers(visitor), timeout=120, interval=0.5, what="the web")
        pages: list[str] = []
        latencies: list[tuple[float, str]] = []
        lock = threading.Lock()

        def sign_up(n: int) -> None:
            started = time.monotonic()
            try:
                page = Visitor(visitor.base_url).submit(email=f"drill-{n}@example.com", **PERSONAL)
                outcome = "303"
            except (urllib.error.URLError, OSError) as exc:
                page, outcome = "", repr(exc)
            with lock:
                if page:
                    pages.append(page)
                latencies.append((time.monotonic() - started, outcome))

        def visitors(count: int, offset: int) -> None:
            for batch in range(0, count, 8):
                size = min(8, count - batch)
                threads = [threading.Thread(target=sign_up, args=(offset + batch + i,)) for i in range(size)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()

        load = threading.Thread(target=visitors, args=(options.signups, 0))
        load.start()
        kills, resident, seen = 0, set(), 0
        while load.is_alive() and kills < options.horse_kills:
            worker = int(_ctl(env, "pid", "worker:worker-0") or 0)
            if worker != seen:  # a (re)started worker: its long-lived children (RQ's scheduler) are not horses
                time.sleep(3)
                seen, resident = worker, children(worker)
            horses = children(worker) - resident if worker else set()
            time.sleep(0.05)
            for pid in (children(worker) & horses) if worker else set():
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass
            time.sleep(0.5)
        worker = int(_ctl(env, "pid", "worker:worker-0"))
        os.kill(worker, signal.SIGKILL)  # the worker's parent, once
        load.join()
        before_pause = len(latencies)
        redis = int(_ctl(env, "pid", "redis"))
        os.kill(redis, signal.SIGSTOP)
        paused = threading.Thread(target=visitors, args=(int(options.pause * 4), options.signups))
        started = time.monotonic()
        paused.start()
        time.sleep(max(options.pause - (time.monotonic() - started), 0))
        os.kill(redis, signal.SIGCONT)
        paused.join()
        during = sorted(t for t, _ in latencies[before_pause:])
        wait_until(lambda: _settled(instance), timeout=600, interval=2, what="every request to end")
        counts, mails = _outcome(instance)
        print(f"signups answered {len(pages)} of {len(latencies)}; horse kills {kills}; worker parent killed once; "
              f"Redis paused {options.pause:.0f} s")
        received = len(list((instance / "mail").glob("*.eml")))
        print(f"requests by status: {counts}; delivery emails sent {mails}, received by the sink {received}, "
              f"for {len(pages)} requests")
        if during:
            print(f"POST /guide while Redis was paused: {len(during)} signups, p50 {during[len(during) // 2]:.3f} s, "
                  f"p99 {during[max(int(len(during) * 0.99) - 1, 0)]:.3f} s, max {during[-1]:.3f} s")
        print(f"supervisor: {_ctl(env, 'status')}")
    finally:
        supervisor.send_signal(signal.SIGINT)
        supervisor.wait(timeout=60)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _answers(visitor: Visitor) -> bool:
    try:
        return visitor.get("/")[0] == 200
    except OSError:  # refused while supervisord starts it
        return False


def _settled(instance: Path) -> bool:
    """Every request ended and no delivery email is still waiting to go."""
    counts, _ = _outcome(instance)
    with sqlite3.connect(instance / "salaryguide.db") as connection:
        waiting = connection.execute("SELECT count(*) FROM sent_emails WHERE status IN ('pending', 'sending')"
                                     ).fetchone()[0]
    return not ({"queued", "rendering"} & set(counts)) and waiting == 0


def _outcome(instance: Path) -> tuple[dict[str, int], int]:
    with sqlite3.connect(instance / "salaryguide.db") as connection:
        counts = dict(connection.execute("SELECT status, count(*) FROM guide_requests GROUP BY status").fetchall())
        mails = connection.execute("SELECT count(*) FROM sent_emails WHERE kind = 'delivery' AND status = 'sent'"
                                   ).fetchone()[0]
    return counts, mails


if __name__ == "__main__":
    main()
