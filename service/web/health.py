"""Probes for load balancers and monitors: /healthz (alive), /readyz (ready), /metrics (Prometheus)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue

from service import health, metrics

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The process is up and answering: no database, Redis or disk touched."""
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Each dependency ok or the reason; 503 when any is missing, so a load balancer skips this node."""
    report = health.checks()
    response = jsonify(report)
    response.status_code = 200 if report["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def prometheus() -> ResponseReturnValue:
    """Prometheus text format, for the loopback scraper or the admin token (SALARYGUIDE_METRICS_ACCESS)."""
    return metrics.exposition()
