"""Pushes to the mailing tool, one row per subscriber and change, and what each tool last told us."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, StrEnum, created_at_column, enum_column, updated_at_column


class PushAction(StrEnum):
    """What a push does in the tool."""

    SUBSCRIBE = "subscribe"  # a confirmed subscriber, with their consent proof
    UNSUBSCRIBE = "unsubscribe"
    ERASE = "erase"  # delete the contact for good


class PushStatus(StrEnum):
    """pending → sending → sent; skipped when a later change superseded it; failed when out of attempts."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


class SyncPush(Base):
    """One change for one subscriber in one tool; `key` is its idempotency key."""

    __tablename__ = "sync_pushes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    tool: Mapped[str] = mapped_column(String(16), index=True)
    action: Mapped[PushAction] = mapped_column(enum_column(PushAction, "push_action", 16))
    # Erased with the person; an erasure's own push has none and carries the address until it is done.
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    email: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[PushStatus] = mapped_column(enum_column(PushStatus, "push_status", 16), default=PushStatus.PENDING,
                                               index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()


class SyncState(Base):
    """Per tool: when we last heard from it (a pull or a webhook) and the last error."""

    __tablename__ = "sync_state"

    tool: Mapped[str] = mapped_column(String(16), primary_key=True)
    pulled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the listmonk pull's cursor
    heard_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
