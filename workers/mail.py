"""Email jobs, on the `email` queue: plain functions taking ids, run in an app context by Flask-RQ."""

from __future__ import annotations


def send_email(email_id: int) -> str:
    """Send one queued message at most once."""
    from service.mail import sending

    return sending.deliver(email_id)


def retry_stalled_emails() -> int:
    """Queue again the messages a failure or a crash left behind."""
    from service.mail import sending

    return sending.retry_stalled()


def expire_pending_subscribers() -> int:
    """End newsletter confirmations that waited longer than their links work."""
    from service.extensions import db
    from service.newsletter import subscription

    expired = subscription.expire_pending()
    db.session.commit()
    return expired
