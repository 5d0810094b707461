"""Editions: one guide a year, rendered ahead of time so the common request never waits."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import select, update

import pdf
from service import storage
from service.extensions import db
from service.guide import context, previews, rendering
from service.models import Edition, EditionStatus, RenderedPdf

log = logging.getLogger(__name__)


def current_edition() -> Edition | None:
    """The published edition (the newest, should two ever be published)."""
    query = select(Edition).where(Edition.status == EditionStatus.PUBLISHED).order_by(Edition.year.desc()).limit(1)
    return db.session.scalars(query).first()


def current_year() -> int:
    """The year visitors get: the published edition's, else the configured one."""
    if has_request_context():
        year = context.published_now()[0]
    else:
        edition = current_edition()
        year = edition.year if edition else None
    return year if year is not None else int(current_app.config["EDITION_YEAR"])


def edition_of(year: int) -> Edition | None:
    """The edition row of a year, whatever its status (the pre-render records a draft)."""
    return db.session.scalars(select(Edition).where(Edition.year == year)).first()


def _edition(year: int) -> Edition:
    """The edition row for a year, created as a draft if new."""
    edition = db.session.scalars(select(Edition).where(Edition.year == year)).first()
    if edition is None:
        edition = Edition(year=year, title=f"Remote Salary Guide {year}", status=EditionStatus.DRAFT)
        db.session.add(edition)
        db.session.flush()
    return edition


def render(year: int) -> Edition:
    """Render (or reuse) the edition's generic PDF and its personal base from the current data and template,
    and record the generic one (the base is what personal guides are merged from)."""
    rendered = rendering.ensure_pdf(year, None)
    base = rendering.ensure_personal_base(year)
    edition = _edition(year)
    edition.snapshot_id = context.current_snapshot_id()
    edition.template_version = pdf.TEMPLATE_VERSION
    edition.pdf_sha256, edition.pdf_size, edition.page_count = rendered.sha256, rendered.size, rendered.page_count
    edition.personal_page = pdf.placeholder_index(storage.store().read(base.sha256)) + 1
    db.session.commit()
    return ensure_previews(edition)


def ensure_previews(edition: Edition) -> Edition:
    """Make the edition's preview images from its stored PDF unless they were made from this PDF already.

    Previews only decorate the landing page: if they cannot be made the edition stands without them.
    """
    if edition.pdf_sha256 and edition.previews_of != edition.pdf_sha256:
        try:
            made = previews.store(edition.pdf_sha256)
        except Exception:
            log.exception("previews of edition %s could not be made", edition.year)
            return edition
        edition.previews, edition.previews_of = made, edition.pdf_sha256
        db.session.commit()
    return edition


def publish(year: int) -> Edition:
    """Make a year's edition the current one; the one before it is archived (its links keep working)."""
    edition = render(year)
    db.session.execute(
        update(Edition).where(Edition.status == EditionStatus.PUBLISHED, Edition.id != edition.id)
        .values(status=EditionStatus.ARCHIVED)
    )
    if edition.status != EditionStatus.PUBLISHED:
        edition.status, edition.published_at = EditionStatus.PUBLISHED, datetime.now(UTC)
    db.session.commit()
    return edition


def ready_pdf(year: int, inputs: dict[str, Any] | None = None) -> RenderedPdf | None:
    """The generic PDF (or, with `rendering.PERSONAL_BASE`, the personal base) for this year under today's
    template and data, if it is already stored."""
    return rendering.stored_pdf(year, inputs)


def ready_generic(year: int) -> tuple[str, str] | None:
    """The generic PDF's content key and digest for this year under today's template and data, if stored
    (remembered per data snapshot: the common signup looks nothing up but the snapshot's id)."""
    return rendering.stored_generic(year)


def prerender_current() -> str:
    """The pre-render job: render the current edition now unless its PDF for today's inputs is stored already."""
    year = current_year()
    if ready_pdf(year) is not None and ready_pdf(year, rendering.PERSONAL_BASE) is not None:
        found = edition_of(year)
        if found is not None and found.previews_of == found.pdf_sha256 and found.personal_page:
            return f"edition {year} already rendered"
        render(year)  # stored before previews existed: the PDFs are reused, the previews made now
        return f"edition {year} already rendered, previews made"
    edition = render(year)
    log.info("pre-rendered edition %s: %s pages", year, edition.page_count)
    return f"edition {year} rendered"
