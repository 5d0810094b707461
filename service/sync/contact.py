"""What a tool is told about a confirmed subscriber: the address, the consent proof, the editions asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from service.extensions import db
from service.models import ConsentEvent, ConsentKind, GuideRequest, Subscriber

OPT_IN_KINDS = (ConsentKind.NEWSLETTER_OPT_IN, ConsentKind.RESUBSCRIBE)


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite hands back naive UTC, PostgreSQL aware times)."""
    if value is None:
        return None
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Contact:
    """One confirmed subscriber as a tool sees them."""

    email: str
    uuid: str
    signed_up_at: str | None
    opt_in: dict[str, Any] | None  # the newsletter opt-in: at, ip, form, form_version, text_hash
    confirmed: dict[str, Any] | None  # the confirmation click: at, ip
    source: dict[str, str] = field(default_factory=dict)
    editions: list[int] = field(default_factory=list)

    def attributes(self) -> dict[str, Any]:
        """listmonk attributes: the consent proof travels with the contact, as in the listmonk export."""
        return {"salary_guide": {"signed_up_at": self.signed_up_at, "editions": self.editions, "source": self.source,
                                 "consent": self.opt_in, "confirmation": self.confirmed}}


def of(subscriber: Subscriber) -> Contact:
    """Gather the contact from the subscriber's consent record and guide requests."""
    events = list(db.session.scalars(select(ConsentEvent).where(ConsentEvent.subscriber_id == subscriber.id)
                                     .order_by(ConsentEvent.id)))
    opt_in = _latest(events, *OPT_IN_KINDS)
    confirmed = _latest(events, ConsentKind.CONFIRMATION, ConsentKind.RESUBSCRIBE)
    first = events[0] if events else None
    years = db.session.scalars(select(GuideRequest.edition_year).distinct()
                               .where(GuideRequest.subscriber_id == subscriber.id).order_by(GuideRequest.edition_year))
    return Contact(
        email=subscriber.email,
        uuid=subscriber.uuid,
        signed_up_at=timestamp(subscriber.created_at),
        opt_in={"at": timestamp(opt_in.created_at), "ip": opt_in.ip, "form": opt_in.form,
                "form_version": opt_in.form_version, "text_hash": opt_in.consent_text_hash} if opt_in else None,
        confirmed={"at": timestamp(confirmed.created_at), "ip": confirmed.ip} if confirmed else None,
        source={k: getattr(first, k) for k in ("utm_source", "utm_medium", "utm_campaign", "referrer")
                if first is not None and getattr(first, k)},
        editions=list(years),
    )


def _latest(events: list[ConsentEvent], *kinds: ConsentKind) -> ConsentEvent | None:
    """The most recent event of the given kinds."""
    found = [event for event in events if event.kind in kinds]
    return found[-1] if found else None
