"""Logging that says what happened: a request id on web lines, a job id on worker lines.

Text by default; SALARYGUIDE_LOG_FORMAT=json writes one JSON object per line for log shippers.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from flask import Flask, Response, g, request

request_id: ContextVar[str] = ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class ContextFilter(logging.Filter):
    """Put the current request id (or RQ job id) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current_job_id() or request_id.get()
        return True


class QuietQueue(logging.Filter):
    """Keep RQ's INFO lines to one per job, and none for housekeeping that runs every few seconds."""

    CHATTER = ("result is kept for", ": Job OK (", "Enqueued job ")
    HOUSEKEEPING = ("outbox.relay", "retry_stalled", "expire_pending_job", "sweep_stuck", "retry_due", "pull_listmonk")

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("rq.") or record.levelno > logging.INFO:
            return True
        message = record.getMessage()
        return not any(part in message for part in self.CHATTER + self.HOUSEKEEPING)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, and the request id or the job id."""

    def format(self, record: logging.LogRecord) -> str:
        context = getattr(record, "request_id", "-")
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        if context.startswith("job:"):
            entry["job_id"] = context.removeprefix("job:")
        elif context != "-":
            entry["request_id"] = context
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)

    converter = time.gmtime  # type: ignore[assignment]  # UTC, as the "Z" says


def formatter(kind: str) -> logging.Formatter:
    """The formatter for SALARYGUIDE_LOG_FORMAT: "text" (default) or "json"."""
    if kind == "json":
        return JsonFormatter()
    if kind == "text":
        return logging.Formatter(FORMAT)
    raise ValueError(f"SALARYGUIDE_LOG_FORMAT must be text or json, not {kind!r}")


def gunicorn_logconfig() -> dict[str, Any]:
    """gunicorn's logconfig_dict for JSON: its error and access lines through the same formatter."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"],
               "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "filters": {"context": {"()": ContextFilter}},
        "handlers": {"json": handler},
        "loggers": {name: {"level": "INFO", "handlers": ["json"], "propagate": False}
                    for name in ("gunicorn.error", "gunicorn.access")},
    }


def _current_job_id() -> str | None:
    """The id of the RQ job this process is running, if any."""
    from rq import get_current_job

    job = get_current_job()
    return f"job:{job.id}" if job else None


def configure(level: str, kind: str = "text") -> None:
    """Send our records to stderr with the context filter, in text or JSON, once per process."""
    root = logging.getLogger()
    if any(isinstance(f, ContextFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(kind))
    handler.addFilter(ContextFilter())
    handler.addFilter(QuietQueue())
    root.addHandler(handler)
    root.setLevel(level)
    # WeasyPrint narrates every step at INFO; its warnings (a missing asset, say) still show.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    """Give each request an id (the caller's X-Request-ID when it is sane) and echo it back."""
    configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])

    @app.before_request
    def _assign() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        request_id.set(g.request_id)

    @app.after_request
    def _echo(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        return response
