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
from service.mail import delivery, queueing
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
    ready = _ready_at_once(request)  # before the INSERT, so a ready request is written once, not updated
    db.session.add(request)
    db.session.flush()
    if not ready:
        rendering.queue_render(request)
    _emails(request, opt_in)
    # What this request wrote is what the rows hold: no reloading them (the view reads the token) after commit.
    session = db.session()
    session.expire_on_commit = False
    try:
        outbox.commit()
    finally:
        session.expire_on_commit = True
    metrics.SIGNUPS.labels("instant" if ready else "queued").inc()
    return request


def _emails(request: GuideRequest, opt_in: ConsentEvent | None) -> None:
    """Queue the delivery email and, for a new opt-in, the confirmation; each skipped past its daily cap."""
    delivery.queue_delivery(request)
    if opt_in is not None:
        subscription.queue_confirmation(request.subscriber, opt_in)


def _ready_at_once(request: GuideRequest) -> bool:
    """Serve the pre-rendered edition when the request has no personal inputs: no queue, no wait."""
    stored = None if request.personal else editions.ready_generic(request.edition_year)
    if stored is None:
        return False
    request.status, request.content_key, request.pdf_sha256 = RequestStatus.READY, *stored
    request.ready_at = datetime.now(UTC)
    return True


def _upsert_subscriber(email: str) -> Subscriber:
    """The subscriber for this address, inserted if new (one statement), locked for this transaction; safe
    against a concurrent insert."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Subscriber).values(email=email, uuid=str(uuid.uuid4())).on_conflict_do_nothing(
        index_elements=["email"])
    created = db.session.scalars(statement.returning(Subscriber)).first()
    if created is not None:  # our own uncommitted row: nobody else sees it, it has sent nothing yet
        queueing.hold(created, new=True)
        return created
    # A known address: lock it (PostgreSQL; SQLite serialises writers) so the daily caps count one at a time.
    known = db.session.scalars(select(Subscriber).where(Subscriber.email == email).with_for_update()).one()
    queueing.hold(known, new=False)
    return known
