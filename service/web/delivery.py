"""The download link in the delivery email, and the page that sends a fresh one when it expired."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from service import links, outbox
from service.extensions import db, limiter
from service.forms import GuideForm
from service.mail import delivery
from service.models import GuideRequest
from service.web import guide as guide_views

bp = Blueprint("delivery", __name__)


class FreshLinkForm(FlaskForm):
    """Just the address, validated exactly as on the landing form."""

    email = GuideForm.email  # the same unbound field: same filters, limits and checks


def _limit() -> str:
    """The per-IP limit on forms that can send mail."""
    return current_app.config["SIGNUP_RATE_LIMIT"]


@bp.get("/d/<signed>")
def download(signed: str) -> ResponseReturnValue:
    """Check the signed link, then serve the guide as the thank-you page's download does."""
    try:
        request_id = links.load("download", signed)
    except links.ExpiredLink:
        return render_template("delivery/fresh_link.html", form=FreshLinkForm(formdata=None), expired=True), 410
    except links.BadLink:
        abort(404)
    guide = db.session.get(GuideRequest, request_id) if isinstance(request_id, int) else None
    if guide is None:
        abort(404)
    # Served here rather than redirected, so an expiring link never hands out the request's permanent URL.
    return guide_views.download(guide.token)


@bp.route("/d/fresh", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def fresh_link() -> ResponseReturnValue:
    """Ask for a fresh link; every address gets the same answer, only known ones get an email."""
    form = FreshLinkForm()
    if request.method == "GET" or not form.validate():
        status = 422 if request.method == "POST" else 200
        return render_template("delivery/fresh_link.html", form=form, expired=False), status
    delivery.queue_fresh_link(form.email.data)
    outbox.commit()
    return redirect(url_for("delivery.fresh_link_sent"), 303)


@bp.get("/d/fresh/sent")
def fresh_link_sent() -> ResponseReturnValue:
    """The same answer for every address."""
    return render_template("delivery/fresh_link_sent.html")
