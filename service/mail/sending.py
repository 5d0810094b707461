"""Sending a queued message exactly once: claim the row, send, record; retry what failed or stalled."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime, timedelta

from flask import current_app
from rq.job import Job
from sqlalchemy import and_, or_, select, update

from service import metrics, outbox
from service.extensions import db, rq
from service.mail import messages, smtp
from service.mail.addresses import UnsafeAddress
from service.models import EmailKind, EmailStatus, SentEmail, SubscriberStatus

log = logging.getLogger(__name__)


def deliver(email_id: int) -> str:
    """The email job: send one queued message unless another job holds it, it was sent, or it is no longer wanted."""
    if not _claim(email_id):
        log.info("email %s is sent, failed or being sent by another job", email_id)
        return "not claimed"
    row = db.session.get_one(SentEmail, email_id)
    if not _wanted(row):
        return _finish(row, EmailStatus.CANCELLED, "no longer wanted: the subscriber's status changed")
    try:
        composed = messages.compose(row)
    except UnsafeAddress as exc:
        return _finish(row, EmailStatus.FAILED, str(exc))
    try:
        smtp.send(smtp.SmtpSettings.from_config(current_app.config), composed.message, composed.sender,
                  composed.recipient)
    except smtplib.SMTPRecipientsRefused as exc:
        if all(code >= 500 for code, _ in exc.recipients.values()):
            return _finish(row, EmailStatus.FAILED, f"recipient refused: {exc.recipients}")
        _release(row, exc)
        raise
    except (smtplib.SMTPException, OSError) as exc:
        _release(row, exc)
        raise
    row.message_id, row.sent_at = composed.message["Message-ID"], datetime.now(UTC)
    return _finish(row, EmailStatus.SENT, None)


def _claim(email_id: int) -> bool:
    """Take the row for this job with one atomic UPDATE: pending, or stuck in sending past the retry time."""
    now = datetime.now(UTC)
    stale = now - timedelta(seconds=current_app.config["EMAIL_RETRY_AFTER"])
    claimable = or_(
        SentEmail.status == EmailStatus.PENDING,
        and_(SentEmail.status == EmailStatus.SENDING, SentEmail.claimed_at < stale),
    )
    statement = (
        update(SentEmail)
        .where(SentEmail.id == email_id, claimable)
        .values(status=EmailStatus.SENDING, claimed_at=now, attempts=SentEmail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    claimed = db.session.execute(statement).rowcount == 1  # type: ignore[attr-defined]
    db.session.commit()
    return claimed


def _wanted(row: SentEmail) -> bool:
    """Newsletter mail only to the subscribed, confirmations only to the pending; the guide always."""
    status = row.subscriber.status
    if row.kind == EmailKind.NEWSLETTER:
        return status == SubscriberStatus.SUBSCRIBED
    if row.kind == EmailKind.CONFIRMATION:
        return status == SubscriberStatus.PENDING
    return True


def _finish(row: SentEmail, status: EmailStatus, error: str | None) -> str:
    """Record the outcome and commit."""
    row.status, row.error = status, error
    db.session.commit()
    metrics.email(status.value)
    log.info("email %s (%s): %s%s", row.id, row.key, status.value, f" ({error})" if error else "")
    return status.value


def _release(row: SentEmail, exc: BaseException) -> None:
    """Give the row back for a retry, or mark it failed once it has had its attempts."""
    exhausted = row.attempts >= current_app.config["EMAIL_MAX_ATTEMPTS"]
    row.status = EmailStatus.FAILED if exhausted else EmailStatus.PENDING
    row.error = f"{type(exc).__name__}: {exc}"[:500]
    db.session.commit()
    metrics.email("failed" if exhausted else "retry")
    log.warning("email %s attempt %s failed: %s", row.id, row.attempts, row.error)


def retry_stalled() -> int:
    """The email sweep: queue again every message left pending or stuck in sending; give up on those out of attempts."""
    config = current_app.config
    stale = datetime.now(UTC) - timedelta(seconds=config["EMAIL_RETRY_AFTER"])
    stalled = or_(
        and_(SentEmail.status == EmailStatus.PENDING, SentEmail.updated_at < stale),
        and_(SentEmail.status == EmailStatus.SENDING, SentEmail.claimed_at < stale),
    )
    out_of_attempts = SentEmail.attempts >= config["EMAIL_MAX_ATTEMPTS"]
    db.session.execute(
        update(SentEmail).where(stalled, out_of_attempts)
        .values(status=EmailStatus.FAILED, error="gave up after the last attempt")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.execute(select(SentEmail.id, SentEmail.attempts).where(stalled).limit(500)).all()
    queue = rq.get_queue("email")
    for email_id, attempts in rows:
        job_id = f"email-retry-{email_id}-{attempts}"
        if not Job.exists(job_id, connection=queue.connection):
            queue.enqueue(outbox.job_path(deliver), email_id, job_id=job_id, failure_ttl=7 * 86400,
                          retry=outbox.retry_policy())
    return len(rows)
