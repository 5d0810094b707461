"""Error pages: every failure a visitor can cause gets a clear page and a 4xx, never a 500."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout
from werkzeug.exceptions import HTTPException

from service.extensions import db

RETRY_AFTER = 5  # seconds a visitor is asked to wait while the database is away

MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing here. If you followed a link from an email, ask for the guide again on the front page.",
    405: "That method is not allowed here.",
    413: "That was more data than the form takes.",
    415: "The form must be sent as a normal web form.",
    422: "Please check the form.",
    429: "Too many requests from your network. Please wait a little and try again.",
}


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.before_request(_refuse_non_text_parts)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_away)
    app.register_error_handler(SQLAlchemyTimeout, _database_away)


def _refuse_non_text_parts() -> ResponseReturnValue | None:
    """No form here takes a file: a multipart body with a file part, or a part that is not text, gets a 400.

    Werkzeug hands a file part to the form as a FileStorage and decodes a binary part with replacement
    characters; either would reach the validators as something no visitor typed.
    """
    if request.mimetype != "multipart/form-data":
        return None
    field = next(iter(request.files), None)
    problem = f"The form takes text only, but a file was sent as “{field}”." if field else None
    if problem is None:
        binary = next((name for name, value in request.form.items(multi=True) if "\ufffd" in value), None)
        problem = f"The form takes text only, but “{binary}” was not text." if binary else None
    if problem is None:
        return None
    if request.path == "/guide":
        from service.forms import GuideForm

        return render_template("landing.html", form=GuideForm(formdata=None), form_error=problem), 400
    return render_template("error.html", code=400, message=problem), 400


def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    """A missing or expired form token: send the visitor back to a fresh form."""
    from service.forms import GuideForm

    form = GuideForm(formdata=None)
    message = "Your form expired before it was sent. Please enter your email again."
    return render_template("landing.html", form=form, form_error=message), 400


def _http_error(error: HTTPException) -> ResponseReturnValue:
    """Any other HTTP error, as a page (or JSON for the status endpoint)."""
    code = error.code or 500
    message = MESSAGES.get(code, error.description or "Something went wrong.")
    if _wants_json():
        return {"error": message}, code
    response = error.get_response()
    response.data = render_template("error.html", code=code, message=message)
    response.content_type = "text/html; charset=utf-8"
    return response


def _database_away(error: Exception) -> ResponseReturnValue:
    """The database is unreachable (restarting, refusing, out of connections): 503 with Retry-After, not a hang."""
    db.session.rollback()
    message = "We are restarting something. Please try again in a few seconds: nothing you sent was lost or kept."
    retry = {"Retry-After": str(RETRY_AFTER)}
    if _wants_json():
        return {"error": message}, 503, retry
    return render_template("error.html", code=503, message=message), 503, retry


def _wants_json() -> bool:
    """The status endpoint and the API answer errors in JSON, like their other answers."""
    return request.path.endswith("/status") or request.path.startswith("/api/")
