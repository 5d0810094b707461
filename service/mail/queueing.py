"""Queueing a message: its row and its job written in the caller's transaction, under a daily cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from service import outbox
from service.extensions import db
from service.mail.sending import deliver
from service.models import EmailKind, OutboxMessage, SentEmail, Subscriber


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
    return outbox.add("email", deliver, f"email-{key}", row.id)


def within_cap(subscriber: Subscriber, kind: EmailKind, per_day: int) -> bool:
    """Whether the subscriber has had fewer than `per_day` messages of this kind in the last 24 hours."""
    # On PostgreSQL, lock the subscriber so concurrent requests count one after another
    # (SQLite already serialises writers; SQLAlchemy leaves FOR UPDATE out there).
    db.session.execute(select(Subscriber.id).where(Subscriber.id == subscriber.id).with_for_update())
    since = datetime.now(UTC) - timedelta(days=1)
    recent = select(func.count()).where(
        SentEmail.subscriber_id == subscriber.id, SentEmail.kind == kind, SentEmail.created_at >= since
    )
    return (db.session.scalar(recent) or 0) < per_day
