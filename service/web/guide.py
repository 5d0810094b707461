"""The visitor's path: the landing page, the signup, the thank-you page and the download."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from service import signup, storage
from service.extensions import db, limiter
from service.forms import GuideForm
from service.models import GuideRequest, RequestStatus
from service.models.guides import new_token

bp = Blueprint("guide", __name__)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def _signup_limit() -> str:
    """The per-IP limit on signups, from configuration."""
    return current_app.config["SIGNUP_RATE_LIMIT"]


@bp.get("/")
def landing() -> ResponseReturnValue:
    """The landing page with the form."""
    form = GuideForm(data={key: request.args.get(key, "") for key in ("utm_source", "utm_medium", "utm_campaign")})
    form.referrer.data = request.referrer or ""
    return render_template("landing.html", form=form)


@bp.post("/guide")
@limiter.limit(_signup_limit, methods=["POST"])
def submit() -> ResponseReturnValue:
    """Validate the form, record the signup, and send every address to the same kind of page."""
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        abort(415)
    form = GuideForm()
    if not form.validate():
        return render_template("landing.html", form=form), 422
    if form.is_bot():
        return redirect(url_for("guide.thanks", token=new_token()), 303)
    guide = signup.submit(
        signup.Signup(email=form.email.data, newsletter=form.newsletter.data),
        _visit(form),
        year=current_app.config["EDITION_YEAR"],
        brand=current_app.config["BRAND_NAME"],
    )
    return redirect(url_for("guide.thanks", token=guide.token), 303)


def _visit(form: GuideForm) -> signup.Visit:
    """What the request tells us about the visit."""
    return signup.Visit(
        ip=request.remote_addr,
        user_agent=(request.user_agent.string or None) and request.user_agent.string[:512],
        referrer=form.referrer.data or None,
        utm=form.utm(),
    )


def _request_or_404(token: str) -> GuideRequest:
    """The guide request for a well-formed, known token."""
    if not TOKEN.match(token):
        abort(404)
    found = db.session.scalars(select(GuideRequest).where(GuideRequest.token == token)).first()
    if found is None:
        abort(404)
    return found


@bp.get("/guide/<token>")
def thanks(token: str) -> ResponseReturnValue:
    """The thank-you page: progress until the PDF is ready, then the download starts by itself."""
    guide = _request_or_404(token)
    return render_template("thanks.html", guide=guide, ready=guide.status == RequestStatus.READY)


@bp.get("/guide/<token>/status")
def status(token: str) -> ResponseReturnValue:
    """The request's progress as JSON, for the thank-you page's script."""
    guide = _request_or_404(token)
    ready = guide.status == RequestStatus.READY
    return {
        "status": guide.status.value,
        "download_url": url_for("guide.download", token=token) if ready else None,
        "error": guide.error if guide.status == RequestStatus.FAILED else None,
    }


@bp.get("/guide/<token>/download")
def download(token: str) -> ResponseReturnValue:
    """Stream the PDF as an attachment, with an ETag and range support."""
    guide = _request_or_404(token)
    if guide.status != RequestStatus.READY or not guide.pdf_sha256:
        return redirect(url_for("guide.thanks", token=token), 303)
    response = send_file(
        storage.store().path_for(guide.pdf_sha256),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"Remote-Salary-Guide-{guide.edition_year}.pdf",
        etag=guide.pdf_sha256,
        conditional=True,
        max_age=3600,
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
