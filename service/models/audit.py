"""Records the admin tools keep about themselves: exports made and erasures done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, created_at_column


class ExportRecord(Base):
    """Who exported which subscribers, when, and how many rows left the building."""

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(320))  # a staff address, "token" or "cli"
    layout: Mapped[str] = mapped_column(String(16))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    row_count: Mapped[int | None] = mapped_column(Integer)  # known only once the stream has ended
    created_at: Mapped[datetime] = created_at_column()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Erasure(Base):
    """That a person was erased, and when: deliberately nothing more."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = created_at_column()
