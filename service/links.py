"""Signed links for emails: one salt per purpose, so a token made for one purpose fails every other."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# Purpose → the setting that says how long its links work.
MAX_AGE = {
    "download": "DOWNLOAD_LINK_MAX_AGE",
    "confirm": "CONFIRM_LINK_MAX_AGE",
    "unsubscribe": "UNSUBSCRIBE_LINK_MAX_AGE",
    "embed-form": "EMBED_FORM_MAX_AGE",  # the embedded form's CSRF token (service/web/embedding.py)
}
MAX_TOKEN = 400  # no token we make is longer; anything longer is refused before any work


class BadLink(Exception):
    """A token that is malformed, tampered with, or made for another purpose."""


class ExpiredLink(BadLink):
    """A genuine token whose time is up."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    """The serializer for one purpose (KeyError for an unknown purpose)."""
    MAX_AGE[purpose]  # noqa: B018 (an unknown purpose must fail loudly, not share a salt)
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"salaryguide.link.{purpose}")


def sign(purpose: str, payload: Any) -> str:
    """A URL-safe token carrying `payload`, good for this purpose only."""
    return str(_serializer(purpose).dumps(payload))


def load(purpose: str, token: str, *, enforce_age: bool = True) -> Any:
    """The payload of a token made for `purpose` (and within its age); BadLink or ExpiredLink otherwise."""
    if not token or len(token) > MAX_TOKEN:
        raise BadLink("malformed token")
    max_age = int(current_app.config[MAX_AGE[purpose]]) if enforce_age else None
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise ExpiredLink("link expired") from exc
    except BadSignature as exc:
        raise BadLink("bad token") from exc


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute URL on SALARYGUIDE_PUBLIC_URL (never the request's Host, which a job lacks and a client sets)."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
