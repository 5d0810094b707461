"""The newsletter's links: confirm with a POST (GET only shows a button), one-click unsubscribe, resubscribe."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from service import links, outbox
from service.extensions import csrf
from service.models import Subscriber
from service.newsletter import consent, subscription, wording
from service.sync import push

bp = Blueprint("newsletter", __name__, url_prefix="/newsletter")
# No CSRF token and no cookie here: the signed token in the URL is the proof (RFC 8058 one-click posts bare).
csrf.exempt(bp)


@bp.get("/confirm/<signed>")
def confirm(signed: str) -> ResponseReturnValue:
    """A page with the confirm button; a GET changes nothing, so mail scanners cannot confirm."""
    try:
        _confirm_payload(signed)
    except links.ExpiredLink:
        return render_template("newsletter/confirm_expired.html"), 410
    return render_template("newsletter/confirm.html", button=_text(wording.CONFIRM_BUTTON))


@bp.post("/confirm/<signed>")
def confirm_post(signed: str) -> ResponseReturnValue:
    """Confirm the subscription (again is fine), then welcome the new subscriber."""
    try:
        subscriber, round_id = _confirm_payload(signed)
    except links.ExpiredLink:
        return render_template("newsletter/confirm_expired.html"), 410
    confirmed, _ = subscription.confirm(subscriber, round_id, _visit())
    outbox.commit()
    if not confirmed:
        return render_template("newsletter/confirm_expired.html"), 410
    return render_template("newsletter/confirmed.html")


@bp.get("/unsubscribe/<signed>")
def unsubscribe(signed: str) -> ResponseReturnValue:
    """A page with the unsubscribe button (nothing to press for an address we no longer hold)."""
    if _unsubscribe_payload(signed, enforce_age=False) is None:
        return render_template("newsletter/unsubscribed.html", signed=None)
    return render_template("newsletter/unsubscribe.html", button=_text(wording.UNSUBSCRIBE_BUTTON))


@bp.post("/unsubscribe/<signed>")
def unsubscribe_post(signed: str) -> ResponseReturnValue:
    """Unsubscribe: the RFC 8058 one-click POST or the page's button; 200, no redirect, idempotent."""
    subscriber = _unsubscribe_payload(signed, enforce_age=False)
    if subscriber is None:  # erased: nothing will ever be sent, which is what was asked
        return render_template("newsletter/unsubscribed.html", signed=None)
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    left = subscription.unsubscribe(subscriber, _visit(), one_click=one_click)
    if left:
        push.unsubscribed(subscriber)
    outbox.commit()
    return render_template("newsletter/unsubscribed.html", signed=signed, button=wording.RESUBSCRIBE_BUTTON)


@bp.post("/resubscribe/<signed>")
def resubscribe(signed: str) -> ResponseReturnValue:
    """Undo an unsubscribe from the page it led to."""
    subscriber = _unsubscribe_payload(signed, enforce_age=True)
    if subscriber is None:
        abort(404)
    subscribed, _ = subscription.resubscribe(subscriber, _visit())
    outbox.commit()
    return render_template("newsletter/resubscribed.html", subscribed=subscribed)


def _confirm_payload(signed: str) -> tuple[Subscriber, object]:
    """The subscriber and round a confirmation link names; 404 for a bad link, ExpiredLink for an old one."""
    try:
        payload = links.load("confirm", signed)
    except links.ExpiredLink:
        raise
    except links.BadLink:
        abort(404)
    subscriber = subscription.by_uuid(payload[0]) if isinstance(payload, list) and len(payload) == 2 else None
    if subscriber is None:
        abort(404)
    return subscriber, payload[1]


def _unsubscribe_payload(signed: str, enforce_age: bool) -> Subscriber | None:
    """The subscriber a genuine unsubscribe link names (None once erased); 404 for a bad link.

    An old but genuine link still unsubscribes: there is no reason ever to make leaving harder.
    """
    try:
        subscriber_uuid = links.load("unsubscribe", signed, enforce_age=enforce_age)
    except links.BadLink:
        abort(404)
    return subscription.by_uuid(subscriber_uuid)


def _text(template: str) -> str:
    """A consent wording with the brand filled in."""
    return template.format(brand=current_app.config["BRAND_NAME"])


def _visit() -> consent.Visit:
    """What this request tells us, for the consent record."""
    return consent.Visit(ip=request.remote_addr, user_agent=request.user_agent.string or None,
                         referrer=request.referrer)
