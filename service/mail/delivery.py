"""The delivery email: a download link for each guide request, at most a few a day per address."""

from __future__ import annotations

import logging
import uuid

from flask import current_app
from sqlalchemy import select

from service.extensions import db
from service.mail import queueing
from service.models import EmailKind, GuideRequest, OutboxMessage, Subscriber

log = logging.getLogger(__name__)


def queue_delivery(guide: GuideRequest, key: str | None = None) -> OutboxMessage | None:
    """The delivery email for a request (keyed on it unless told otherwise), unless the cap is reached."""
    subscriber = guide.subscriber
    if not queueing.within_cap(subscriber, EmailKind.DELIVERY, current_app.config["DELIVERY_EMAILS_PER_DAY"]):
        log.info("delivery email for request %s not sent: daily cap reached", guide.id)
        return None
    key = key or f"delivery-{guide.id}"
    return queueing.queue_email(subscriber, EmailKind.DELIVERY, "delivery", key, guide_request_id=guide.id)


def queue_fresh_link(email: str) -> OutboxMessage | None:
    """A fresh download link for the address's latest request; nothing for an address we do not know."""
    query = (
        select(GuideRequest)
        .join(Subscriber, GuideRequest.subscriber_id == Subscriber.id)
        .where(Subscriber.email == email)
        .order_by(GuideRequest.id.desc())
        .limit(1)
    )
    guide = db.session.scalars(query).first()
    if guide is None:
        return None
    return queue_delivery(guide, key=f"link-{uuid.uuid4().hex}")
