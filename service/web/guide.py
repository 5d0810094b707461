"""The visitor's path: the landing page, the signup, the thank-you page and the download."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from service import metrics, signup, storage, tracking
from service.extensions import db, limiter
from service.forms import GuideForm
from service.guide import editions, next_steps
from service.guide import landing as holdings
from service.models import GuideRequest, RequestStatus
from service.models.guides import new_token
from service.web import embedding

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
    if request.method == "GET":
        tracking.count_view("landing")
        db.session.commit()
    year = editions.current_year()
    edition = editions.edition_of(year)
    return render_template("landing.html", form=form, year=year, edition=edition,
                           holds=holdings.facts(edition), previews=(edition.previews or []) if edition else [])


@bp.post("/guide")
@limiter.shared_limit(_signup_limit, scope="signup", methods=["POST"])  # with the embedded form
def submit() -> ResponseReturnValue:
    """Validate the form, record the signup, and send every address to the same kind of page."""
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        abort(415)
    form, year = GuideForm(), editions.current_year()
    if not form.validate_for(year):
        metrics.SIGNUPS.labels("invalid").inc()
        return render_template("landing.html", form=form, year=year), 422
    if form.is_bot():
        metrics.SIGNUPS.labels("bot").inc()
        return redirect(url_for("guide.thanks", token=new_token()), 303)
    guide = signup.submit(
        signup.Signup(email=form.email.data, newsletter=form.newsletter.data, personal=form.personal()),
        _visit(form),
        year=year,
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
    return render_template("thanks.html", guide=guide, ready=guide.downloadable, after=next_steps.for_request(guide))


@bp.get("/guide/<token>/status")
def status(token: str) -> ResponseReturnValue:
    """The request's progress as JSON, for the thank-you page's script."""
    guide = _request_or_404(token)
    return {
        "status": guide.status.value,
        "download_url": url_for("guide.download", token=token) if guide.downloadable else None,
        "error": guide.error if guide.status == RequestStatus.FAILED else None,
        "next": next_steps.for_request(guide) if guide.downloadable else None,
    }


@bp.get("/guide/<token>/download")
def download(token: str) -> ResponseReturnValue:
    """Stream the PDF as an attachment, with an ETag and range support."""
    guide = _request_or_404(token)
    if not guide.downloadable or guide.pdf_sha256 is None:
        return redirect(url_for("guide.thanks", token=token), 303)
    # The embedded thank-you page starts the download inside its iframe, so the PDF may be framed where it is.
    response = embedding.framable(storage.send_pdf(guide.pdf_sha256, f"Remote-Salary-Guide-{guide.edition_year}.pdf"))
    if tracking.is_full_download(request, response):
        tracking.record_download(guide)
        db.session.commit()
    return response
