"""Outgoing email: one row per message, its idempotency key held unique, its sending state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, StrEnum, created_at_column, enum_column, updated_at_column
from service.models.subscribers import Subscriber


class EmailKind(StrEnum):
    """Why a message is sent: the guide asked for, a confirmation, or newsletter mail (the welcome included)."""

    DELIVERY = "delivery"
    CONFIRMATION = "confirmation"
    NEWSLETTER = "newsletter"


class EmailStatus(StrEnum):
    """pending → sending → sent; failed when it cannot be sent; cancelled when no longer wanted."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"



class SentEmail(Base):
    """One message to one subscriber; `key` makes retries and duplicate jobs collapse into one send."""

    __tablename__ = "sent_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[EmailKind] = mapped_column(enum_column(EmailKind, "email_kind", 16))
    template: Mapped[str] = mapped_column(String(64))  # templates/email/<template>.txt and .html
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    guide_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("guide_requests.id", ondelete="CASCADE"), index=True
    )
    consent_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_events.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[EmailStatus] = mapped_column(
        enum_column(EmailStatus, "email_status", 16), default=EmailStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    subscriber: Mapped[Subscriber] = relationship()
