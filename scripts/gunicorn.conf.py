"""gunicorn settings for `make run` (production: see docs/operations.md)."""

import multiprocessing
import os

bind = os.environ.get("SALARYGUIDE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SALARYGUIDE_WEB_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("SALARYGUIDE_WEB_THREADS", 2))  # 4 × 2 on 2 cores: docs/benchmarks.md
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
preload_app = True

if os.environ.get("SALARYGUIDE_LOG_FORMAT") == "json":
    # gunicorn's own error and access lines as JSON too, through the service's formatter.
    from service.logs import gunicorn_logconfig

    logconfig_dict = gunicorn_logconfig()


def child_exit(server, worker):  # noqa: ARG001 (gunicorn's hook signature)
    """Let prometheus_client drop a dead worker's live gauges (multiprocess mode, service/metrics.py)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
