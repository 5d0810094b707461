"""A visitor's signup: one transaction for the subscriber, their consent, the request and its job."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service import metrics, outbox
from service.extensions import db
from service.guide import editions, rendering
from service.mail import delivery
from service.models import ConsentEvent, ConsentKind, GuideRequest, RequestStatus, Subscriber
from service.newsletter import consent, subscription, wording
from service.newsletter.consent import Visit as Visit


@dataclass(frozen=True)
class Signup:
    """A validated form: a normalised address, the newsletter choice, optional personal inputs."""

    email: str
    newsletter: bool
    personal: dict[str, Any] | None = None


def submit(signup: Signup, visit: Visit, *, year: int, brand: str) -> GuideRequest:
    """Record the signup and its jobs in one transaction, then hand the jobs to the queue."""
    subscriber = _upsert_subscriber(signup.email)
    shown = wording.landing(brand)
    consent.record(subscriber, ConsentKind.GUIDE_DELIVERY, shown["delivery"], visit, wording.LANDING_FORM)
    opt_in = subscription.opt_in(subscriber, shown["newsletter"], visit, wording.LANDING_FORM) if signup.newsletter \
        else None
    request = GuideRequest(subscriber=subscriber, edition_year=year, personal=signup.personal,
                           newsletter=signup.newsletter)
    db.session.add(request)
    db.session.flush()
    ready = _ready_at_once(request)
    if not ready:
        rendering.queue_render(request)
    _emails(request, opt_in)
    outbox.commit()
    metrics.SIGNUPS.labels("instant" if ready else "queued").inc()
    return request


def _emails(request: GuideRequest, opt_in: ConsentEvent | None) -> None:
    """Queue the delivery email and, for a new opt-in, the confirmation; each skipped past its daily cap."""
    delivery.queue_delivery(request)
    if opt_in is not None:
        subscription.queue_confirmation(request.subscriber, opt_in)


def _ready_at_once(request: GuideRequest) -> bool:
    """Serve the pre-rendered edition when the request has no personal inputs: no queue, no wait."""
    stored = None if request.personal else editions.ready_pdf(request.edition_year)
    if stored is None:
        return False
    request.status, request.pdf_sha256, request.content_key = RequestStatus.READY, stored.sha256, stored.content_key
    request.ready_at = datetime.now(UTC)
    return True


def _upsert_subscriber(email: str) -> Subscriber:
    """The subscriber for this address, inserted if new; safe against a concurrent insert."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Subscriber).values(email=email, uuid=str(uuid.uuid4()))
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["email"]))
    return db.session.scalars(select(Subscriber).where(Subscriber.email == email)).one()
