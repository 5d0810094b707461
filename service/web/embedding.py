"""What lets the site's pages embed this service: the allowed origins, CORS, framing, and the form's token.

The embedded form cannot rely on a session cookie: inside a third-party iframe, browsers that block
third-party cookies never send it, and SameSite=Lax withholds it from a cross-site POST anyway. So the form
carries its own CSRF token instead, signed with the secret key and expiring after EMBED_FORM_MAX_AGE
seconds (service/links.py, purpose "embed-form"). It proves the form was served by us lately; no cookie,
no server-side state.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app, request

from service import links
from service.web import headers

_SPLIT = re.compile(r"[\s,]+")


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of an http(s) URL, lower-cased; None for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def origins() -> list[str]:
    """SALARYGUIDE_EMBED_ORIGINS (a list, or origins separated by spaces or commas); default: the brand's site."""
    configured = current_app.config["EMBED_ORIGINS"] or [current_app.config["BRAND_URL"]]
    given = _SPLIT.split(configured) if isinstance(configured, str) else list(configured)
    return sorted({found for item in given if item and (found := origin_of(str(item)))})


def allow_origin(response: Response) -> Response:
    """CORS for the API: the asking page's origin when it is on the list; caches keep answers apart by Origin."""
    response.vary.add("Origin")
    asking = request.headers.get("Origin", "")
    if asking and asking.lower() in origins():
        response.headers["Access-Control-Allow-Origin"] = asking
    return response


def framable(response: Response) -> Response:
    """Allow the listed origins, and only them, to frame this response."""
    response.headers["Content-Security-Policy"] = headers.policy(**{"frame-ancestors": " ".join(origins())
                                                                    or "'none'"})
    return response


def form_token() -> str:
    """A fresh signed token for one embedded form."""
    return links.sign("embed-form", secrets.token_urlsafe(9))


def token_problem(token: str | None) -> str | None:
    """Why the embedded form's token is not acceptable, or None when it is."""
    try:
        links.load("embed-form", token or "")
    except links.ExpiredLink:
        return "Your form expired before it was sent. Please enter your email again."
    except links.BadLink:
        return "The form could not be checked. Please enter your email again."
    return None


def embedding_page() -> str | None:
    """The page the visitor was on: the embed's Referer, which the browser sets to the embedding page."""
    referrer = request.referrer or ""
    return referrer[:512] if origin_of(referrer) else None


def check_settings(config: Mapping[str, Any]) -> None:
    """Fail at start on an origin that is not scheme://host."""
    configured = config["EMBED_ORIGINS"]
    given = _SPLIT.split(configured) if isinstance(configured, str) else list(configured or [])
    bad = [item for item in given if item and origin_of(str(item)) is None]
    if bad:
        raise RuntimeError(f"SALARYGUIDE_EMBED_ORIGINS: {bad[0]!r} is not an http(s) origin")
