"""The dashboard's sync figures per tool, each one SQL aggregate: last sync, pushes waiting and failed,
the last error, and withdrawals received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from service.extensions import db
from service.models import ConsentEvent, ConsentKind, PushStatus, SyncPush, SyncState
from service.sync import current

TOOL_NAMES = {"listmonk": "listmonk", "mailchimp": "Mailchimp"}


@dataclass
class ToolStatus:
    """One tool's figures."""

    tool: str
    name: str
    active: bool
    last_push_at: datetime | None = None
    last_heard_at: datetime | None = None
    pending: int = 0
    failed: int = 0
    last_error: str | None = None
    last_error_at: datetime | None = None
    withdrawals: int = 0

    @property
    def last_sync_at(self) -> datetime | None:
        """The latest exchange with the tool, either way."""
        times = [t for t in (self.last_push_at, self.last_heard_at) if t is not None]
        return max(times, key=lambda t: t.replace(tzinfo=None)) if times else None


def tools() -> list[ToolStatus]:
    """The configured tool, and any other that has pushes or state from before."""
    active = current().tool
    found = {name: ToolStatus(name, TOOL_NAMES[name], name == active) for name in TOOL_NAMES}
    waiting = (PushStatus.PENDING, PushStatus.SENDING)
    counts = select(SyncPush.tool, SyncPush.status, func.count(), func.max(SyncPush.sent_at)).group_by(
        SyncPush.tool, SyncPush.status)
    for tool, status, n, sent in db.session.execute(counts).all():
        row = found.get(tool)
        if row is None:
            continue
        row.pending += n if status in waiting else 0
        row.failed += n if status == PushStatus.FAILED else 0
        if sent is not None and (row.last_push_at is None or sent.replace(tzinfo=None) > row.last_push_at.replace(
                tzinfo=None)):
            row.last_push_at = sent
    for state in db.session.scalars(select(SyncState)):
        if state.tool in found:
            row = found[state.tool]
            row.last_heard_at, row.last_error, row.last_error_at = state.heard_at, state.last_error, state.last_error_at
    withdrawn = select(ConsentEvent.form, func.count()).where(ConsentEvent.kind == ConsentKind.WITHDRAWN).group_by(
        ConsentEvent.form)
    for form, n in db.session.execute(withdrawn).all():
        tool = form.removeprefix("withdrawn in ")
        if tool in found:
            found[tool].withdrawals = n
    return [row for row in found.values() if row.active or row.pending or row.failed or row.last_sync_at
            or row.withdrawals]
