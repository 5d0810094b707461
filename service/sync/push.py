"""Pushes: one row per subscriber and change, its outbox job, the job that sends it, and the retry sweep."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from service import outbox
from service.extensions import db
from service.models import (
    ConsentEvent,
    OutboxMessage,
    PushAction,
    PushStatus,
    Subscriber,
    SubscriberStatus,
    SyncPush,
)
from service.sync import contact, current, http, listmonk, mailchimp, state

log = logging.getLogger(__name__)
QUEUE = "default"
TOOLS = {"listmonk": listmonk, "mailchimp": mailchimp}


def enqueue(push: SyncPush) -> OutboxMessage:
    """The one place a push enters the outbox (in the caller's transaction; the caller dispatches)."""
    db.session.flush()
    return outbox.add(QUEUE, run, job_id(push), push.id)


def job_id(push: SyncPush) -> str:
    """Deterministic per try: the first is -0, each retry the number of tries so far."""
    return f"sync-{push.id}-{push.attempts}"


def confirmed(subscriber: Subscriber) -> list[OutboxMessage]:
    """Hook: the subscriber confirmed (or resubscribed); push them to the tool with their consent proof."""
    return _add(PushAction.SUBSCRIBE, subscriber)


def unsubscribed(subscriber: Subscriber) -> list[OutboxMessage]:
    """Hook: the subscriber left the newsletter here; unsubscribe them in the tool."""
    return _add(PushAction.UNSUBSCRIBE, subscriber)


def erased(email: str) -> list[OutboxMessage]:
    """Hook: the person was erased here (after their rows were deleted); delete the contact in the tool."""
    tool = current().tool
    if tool == "none":
        return []
    push = SyncPush(key=f"{tool}:erase:{uuid.uuid4().hex}", tool=tool, action=PushAction.ERASE, email=email)
    db.session.add(push)
    return [enqueue(push)]


def _add(action: PushAction, subscriber: Subscriber) -> list[OutboxMessage]:
    """A push keyed by tool, action, subscriber and the consent event that made the change."""
    tool = current().tool
    if tool == "none":
        return []
    db.session.flush()
    change = db.session.scalar(select(func.max(ConsentEvent.id)).where(ConsentEvent.subscriber_id == subscriber.id))
    key = f"{tool}:{action.value}:{subscriber.id}:{change}"
    if db.session.scalar(select(SyncPush.id).where(SyncPush.key == key)) is not None:
        return []
    push = SyncPush(key=key, tool=tool, action=action, subscriber_id=subscriber.id)
    db.session.add(push)
    return [enqueue(push)]


def run(push_id: int) -> str:
    """The job: claim the push, make the change in the tool, record the outcome; raise when it must be retried."""
    if not _claim(push_id):
        return "not claimed"
    push = db.session.get_one(SyncPush, push_id)
    config = current()
    if push.tool != config.tool:
        return _finish(push, PushStatus.SKIPPED, f"sync is now {config.tool}")
    work, why_not = _work(push)
    if work is None:
        return _finish(push, PushStatus.SKIPPED, why_not)
    db.session.commit()  # no transaction stays open while the tool answers
    try:
        outcome = work()
    except http.Retryable as exc:
        _defer(push, exc)
        raise
    except http.Refused as exc:
        state.failed(push.tool, str(exc))
        _finish(push, PushStatus.FAILED, str(exc))
        raise
    return _finish(push, PushStatus.SENT, outcome)


def _work(push: SyncPush) -> tuple[Callable[[], str] | None, str]:
    """What the push does now; nothing when a later change superseded it (the current status wins)."""
    tool, config = TOOLS[push.tool], current()
    if push.action == PushAction.ERASE:
        address = push.email or ""
        return (lambda: tool.erase(config, address)), ""
    subscriber = db.session.get(Subscriber, push.subscriber_id) if push.subscriber_id else None
    if subscriber is None:
        return None, "the subscriber is gone"
    if push.action == PushAction.SUBSCRIBE:
        if subscriber.status != SubscriberStatus.SUBSCRIBED:
            return None, f"superseded: the subscriber is {subscriber.status.value} now"
        found = contact.of(subscriber)
        return (lambda: tool.subscribe(config, found)), ""
    if subscriber.status == SubscriberStatus.SUBSCRIBED:
        return None, "superseded: the subscriber subscribed again"
    email = subscriber.email
    return (lambda: tool.unsubscribe(config, email)), ""


def _claim(push_id: int) -> bool:
    """Take the push with one conditional UPDATE: pending and due, or stuck in sending past SYNC_STALE_AFTER."""
    now = datetime.now(UTC)
    stale = now - timedelta(seconds=current_app.config["SYNC_STALE_AFTER"])
    claimable = or_(
        and_(SyncPush.status == PushStatus.PENDING,
             or_(SyncPush.next_attempt_at.is_(None), SyncPush.next_attempt_at <= now)),
        and_(SyncPush.status == PushStatus.SENDING, SyncPush.claimed_at < stale),
    )
    statement = (update(SyncPush).where(SyncPush.id == push_id, claimable)
                 .values(status=PushStatus.SENDING, claimed_at=now, attempts=SyncPush.attempts + 1)
                 .execution_options(synchronize_session=False))
    claimed = db.session.execute(statement).rowcount == 1  # type: ignore[attr-defined]
    db.session.commit()
    return claimed


def _finish(push: SyncPush, status: PushStatus, outcome: str) -> str:
    """Record the end of a push; an erasure forgets the address once the tool has done it."""
    push.status, push.next_attempt_at = status, None
    push.last_error = None if status in (PushStatus.SENT, PushStatus.SKIPPED) else outcome[:1000]
    if status == PushStatus.SENT:
        push.sent_at = datetime.now(UTC)
        if push.action == PushAction.ERASE:
            push.email = None
    db.session.commit()
    log.info("push %s (%s %s): %s", push.id, push.tool, push.action.value, outcome)
    return outcome


def backoff(attempts: int) -> float:
    """Seconds before the next try: SYNC_RETRY_BASE doubling per try, at most SYNC_RETRY_CAP."""
    config = current_app.config
    return float(min(config["SYNC_RETRY_CAP"], config["SYNC_RETRY_BASE"] * 2 ** max(0, attempts - 1)))


def _defer(push: SyncPush, exc: http.Retryable) -> None:
    """Put the push back for later: after the tool's Retry-After when it gave one, else after the backoff."""
    state.failed(push.tool, str(exc))
    if push.attempts >= current_app.config["SYNC_MAX_ATTEMPTS"]:
        _finish(push, PushStatus.FAILED, f"gave up after {push.attempts} tries: {exc}")
        return
    wait = exc.retry_after if exc.retry_after is not None else backoff(push.attempts)
    push.status, push.last_error = PushStatus.PENDING, str(exc)[:1000]
    push.next_attempt_at = datetime.now(UTC) + timedelta(seconds=wait)
    db.session.commit()
    log.warning("push %s deferred %.0f s: %s", push.id, wait, exc)


def retry_due(now: datetime | None = None) -> int:
    """The sweep: queue again the pushes whose wait is over, whose worker died or whose job Redis lost;
    returns how many rows it handed to the outbox."""
    now = now or datetime.now(UTC)
    config = current_app.config
    stale = now - timedelta(seconds=config["SYNC_STALE_AFTER"])
    stuck = and_(SyncPush.status == PushStatus.SENDING, SyncPush.claimed_at < stale)
    db.session.execute(update(SyncPush).where(stuck, SyncPush.attempts >= config["SYNC_MAX_ATTEMPTS"])
                       .values(status=PushStatus.FAILED, last_error="gave up: the last try never finished")
                       .execution_options(synchronize_session=False))
    due = or_(stuck, and_(SyncPush.status == PushStatus.PENDING, SyncPush.next_attempt_at <= now))
    messages = []
    for push in db.session.scalars(select(SyncPush).where(due).order_by(SyncPush.id).limit(500)):
        # Due now: pending with no wait left, so the job queued for it can claim it.
        push.status, push.next_attempt_at = PushStatus.PENDING, None
        if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.job_id == job_id(push))) is None:
            messages.append(enqueue(push))
    # Pending with no wait, long untouched: its job left Redis (Redis is transport); dispatch sends it again
    # unless Redis still knows it.
    lost = and_(SyncPush.status == PushStatus.PENDING, SyncPush.next_attempt_at.is_(None), SyncPush.updated_at < stale)
    for push in db.session.scalars(select(SyncPush).where(lost).order_by(SyncPush.id).limit(500)):
        message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.job_id == job_id(push))).first()
        if message is not None and message not in messages:
            messages.append(message)
    outbox.commit()
    # Again every row, including those dispatched once whose job Redis lost: dispatch skips a job Redis knows.
    outbox.dispatch(messages)
    return len(messages)
