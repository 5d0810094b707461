"""Error pages: every failure a visitor can cause gets a clear page and a 4xx, never a 500."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


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
    if request.path.endswith("/status"):
        return {"error": message}, code
    response = error.get_response()
    response.data = render_template("error.html", code=code, message=message)
    response.content_type = "text/html; charset=utf-8"
    return response
