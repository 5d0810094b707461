"""Every schedule, in one file, as RQ cron registrations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_rq import RQ

from workers import jobs


def register(rq: RQ, config: Mapping[str, Any]) -> None:
    """Register the periodic jobs on the extension; `flask rq cron` runs them."""
    rq.cron_register(jobs.relay_outbox, int(config["RELAY_INTERVAL"]), queue="default", result_ttl=60)
