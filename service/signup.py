"""A visitor's signup: one transaction for the subscriber, their consent, the request and its job."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service import queue
from service.extensions import db
from service.models import ConsentEvent, ConsentKind, GuideRequest, Subscriber, SubscriberStatus

FORM_NAME = "salary-guide-landing"
FORM_VERSION = "2026.1"
# The exact wording shown beside each checkbox; its hash goes into the consent record.
DELIVERY_TEXT = "Email me the Remote Salary Guide {year} and a link to download it again."
NEWSLETTER_TEXT = (
    "Yes, send me the {brand} newsletter: remote salary news about once a month. "
    "Unsubscribe with one click at any time."
)


@dataclass(frozen=True)
class Visit:
    """What we may record about the request that carried the form."""

    ip: str | None = None
    user_agent: str | None = None
    referrer: str | None = None
    utm: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Signup:
    """A validated form: a normalised address, the newsletter choice, optional personal inputs."""

    email: str
    newsletter: bool
    personal: dict[str, Any] | None = None


def text_hash(text: str) -> str:
    """The hash that identifies the exact consent wording a visitor saw."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def submit(signup: Signup, visit: Visit, *, year: int, brand: str) -> GuideRequest:
    """Record the signup and its render job in one transaction, then hand the job to the queue."""
    subscriber = _upsert_subscriber(signup.email)
    _consent(subscriber, ConsentKind.GUIDE_DELIVERY, DELIVERY_TEXT.format(year=year), visit)
    if signup.newsletter:
        _opt_in(subscriber, NEWSLETTER_TEXT.format(brand=brand), visit)
    request = GuideRequest(subscriber=subscriber, edition_year=year, personal=signup.personal)
    db.session.add(request)
    db.session.flush()
    message = queue.add("render", "workers.jobs.render_guide", f"render-{request.id}", request.id)
    db.session.commit()
    queue.dispatch([message])
    return request


def _upsert_subscriber(email: str) -> Subscriber:
    """The subscriber for this address, inserted if new; safe against a concurrent insert."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Subscriber).values(email=email, uuid=str(uuid.uuid4()))
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["email"]))
    return db.session.scalars(select(Subscriber).where(Subscriber.email == email)).one()


def _opt_in(subscriber: Subscriber, wording: str, visit: Visit) -> None:
    """A newsletter opt-in: pending until confirmed, unless already subscribed."""
    if subscriber.status == SubscriberStatus.SUBSCRIBED:
        return
    kind = ConsentKind.RESUBSCRIBE if subscriber.status == SubscriberStatus.UNSUBSCRIBED else ConsentKind.NEWSLETTER_OPT_IN
    subscriber.status = SubscriberStatus.PENDING
    _consent(subscriber, kind, wording, visit)


def _consent(subscriber: Subscriber, kind: ConsentKind, wording: str, visit: Visit) -> None:
    """Append one consent event."""
    db.session.add(
        ConsentEvent(
            subscriber=subscriber,
            kind=kind,
            form=FORM_NAME,
            form_version=FORM_VERSION,
            consent_text_hash=text_hash(wording),
            ip=visit.ip,
            user_agent=visit.user_agent,
            referrer=visit.referrer,
            utm_source=visit.utm.get("utm_source"),
            utm_medium=visit.utm.get("utm_medium"),
            utm_campaign=visit.utm.get("utm_campaign"),
        )
    )
