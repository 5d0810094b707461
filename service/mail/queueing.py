"""Queueing a message: its row and its job written in the caller's transaction, under a daily cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from service import outbox
from service.extensions import db
from service.mail.sending import deliver
from service.models import EmailKind, OutboxMessage, SentEmail, Subscriber

HELD = "queueing_held"  # session.info: subscribers this transaction already holds a lock on (and which it created)


def queue_email(
    subscriber: Subscriber,
    kind: EmailKind,
    template: str,
    key: str,
    *,
    guide_request_id: int | None = None,
    consent_event_id: int | None = None,
) -> OutboxMessage:
    """A pending message under a unique idempotency key, and the outbox row that will send it."""
    row = SentEmail(
        key=key,
        kind=kind,
        template=template,
        subscriber=subscriber,
        guide_request_id=guide_request_id,
        consent_event_id=consent_event_id,
    )
    db.session.add(row)
    db.session.flush()
    held = _held()
    if subscriber.id in held:
        held[subscriber.id][kind] = held[subscriber.id].get(kind, 0) + 1
    return outbox.add("email", deliver, f"email-{key}", row.id)


def hold(subscriber: Subscriber, *, new: bool) -> None:
    """Note that this transaction has locked the subscriber's row (or inserted it: `new`), so `within_cap`
    need not lock it again, and for a new one need not count what nobody else can have sent."""
    transaction = db.session().get_transaction()
    held: tuple[Any, dict[int, dict[Any, Any]]] | None = db.session.info.get(HELD)
    if held is None or held[0] is not transaction:
        held = db.session.info[HELD] = (transaction, {})
    held[1][subscriber.id] = {"new": new}


def _held() -> dict[int, dict[Any, Any]]:
    """The subscribers `hold` noted in the current transaction (none after it ended)."""
    held = db.session.info.get(HELD)
    return held[1] if held is not None and held[0] is db.session().get_transaction() else {}


def within_cap(subscriber: Subscriber, kind: EmailKind, per_day: int) -> bool:
    """Whether the subscriber has had fewer than `per_day` messages of this kind in the last 24 hours."""
    held = _held().get(subscriber.id)
    if held is not None and held["new"]:  # inserted by this transaction: only what it queued itself counts
        return held.get(kind, 0) < per_day
    if held is None:
        # On PostgreSQL, lock the subscriber so concurrent requests count one after another
        # (SQLite already serialises writers; SQLAlchemy leaves FOR UPDATE out there).
        db.session.execute(select(Subscriber.id).where(Subscriber.id == subscriber.id).with_for_update())
    since = datetime.now(UTC) - timedelta(days=1)
    recent = select(func.count()).where(
        SentEmail.subscriber_id == subscriber.id, SentEmail.kind == kind, SentEmail.created_at >= since
    )
    return (db.session.scalar(recent) or 0) < per_day
