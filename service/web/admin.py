"""The admin pages at /admin: sign-in, the dashboard, and the subscriber export."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user
from flask_wtf.csrf import CSRFError

from service import health as probes
from service import heartbeat
from service.admin import auth, chart, dashboard, queue_health
from service.admin.forms import LoginForm, LogoutForm
from service.export import filters, stream
from service.extensions import db, limiter
from service.sync import status as sync_status

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _ip_limit() -> str:
    """Failed sign-ins allowed per IP."""
    return current_app.config["ADMIN_LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    """Failed sign-ins allowed per account, from any number of IPs."""
    return current_app.config["ADMIN_ACCOUNT_RATE_LIMIT"]


def _failed(response: Response) -> bool:
    """Only failed sign-ins count against the limits."""
    return response.status_code == 401


@bp.after_request
def _private(response: Response) -> Response:
    """Admin answers are never cached, framed or indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["X-Frame-Options"] = "DENY"
    return response


@bp.errorhandler(CSRFError)
def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    """An expired or missing form token on an admin form: back to a fresh sign-in form."""
    return render_template("admin/login.html", form=LoginForm(formdata=None), expired=True), 400


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_ip_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_account_limit, methods=["POST"], key_func=auth.account_key, deduct_when=_failed)
def login() -> ResponseReturnValue:
    """The sign-in form; a wrong address or password gets the same 401 answer."""
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form), 400 if request.method == "POST" else 200
    user = auth.authenticate(form.email.data, form.password.data)
    if user is None:
        return render_template("admin/login.html", form=form, failed=True), 401
    db.session.commit()
    login_user(user)
    return redirect(_safe_next(form.next.data), 303)


def _safe_next(target: str | None) -> str:
    """Where to go after sign-in: only a path inside /admin, never another site."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin") or "\\" in (target or ""):
        return url_for("admin.index")
    return target or url_for("admin.index")


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (a POST with a CSRF token, checked by CSRFProtect)."""
    logout_user()
    return redirect(url_for("admin.login"), 303)


@bp.get("/")
@auth.require_staff
def index() -> ResponseReturnValue:
    """The dashboard."""
    figures = dashboard.figures(current_app.config["DASHBOARD_DAYS"])
    beats = heartbeat.summary(probes.redis_connection())
    return render_template("admin/dashboard.html", figures=figures, chart=chart.build(figures.days),
                           health=queue_health.health(), beats=beats, logout_form=LogoutForm(),
                           layouts=filters.LAYOUTS, sync=sync_status.tools())


@bp.get("/subscribers.csv")
@auth.require_staff
def export() -> ResponseReturnValue:
    """Stream the subscribers as CSV in the chosen layout, recording the export."""
    try:
        query = filters.parse(request.args.to_dict(flat=False))
    except filters.FilterError as exc:
        return _bad_request(str(exc))
    record = stream.start(auth.actor(), query)
    db.session.commit()
    chunks = stream.recorded(record.id, stream.lines(query, current_app.config["EXPORT_BATCH_SIZE"]))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    # The file of addresses a spreadsheet would run as formulas says so in its name (docs/marketing.md).
    part = "-formula-addresses-do-not-open-in-a-spreadsheet" if query.formula_rows == "only" else ""
    return Response(stream_with_context(chunks), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="subscribers-{query.layout}{part}-{stamp}.csv"',
        "X-Content-Type-Options": "nosniff",
    })


def _bad_request(message: str) -> ResponseReturnValue:
    """A 400 that says what was wrong: plain text for scripts (token), a page for people (session)."""
    if g.get("admin_by_token"):
        return Response(message + "\n", 400, mimetype="text/plain")
    return render_template("admin/error.html", message=message, logout_form=LogoutForm()), 400
