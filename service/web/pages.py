"""The edition's preview images, cached for good under their content's digest, and the privacy page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file
from flask.typing import ResponseReturnValue

from service import links, storage
from service.guide import editions

bp = Blueprint("pages", __name__)
# A preview's URL names its bytes, so it can never change: any cache may keep it for a year.
IMMUTABLE = "public, max-age=31536000, immutable"


@bp.app_context_processor
def _absolute() -> dict[str, object]:
    """`public_url` in every template: sharing tags need absolute URLs on SALARYGUIDE_PUBLIC_URL."""
    return {"public_url": links.public_url}


@bp.get("/previews/<sha256>.png")
def preview(sha256: str) -> ResponseReturnValue:
    """One stored preview image, from the folder or the bucket."""
    found = storage.store()
    try:
        stored = found.exists(sha256, ".png")
    except ValueError:  # not a digest
        abort(404)
    if not stored:
        abort(404)
    if isinstance(found, storage.PdfStore):
        response = send_file(found.path_for(sha256, ".png"), mimetype="image/png", etag=sha256, conditional=True)
    else:  # a bucket: previews are small, so the web reads them rather than hand out presigned URLs
        response = Response(found.read(sha256, ".png"), mimetype="image/png")
        response.set_etag(sha256)
        response.make_conditional(request)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/privacy")
def privacy() -> ResponseReturnValue:
    """What the service stores about a visitor, why, for how long, and how to have it erased."""
    config = current_app.config
    days = {name: int(config[setting]) // 86400 for name, setting in (
        ("confirm", "CONFIRM_LINK_MAX_AGE"), ("download", "DOWNLOAD_LINK_MAX_AGE"),
        ("unsubscribe", "UNSUBSCRIBE_LINK_MAX_AGE"))}
    return render_template("privacy.html", year=editions.current_year(), days=days,
                           ip_storage=config["IP_STORAGE"], contact=config["PRIVACY_CONTACT"], sync=config["SYNC"])
