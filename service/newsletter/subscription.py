"""The newsletter's states: opt-in → pending → confirmed (subscribed) → unsubscribed → resubscribed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select, true, update

from service.extensions import db
from service.mail import queueing
from service.models import (
    ConsentEvent,
    ConsentKind,
    EmailKind,
    EmailStatus,
    OutboxMessage,
    SentEmail,
    Subscriber,
    SubscriberStatus,
)
from service.newsletter import consent, wording
from service.newsletter.consent import Form, Visit
from service.sync import push

log = logging.getLogger(__name__)
OPT_IN_KINDS = (ConsentKind.NEWSLETTER_OPT_IN, ConsentKind.RESUBSCRIBE)
S = SubscriberStatus


def opt_in(subscriber: Subscriber, text: str, visit: Visit, form: Form) -> ConsentEvent | None:
    """Make the subscriber pending; the consent event returned names the confirmation round."""
    if subscriber.status == S.SUBSCRIBED:
        return None
    kind = ConsentKind.RESUBSCRIBE if subscriber.status == S.UNSUBSCRIBED else ConsentKind.NEWSLETTER_OPT_IN
    subscriber.status = S.PENDING
    return consent.record(subscriber, kind, text, visit, form)


def queue_confirmation(subscriber: Subscriber, round_event: ConsentEvent) -> OutboxMessage | None:
    """The confirmation email for this round, unless the address had its share of them today."""
    db.session.flush()
    if not queueing.within_cap(subscriber, EmailKind.CONFIRMATION, current_app.config["CONFIRMATION_EMAILS_PER_DAY"]):
        log.info("confirmation for subscriber %s not sent: daily cap reached", subscriber.id)
        return None
    return queueing.queue_email(
        subscriber, EmailKind.CONFIRMATION, "confirmation", f"confirm-{round_event.id}", consent_event_id=round_event.id
    )


def by_uuid(subscriber_uuid: object) -> Subscriber | None:
    """The subscriber a signed link names, if it still exists."""
    if not isinstance(subscriber_uuid, str):
        return None
    return db.session.scalars(select(Subscriber).where(Subscriber.uuid == subscriber_uuid)).first()


def confirm(subscriber: Subscriber, round_id: object, visit: Visit) -> tuple[bool, list[OutboxMessage]]:
    """Confirm a pending subscription (or find it confirmed already); False when the round is over."""
    if subscriber.status == S.SUBSCRIBED:
        return True, []
    if not _is_round_of(subscriber, round_id) or not _transition(subscriber, (S.PENDING,), S.SUBSCRIBED):
        return False, []
    text = wording.CONFIRM_BUTTON.format(brand=current_app.config["BRAND_NAME"])
    consent.record(subscriber, ConsentKind.CONFIRMATION, text, visit, wording.CONFIRM_FORM)
    return True, _welcome_once(subscriber) + push.confirmed(subscriber)


def unsubscribe(subscriber: Subscriber, visit: Visit, one_click: bool) -> bool:
    """Stop all newsletter mail, queued mail included; False when there was nothing to stop."""
    if not _transition(subscriber, (S.SUBSCRIBED, S.PENDING), S.UNSUBSCRIBED):
        return False
    text = wording.ONE_CLICK_BODY if one_click else wording.UNSUBSCRIBE_BUTTON
    form = wording.ONE_CLICK_FORM if one_click else wording.UNSUBSCRIBE_FORM
    text = text.format(brand=current_app.config["BRAND_NAME"])
    consent.record(subscriber, ConsentKind.UNSUBSCRIBE, text, visit, form)
    _cancel_newsletter_mail(subscriber)
    return True


def withdraw(subscriber: Subscriber, tool: str, reason: str, at: datetime) -> bool:
    """The mailing tool says they left (unsubscribed, bounced, blocklisted): record it and follow; False if
    they had left here already."""
    if not _transition(subscriber, (S.SUBSCRIBED, S.PENDING), S.UNSUBSCRIBED):
        return False
    db.session.add(ConsentEvent(subscriber=subscriber, kind=ConsentKind.WITHDRAWN, form=f"withdrawn in {tool}",
                                form_version=reason[:32], consent_text_hash=consent.text_hash(f"withdrawn in {tool}"),
                                created_at=at))
    _cancel_newsletter_mail(subscriber)
    return True


def _cancel_newsletter_mail(subscriber: Subscriber) -> None:
    """Cancel newsletter and confirmation mail not sent yet (each send re-checks the status too)."""
    db.session.execute(
        update(SentEmail)
        .where(SentEmail.subscriber_id == subscriber.id, SentEmail.status == EmailStatus.PENDING,
               SentEmail.kind.in_((EmailKind.NEWSLETTER, EmailKind.CONFIRMATION)))
        .values(status=EmailStatus.CANCELLED, error="unsubscribed before it was sent")
        .execution_options(synchronize_session=False)
    )


def resubscribe(subscriber: Subscriber, visit: Visit) -> tuple[bool, list[OutboxMessage]]:
    """Undo an unsubscribe from the page it led to (the signed link proves the mailbox)."""
    if not _transition(subscriber, (S.UNSUBSCRIBED,), S.SUBSCRIBED):
        return subscriber.status == S.SUBSCRIBED, []
    consent.record(subscriber, ConsentKind.RESUBSCRIBE, wording.RESUBSCRIBE_BUTTON, visit, wording.RESUBSCRIBE_FORM)
    return True, _welcome_once(subscriber) + push.confirmed(subscriber)


def expire_pending() -> int:
    """Pending subscribers whose last opt-in is older than its confirmation link go back to where they were."""
    cutoff = datetime.now(UTC) - timedelta(seconds=current_app.config["CONFIRM_LINK_MAX_AGE"])
    recent = select(ConsentEvent.subscriber_id).where(ConsentEvent.kind.in_(OPT_IN_KINDS),
                                                      ConsentEvent.created_at >= cutoff)
    left = select(ConsentEvent.subscriber_id).where(ConsentEvent.kind.in_((ConsentKind.UNSUBSCRIBE,
                                                                           ConsentKind.WITHDRAWN)))
    expired = (Subscriber.status == S.PENDING) & Subscriber.id.not_in(recent)
    total = 0
    for condition, status in ((Subscriber.id.in_(left), S.UNSUBSCRIBED), (true(), S.GUIDE_ONLY)):
        statement = update(Subscriber).where(expired, condition).values(status=status)
        total += db.session.execute(statement.execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    return total


def expire_pending_job() -> int:
    """The expiry sweep: end newsletter confirmations that waited longer than their links work."""
    expired = expire_pending()
    db.session.commit()
    return expired


def _transition(subscriber: Subscriber, sources: tuple[SubscriberStatus, ...], target: SubscriberStatus) -> bool:
    """Move the status with one conditional UPDATE, so two concurrent clicks make one change."""
    statement = update(Subscriber).where(Subscriber.id == subscriber.id, Subscriber.status.in_(sources))
    changed = db.session.execute(statement.values(status=target)).rowcount == 1  # type: ignore[attr-defined]
    if changed:
        db.session.refresh(subscriber)
    return changed


def _is_round_of(subscriber: Subscriber, round_id: object) -> bool:
    """Whether the confirmation round named by a link is one of this subscriber's opt-ins."""
    if not isinstance(round_id, int):
        return False
    query = select(ConsentEvent.id).where(
        ConsentEvent.id == round_id, ConsentEvent.subscriber_id == subscriber.id, ConsentEvent.kind.in_(OPT_IN_KINDS)
    )
    return db.session.scalar(query) is not None


def _welcome_once(subscriber: Subscriber) -> list[OutboxMessage]:
    """The welcome email (the first newsletter message), once per subscriber ever."""
    key = f"welcome-{subscriber.id}"
    if db.session.scalar(select(exists().where(SentEmail.key == key))):
        return []
    return [queueing.queue_email(subscriber, EmailKind.NEWSLETTER, "welcome", key)]
