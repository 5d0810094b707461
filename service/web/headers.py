"""Security headers on every answer: a strict Content-Security-Policy, no framing, no sniffing, HSTS in production.

The pages load their script and styles from /static only, so the policy allows no inline script or style.
A blueprint that must be framed (an embed) sets `frame-ancestors` itself on its responses; this leaves it.
"""

from __future__ import annotations

from flask import Flask, Response

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADERS = {
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    """Add the headers to every response the app makes."""
    production = app.config["ENV"] == "production"

    @app.after_request
    def _secure(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy())
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if production:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def policy(**overrides: str) -> str:
    """The Content-Security-Policy header's value, with some directives replaced."""
    return "; ".join(f"{name} {value}" for name, value in {**POLICY, **overrides}.items())
