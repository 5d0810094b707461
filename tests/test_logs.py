"""SALARYGUIDE_LOG_FORMAT=json: every line one JSON object, with the request id or the RQ job id.

Logging is configured once per process, so each case runs in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    import logging, sys
    import redis
    from rq import Queue, SimpleWorker
    from service import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": sys.argv[1],
                      "REDIS_URL": sys.argv[2], "LOG_FORMAT": sys.argv[3]})
    with app.test_request_context("/", headers={"X-Request-ID": "req-12345678"}):
        app.preprocess_request()
        logging.getLogger("service.test").warning("in a request: %s", "ünïcode \\"quoted\\"")
    connection = redis.Redis.from_url(sys.argv[2])
    queue = Queue("default", connection=connection)
    queue.enqueue("logging.warning", "in a job", job_id="job-logs-1")
    SimpleWorker([queue], connection=connection).work(burst=True)
    from service.logs import gunicorn_logconfig
    import logging.config
    logging.config.dictConfig(gunicorn_logconfig())
    logging.getLogger("gunicorn.access").info("GET /healthz 200")
""")


def run(tmp_path, redis_url, kind):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), redis_url, kind], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stderr.splitlines()


def test_json_lines_parse_and_carry_the_request_or_job_id(tmp_path, redis_server):
    entries = [json.loads(line) for line in run(tmp_path, redis_server.url, "json")]  # every line parses
    request = next(e for e in entries if e["message"].startswith("in a request"))
    assert request["request_id"] == "req-12345678" and request["level"] == "WARNING"
    assert request["message"] == 'in a request: ünïcode "quoted"' and request["logger"] == "service.test"
    assert request["time"].endswith("Z")
    job = next(e for e in entries if e["message"] == "in a job")
    assert job["job_id"] == "job-logs-1" and "request_id" not in job
    assert any(e["logger"] == "gunicorn.access" and e["message"] == "GET /healthz 200" for e in entries)


def test_text_stays_the_default_format(tmp_path, redis_server):
    lines = run(tmp_path, redis_server.url, "text")
    line = next(line for line in lines if "in a request" in line)
    assert " WARNING service.test [req-12345678] in a request" in line
    assert any("[job:job-logs-1] in a job" in line for line in lines)
