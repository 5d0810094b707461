"""Configuration in one place: defaults in code, overrides from SALARYGUIDE_* variables or a dict."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

PREFIX = "SALARYGUIDE_"
ROOT = Path(__file__).resolve().parent.parent

# Every setting the service reads, with its default. Environment variables are
# SALARYGUIDE_<NAME>; their text is parsed as JSON where it parses (numbers,
# booleans, lists), else taken as a string.
DEFAULTS: dict[str, Any] = {
    "ENV": "development",  # "production" refuses to start without SECRET_KEY
    "SECRET_KEY": None,
    "INSTANCE_PATH": str(ROOT / "instance"),
    "DATABASE_URL": None,  # default: SQLite in the instance folder
    "REDIS_URL": "redis://127.0.0.1:6380/0",  # the Redis `make run` starts (scripts/redis.conf)
    "PDF_STORE": None,  # default: <instance>/pdfs
    "BRAND_NAME": "RemNavi",
    "BRAND_URL": "https://remnavi.example",
    "EDITION_YEAR": 2026,
    "SIGNUP_RATE_LIMIT": "10 per minute;100 per day",
    "MAX_CONTENT_LENGTH": 16 * 1024,  # the form is small; anything larger is refused with 413
    "CSRF_TIME_LIMIT": 3600,
    "RENDER_TIMEOUT": 120,  # seconds a render job may take
    "RELAY_INTERVAL": 10,  # seconds between outbox relay runs
    "RELAY_GRACE": 5,  # an outbox row younger than this is left to the request that wrote it
    "LOG_LEVEL": "INFO",
    "SQL_ECHO": False,
}


def _parse(text: str) -> Any:
    """Read an environment value as JSON where it parses, else as a plain string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def load(test_config: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Merge the defaults, SALARYGUIDE_* variables and a test dict into one settings dict."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name in DEFAULTS:
        if PREFIX + name in environ:
            settings[name] = _parse(environ[PREFIX + name])
    settings.update(test_config or {})
    instance = Path(settings["INSTANCE_PATH"])
    settings["DATABASE_URL"] = settings["DATABASE_URL"] or f"sqlite:///{instance / 'salaryguide.db'}"
    settings["PDF_STORE"] = settings["PDF_STORE"] or str(instance / "pdfs")
    return settings


def flask_config(settings: dict[str, Any]) -> dict[str, Any]:
    """Translate our settings into the keys Flask and its extensions read."""
    production = settings["ENV"] == "production"
    if production and not settings["SECRET_KEY"]:
        raise RuntimeError("SALARYGUIDE_SECRET_KEY must be set when SALARYGUIDE_ENV=production")
    redis_url = settings["REDIS_URL"]
    return {
        **settings,
        "SECRET_KEY": settings["SECRET_KEY"] or "dev-only-not-secret",
        "SQLALCHEMY_DATABASE_URI": settings["DATABASE_URL"],
        "SQLALCHEMY_ECHO": settings["SQL_ECHO"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "WTF_CSRF_TIME_LIMIT": settings["CSRF_TIME_LIMIT"],
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "RQ_CONNECTION": redis_url,
        "RQ_QUEUES": ["render", "email", "default"],
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis is transport, not the record: a signup must not fail because Redis is down.
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
