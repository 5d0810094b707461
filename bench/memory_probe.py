"""The service's warm worker (workers/worker.py), reporting its memory as it works through the render queue.

`python -m bench.memory_probe 10 200`: after the 10th and 200th job, one JSON line with the parent's RSS and
peak RSS (/proc), the children's peak RSS (getrusage RUSAGE_CHILDREN) and the last ten work horses' peaks.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path


def _status_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _first_failure(worker) -> str:  # type: ignore[no-untyped-def]
    """The last line of the first failed job's traceback, if any job failed."""
    from rq.job import Job

    ids = worker.queues[0].failed_job_registry.get_job_ids()
    if not ids:
        return ""
    result = Job.fetch(ids[0], connection=worker.connection).latest_result()
    lines = (result.exc_string or "").strip().splitlines() if result is not None else []
    return lines[-1][:200] if lines else "unknown"


def main(checkpoints: list[int]) -> None:
    from service import create_app
    from workers.worker import make_worker

    app = create_app()
    with app.app_context():
        worker = make_worker(("render",))
        base = type(worker)

        class Probe(base):  # type: ignore[valid-type, misc]
            """The same worker, counting jobs and keeping each work horse's peak RSS from wait4()."""

            done = 0
            horses: list[int] = []

            def wait_for_horse(self):  # type: ignore[no-untyped-def]
                pid, stat, usage = super().wait_for_horse()
                if pid and usage is not None:
                    self.horses.append(usage.ru_maxrss)
                return pid, stat, usage

            def execute_job(self, job, queue):  # type: ignore[no-untyped-def]
                super().execute_job(job, queue)
                self.done += 1
                if self.done in checkpoints:
                    print(json.dumps({
                        "jobs": self.done, "parent_rss_kb": _status_kb("VmRSS"), "parent_hwm_kb": _status_kb("VmHWM"),
                        "children_max_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                        "last_ten_horses_max_kb": max(self.horses[-10:], default=0),
                        "failed": len(worker.queues[0].failed_job_registry), "first_failure": _first_failure(worker),
                    }), flush=True)

        worker.__class__ = Probe
        worker.work(burst=True, max_jobs=max(checkpoints), with_scheduler=False)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]])
