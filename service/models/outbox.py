"""The outbox: jobs written in the same transaction as the data they act on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, created_at_column


class OutboxMessage(Base):
    """A job to put on a queue; dispatched_at stays empty until Redis has taken it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str] = mapped_column(String(32))
    job: Mapped[str] = mapped_column(String(128))  # dotted path of the job function
    job_id: Mapped[str] = mapped_column(String(128), unique=True)  # deterministic: duplicates collapse
    args: Mapped[list[Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
