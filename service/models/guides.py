"""Editions, the PDFs rendered for them, and the requests visitors make."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, StrEnum, created_at_column, enum_column, updated_at_column
from service.models.subscribers import Subscriber


class EditionStatus(StrEnum):
    """An edition's life: drafted, published as the current one, then archived."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class RequestStatus(StrEnum):
    """Where a visitor's guide stands."""

    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


def new_token() -> str:
    """A random public token: 192 bits, URL-safe."""
    return secrets.token_urlsafe(24)


class Edition(Base):
    """One year's guide ("Remote Salary Guide 2026")."""

    __tablename__ = "editions"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(120))
    status: Mapped[EditionStatus] = mapped_column(
        enum_column(EditionStatus, "edition_status", 16), default=EditionStatus.DRAFT
    )
    snapshot_id: Mapped[int | None] = mapped_column(Integer)
    template_version: Mapped[str | None] = mapped_column(String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size: Mapped[int | None] = mapped_column(Integer)
    page_count: Mapped[int | None] = mapped_column(Integer)
    # The PNG previews made from the PDF `previews_of` (service/guide/previews.py), cover first; and the
    # 1-based page a personal guide's own section starts on, read from the personal base.
    previews: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    previews_of: Mapped[str | None] = mapped_column(String(64))
    personal_page: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()


class RenderedPdf(Base):
    """A stored PDF, found by its content key (template version, snapshot, personal inputs)."""

    __tablename__ = "rendered_pdfs"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_key: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int] = mapped_column(Integer)
    render_ms: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()


class GuideRequest(Base):
    """One visitor's request for the guide, found by its random public token."""

    __tablename__ = "guide_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True, default=new_token)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    edition_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "request_status", 16), default=RequestStatus.QUEUED
    )
    personal: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    content_key: Mapped[str | None] = mapped_column(String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # renders started for it
    # A personal guide's result in one line, with its page (service/guide/next_steps.py), once worked out.
    headline: Mapped[str | None] = mapped_column(String(200))
    # Whether the form ticked the newsletter box: what the thank-you page may say, whatever the address's state.
    newsletter: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
    ready_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    subscriber: Mapped[Subscriber] = relationship()

    @property
    def downloadable(self) -> bool:
        """Whether there is a PDF to hand over: the one asked for, or the edition when a personal render failed."""
        return self.pdf_sha256 is not None and self.status in (RequestStatus.READY, RequestStatus.FAILED)
