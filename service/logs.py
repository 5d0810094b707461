"""Logging that says what happened: a request id on web lines, a job id on worker lines."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

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
    HOUSEKEEPING = ("outbox.relay", "retry_stalled", "expire_pending_job", "sweep_stuck")

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("rq.") or record.levelno > logging.INFO:
            return True
        message = record.getMessage()
        return not any(part in message for part in self.CHATTER + self.HOUSEKEEPING)


def _current_job_id() -> str | None:
    """The id of the RQ job this process is running, if any."""
    from rq import get_current_job

    job = get_current_job()
    return f"job:{job.id}" if job else None


def configure(level: str) -> None:
    """Send our records to stderr with the context filter, once per process."""
    root = logging.getLogger()
    if any(isinstance(f, ContextFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(ContextFilter())
    handler.addFilter(QuietQueue())
    root.addHandler(handler)
    root.setLevel(level)
    # WeasyPrint narrates every step at INFO; its warnings (a missing asset, say) still show.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    """Give each request an id (the caller's X-Request-ID when it is sane) and echo it back."""
    configure(app.config["LOG_LEVEL"])

    @app.before_request
    def _assign() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        request_id.set(g.request_id)

    @app.after_request
    def _echo(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        return response
