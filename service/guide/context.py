"""The context a guide is rendered from (docs/guide-context.md): every figure comes from the data now."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

import pdf
from service.extensions import db
from service.models import DataSnapshot


def current_snapshot() -> DataSnapshot | None:
    """The newest data snapshot, if any data was imported."""
    return db.session.scalars(select(DataSnapshot).order_by(DataSnapshot.id.desc()).limit(1)).first()


def current_snapshot_id() -> int | None:
    """The id of the newest data snapshot."""
    return db.session.scalar(select(DataSnapshot.id).order_by(DataSnapshot.id.desc()).limit(1))


def build(year: int, personal: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the PDF prints, as plain JSON-able data."""
    config = current_app.config
    snapshot = current_snapshot()
    return {
        "edition": {"year": year, "title": f"Remote Salary Guide {year}", "template_version": pdf.TEMPLATE_VERSION},
        "brand": {"name": config["BRAND_NAME"], "url": config["BRAND_URL"]},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "snapshot": _snapshot_dict(snapshot),
        "window": {"months": 24, "start": None, "end": None},
        "threshold": 20,
        "listings_analysed": 0,
        "categories": [],
        "bands": [],
        "cities": [],
        "personal": personal,
        "sources": [],
        "caveats": [],
    }


def _snapshot_dict(snapshot: DataSnapshot | None) -> dict[str, Any] | None:
    """The snapshot's identity, as the guide records it."""
    if snapshot is None:
        return None
    return {
        "id": snapshot.id,
        "created_at": snapshot.created_at.isoformat(),
        "listing_count": snapshot.listing_count,
        "content_hash": snapshot.content_hash,
        "source": snapshot.source,
    }
