"""Salary listings and the data snapshots each import makes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, created_at_column, updated_at_column


class DataSnapshot(Base):
    """The state of the salary data after one import; a guide records the one it was rendered from."""

    __tablename__ = "data_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(512))  # the file or URL imported
    listing_count: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(71))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = created_at_column()


class Listing(Base):
    """A job listing with a disclosed salary, normalised to annual USD."""

    __tablename__ = "listings"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_listings_remote_posted", "remote", "posted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(128))
    seniority: Mapped[str] = mapped_column(String(16))
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    period: Mapped[str] = mapped_column(String(8))
    salary_annual_usd: Mapped[float] = mapped_column(Float)
    country: Mapped[str | None] = mapped_column(String(2))
    remote: Mapped[bool] = mapped_column(Boolean)
    posted_at: Mapped[date] = mapped_column(Date)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("data_snapshots.id"))  # the import that last changed it
    company: Mapped[str | None] = mapped_column(String(256))
    # Normalised company, title and annual range: the same job on another board has the same key
    # (docs/data.md, *Cross-posting*); None without a company.
    crosspost_key: Mapped[str | None] = mapped_column(String(512), index=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()


class SnapshotSource(Base):
    """One source's listings as a snapshot holds them: how many, their dates, and the licence."""

    __tablename__ = "snapshot_sources"
    __table_args__ = (UniqueConstraint("snapshot_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("data_snapshots.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    first_posted: Mapped[date] = mapped_column(Date)
    last_posted: Mapped[date] = mapped_column(Date)
    licence: Mapped[str | None] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(String(512))  # the feed it was last imported from


class FeedRun(Base):
    """One feed's import in a refresh: what it did, or why it failed (shown on the dashboard)."""

    __tablename__ = "feed_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(512))
    ok: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("data_snapshots.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime] = created_at_column()
