"""Email: settings, message building, the idempotent sender, and the local SMTP sink."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask


def init_app(app: Flask) -> None:
    """Refuse to start with an SMTP_URL or PUBLIC_URL we could not use (better now than in a job)."""
    from service.mail.smtp import SmtpSettings

    SmtpSettings.from_config(app.config)
    public = urlsplit(app.config["PUBLIC_URL"])
    if public.scheme not in ("http", "https") or not public.netloc:
        raise RuntimeError("SALARYGUIDE_PUBLIC_URL must be an absolute http(s) URL, e.g. https://guide.example.com")
    if "@" not in app.config["MAIL_FROM"]:
        raise RuntimeError("SALARYGUIDE_MAIL_FROM must be an email address")
