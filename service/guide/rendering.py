"""Turn a guide request into a stored PDF, reusing any PDF already rendered for the same content."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from flask import current_app
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

import pdf
from service import metrics, outbox, storage
from service.extensions import db
from service.guide import context as guide_context
from service.guide import next_steps
from service.models import GuideRequest, OutboxMessage, RenderedPdf, RequestStatus
from service.reference import tables

log = logging.getLogger(__name__)


def content_key(template_version: str, snapshot_id: int | None, year: int, personal: dict[str, Any] | None,
                settings: dict[str, Any] | None = None) -> str:
    """The key a PDF is stored under: same template, data, edition, settings and personal inputs, same PDF."""
    material = json.dumps([template_version, snapshot_id, year, personal, settings], sort_keys=True,
                          separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()


def printed_settings() -> dict[str, Any]:
    """Everything besides template, snapshot id, year and inputs that the PDF prints: the snapshot's content,
    the shipped reference data, the brand, the band threshold and the window (docs/pdf.md, "Content key")."""
    config = current_app.config
    snapshot = guide_context.current_snapshot()
    return {"snapshot_hash": snapshot.content_hash if snapshot else None, "reference": tables.data_hash(),
            "brand": [config["BRAND_NAME"], config["BRAND_URL"]], "threshold": int(config["BAND_THRESHOLD"]),
            "window_months": int(config["WINDOW_MONTHS"])}


def current_key(year: int, inputs: dict[str, Any] | None) -> str:
    """The content key of this edition's PDF for these inputs under today's template, data and settings."""
    return content_key(pdf.TEMPLATE_VERSION, guide_context.current_snapshot_id(), year, inputs, printed_settings())


# The content key's "personal inputs" for the personal base: the guide with empty personal pages that
# every personal guide of the same template, data and edition is merged from (docs/pdf.md).
PERSONAL_BASE = {"personal_base": True}


def ensure_pdf(year: int, personal: dict[str, Any] | None) -> RenderedPdf:
    """The stored PDF for this edition and these inputs, made now only if it is not stored yet.

    A personal guide is a short insert merged into the stored personal base, not a full render.
    """
    if personal:
        base = ensure_personal_base(year)
        return _ensure(year, personal, lambda: _merged(year, personal, base), pages=base.page_count)
    return _ensure(year, None, lambda: pdf.render_guide(guide_context.build(year)))


def ensure_personal_base(year: int) -> RenderedPdf:
    """The stored personal base for this edition, rendered now only if it is not stored yet."""
    return _ensure(year, PERSONAL_BASE, lambda: pdf.render_personal_base(guide_context.build(year)))


def _ensure(year: int, inputs: dict[str, Any] | None, make: Callable[[], bytes], pages: int | None = None
            ) -> RenderedPdf:
    """The PDF stored under the content key for these inputs, made by `make` if it is missing (`pages`: its
    page count when known, else it is read from the PDF)."""
    key = current_key(year, inputs)
    found = db.session.scalars(select(RenderedPdf).where(RenderedPdf.content_key == key)).first()
    if found is not None and storage.store().exists(found.sha256):
        return found
    started = time.perf_counter()
    data = make()
    elapsed_ms = int((time.perf_counter() - started) * 1000)
    metrics.rendered(inputs, elapsed_ms / 1000)
    sha256 = storage.store().put(data)
    log.info("rendered %s: %d bytes in %d ms", key[:12], len(data), elapsed_ms)
    return _record(found, key, sha256, data, elapsed_ms, pages)


def _merged(year: int, personal: dict[str, Any], base: RenderedPdf) -> bytes:
    """The personal guide: the reader's insert drawn over the personal base's placeholder pages."""
    insert = pdf.render_personal_insert(guide_context.build(year, personal=personal))
    return pdf.merge_personal(_parsed_base(base.sha256), insert)


@lru_cache(maxsize=2)
def _parsed_base(sha256: str) -> pdf.PersonalBase:
    """A stored personal base, read and parsed once per process; stored by its digest, so never stale."""
    return pdf.PersonalBase.parse(storage.store().read(sha256))


def prepare_personal_base(year: int) -> None:
    """Read and parse the edition's stored personal base now, if there is one: a warm worker does this before
    it forks a render, so the job inherits it instead of reading and parsing 1.4 MB for each guide."""
    base = stored_pdf(year, PERSONAL_BASE)
    if base is not None:
        _parsed_base(base.sha256)


def _record(found: RenderedPdf | None, key: str, sha256: str, data: bytes, elapsed_ms: int,
            pages: int | None = None) -> RenderedPdf:
    """Remember the stored PDF under its key (a concurrent render of the same key is harmless)."""
    pages = pages or len(PdfReader(io.BytesIO(data)).pages)
    if found is not None:
        found.sha256, found.size, found.page_count, found.render_ms = sha256, len(data), pages, elapsed_ms
        db.session.commit()
        return found
    row = RenderedPdf(content_key=key, sha256=sha256, size=len(data), page_count=pages, render_ms=elapsed_ms)
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        row = db.session.scalars(select(RenderedPdf).where(RenderedPdf.content_key == key)).one()
    return row


def stored_pdf(year: int, inputs: dict[str, Any] | None = None) -> RenderedPdf | None:
    """The PDF for this edition and these inputs under today's template and data, if it is stored."""
    key = current_key(year, inputs)
    found = db.session.scalars(select(RenderedPdf).where(RenderedPdf.content_key == key)).first()
    return found if found is not None and storage.store().exists(found.sha256) else None


def stored_generic(year: int) -> tuple[str, str] | None:
    """`stored_pdf(year)`'s content key and digest, remembered per app for each (year, snapshot, template).

    Settings and reference data are fixed for the app's life and a snapshot's content never changes once
    committed, so the key is too; the file's presence is still checked each time (a stat, or remembered by
    the bucket store), and a missing one sends the lookup back to the database.
    """
    cache = current_app.extensions.setdefault("salaryguide_generic_pdfs", {})
    memo = (year, guide_context.current_snapshot_id(), pdf.TEMPLATE_VERSION)
    known = cache.get(memo)
    if known is not None and storage.store().exists(known[1]):
        return known
    found = stored_pdf(year)
    if found is None:
        cache.pop(memo, None)
        return None
    cache[memo] = (found.content_key, found.sha256)
    return cache[memo]


def queue_render(guide: GuideRequest, attempt: int = 0) -> OutboxMessage:
    """The outbox row that renders a request (a sweep's re-dispatch gets an id of its own)."""
    job_id = f"render-{guide.id}" if attempt == 0 else f"render-{guide.id}-sweep-{attempt}"
    return outbox.add("render", fulfil, job_id, guide.id)


def fulfil(request_id: int) -> str:
    """The render job: render (or reuse) the request's PDF and mark it ready.

    Each run counts an attempt; a run that fails raises so RQ retries it, and the last allowed attempt
    marks the request failed with a reason the visitor reads. A run finding the attempts used up by
    earlier runs whose process died fails the request at once.
    """
    guide = db.session.get(GuideRequest, request_id)
    if guide is None:
        log.warning("guide request %s no longer exists", request_id)
        return "missing"
    if guide.status in (RequestStatus.READY, RequestStatus.FAILED):
        return f"already {guide.status.value}"
    limit = int(current_app.config["JOB_MAX_ATTEMPTS"])
    if guide.attempts >= limit:
        fail(request_id, f"{guide.attempts} attempts ended without a PDF")
        return "failed"
    guide.status, guide.attempts = RequestStatus.RENDERING, guide.attempts + 1
    db.session.commit()
    try:
        rendered = ensure_pdf(guide.edition_year, guide.personal)
    except BaseException as exc:  # the worker's time limit is a BaseException (workers/worker.py)
        db.session.rollback()
        if guide.attempts >= limit:
            fail(request_id, repr(exc))
        else:
            log.warning("render of request %s failed (attempt %s of %s), to be retried: %r",
                        request_id, guide.attempts, limit, exc)
        raise
    guide.status, guide.pdf_sha256, guide.content_key = RequestStatus.READY, rendered.sha256, rendered.content_key
    guide.ready_at, guide.error = datetime.now(UTC), None
    next_steps.headline(guide)  # from the data just rendered from, for the thank-you page and the email
    served = 0 if guide.personal else _serve_the_waiting(guide.edition_year, rendered)
    db.session.commit()
    return f"ready, with {served} more waiting for the same PDF" if served else "ready"


def _serve_the_waiting(year: int, rendered: RenderedPdf) -> int:
    """Hand this edition's PDF to every other queued request of the year without personal inputs, in one
    UPDATE: after a cold start or a Redis outage hundreds may wait for it, and their own jobs then find them
    ready instead of each taking a turn on the worker."""
    queued = db.session.execute(select(GuideRequest.id, GuideRequest.personal).where(
        GuideRequest.status == RequestStatus.QUEUED, GuideRequest.edition_year == year)).all()
    ids = [request_id for request_id, personal in queued if not personal]  # JSON null is not SQL NULL
    if ids:
        db.session.execute(
            update(GuideRequest)
            .where(GuideRequest.id.in_(ids), GuideRequest.status == RequestStatus.QUEUED)
            .values(status=RequestStatus.READY, pdf_sha256=rendered.sha256, content_key=rendered.content_key,
                    ready_at=datetime.now(UTC))
            .execution_options(synchronize_session=False))
    return len(ids)


def fail(request_id: int, reason: str) -> None:
    """Mark the request failed with a reason a visitor can read, offering the stored edition instead."""
    guide = db.session.get(GuideRequest, request_id)
    if guide is not None:
        fallback = stored_pdf(guide.edition_year) if guide.personal else None
        guide.status = RequestStatus.FAILED
        guide.pdf_sha256 = fallback.sha256 if fallback else None
        guide.error = ("your personal page could not be prepared, so here is the guide without it"
                       if fallback else "the guide could not be rendered, please try again in a few minutes")
        db.session.commit()
    log.error("render of request %s failed: %s", request_id, reason)
