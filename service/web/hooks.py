"""Webhooks from the mailing tool: POST /hooks/mailchimp/<secret> (and the GET Mailchimp validates it with)."""

from __future__ import annotations

import hmac

from flask import Blueprint, abort, request
from flask.typing import ResponseReturnValue

from service import sync
from service.extensions import csrf, db
from service.sync import withdrawals

bp = Blueprint("hooks", __name__, url_prefix="/hooks")
# Mailchimp posts without a session or a CSRF token: the secret in the path is the proof.
csrf.exempt(bp)


@bp.route("/mailchimp/<secret>", methods=["GET", "POST"])
def mailchimp(secret: str) -> ResponseReturnValue:
    """Answer Mailchimp's validation GET; apply an unsubscribe, cleaned, upemail or profile event."""
    config = sync.current()
    expected = config.webhook_secret if config.tool == "mailchimp" else ""
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        abort(404)
    if request.method == "GET":
        return "ok\n", 200, {"Content-Type": "text/plain"}
    outcome = withdrawals.mailchimp_event(request.form)
    db.session.commit()
    return outcome + "\n", 200, {"Content-Type": "text/plain"}
