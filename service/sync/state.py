"""Each tool's row of sync_state: when we last heard from it, and the last error."""

from __future__ import annotations

from datetime import UTC, datetime

from service.extensions import db
from service.models import SyncState


def of(tool: str) -> SyncState:
    """The tool's state row, made on first use (in the caller's transaction)."""
    row = db.session.get(SyncState, tool)
    if row is None:
        row = SyncState(tool=tool)
        db.session.add(row)
    return row


def heard(tool: str, at: datetime | None = None) -> None:
    """The tool answered a pull or sent a webhook."""
    of(tool).heard_at = at or datetime.now(UTC)


def failed(tool: str, error: str) -> None:
    """Remember the last error, for the dashboard."""
    row = of(tool)
    row.last_error, row.last_error_at = error[:1000], datetime.now(UTC)
