"""Subscribers and their append-only consent record (after listmonk's schema)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, StrEnum, created_at_column, enum_column, updated_at_column


class SubscriberStatus(StrEnum):
    """Where an address stands with the newsletter; a guide alone is not a subscription."""

    GUIDE_ONLY = "guide_only"
    PENDING = "pending"
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"


class ConsentKind(StrEnum):
    """What a consent event records."""

    GUIDE_DELIVERY = "guide_delivery"
    NEWSLETTER_OPT_IN = "newsletter_opt_in"
    CONFIRMATION = "confirmation"
    UNSUBSCRIBE = "unsubscribe"
    RESUBSCRIBE = "resubscribe"
    WITHDRAWN = "withdrawn"  # unsubscribed, bounced or blocklisted in the mailing tool (its form names the tool)



class Subscriber(Base):
    """One person, on their normalised address."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    status: Mapped[SubscriberStatus] = mapped_column(
        enum_column(SubscriberStatus, "subscriber_status", 32), default=SubscriberStatus.GUIDE_ONLY
    )
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    consents: Mapped[list[ConsentEvent]] = relationship(back_populates="subscriber", order_by="ConsentEvent.id")


class ConsentEvent(Base):
    """What a person agreed to, when, and on which form: never changed once written."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(enum_column(ConsentKind, "consent_kind", 32))
    form: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[str] = mapped_column(String(32))
    consent_text_hash: Mapped[str | None] = mapped_column(String(71))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    referrer: Mapped[str | None] = mapped_column(String(512))
    utm_source: Mapped[str | None] = mapped_column(String(128))
    utm_medium: Mapped[str | None] = mapped_column(String(128))
    utm_campaign: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = created_at_column()

    subscriber: Mapped[Subscriber] = relationship(back_populates="consents")


@event.listens_for(ConsentEvent, "before_update")
def _consent_is_append_only(mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    """Refuse to rewrite history: a consent record is proof only while it is unchanged."""
    raise ValueError("consent events are append-only")
