"""What the dashboard counts: PDF downloads and landing-page views."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, created_at_column
from service.models.guides import GuideRequest
from service.models.subscribers import ConsentEvent, Subscriber


class Download(Base):
    """One successful (full, 200) PDF download of a guide request."""

    __tablename__ = "downloads"
    __table_args__ = (
        Index("ix_downloads_created_at", "created_at"),
        Index("ix_downloads_edition_year", "edition_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_request_id: Mapped[int] = mapped_column(ForeignKey("guide_requests.id", ondelete="CASCADE"), index=True)
    edition_year: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()


class PageView(Base):
    """A daily view counter per page: one row per (day, page), incremented in place."""

    __tablename__ = "page_views"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    page: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


# The dashboard's per-day and date-range queries scan these columns; with a million rows an index is
# the difference between a range scan and reading the whole table.
Index("ix_guide_requests_created_at", GuideRequest.created_at)
Index("ix_subscribers_created_at", Subscriber.created_at)
Index("ix_consent_events_created_at", ConsentEvent.created_at)
