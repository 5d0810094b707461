"""Configuration in one place: defaults in code, overrides from SALARYGUIDE_* variables or a dict."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
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
    "PDF_STORE": None,  # default: <instance>/pdfs; or s3://bucket/prefix for an S3-compatible bucket
    "S3_ENDPOINT_URL": "",  # with an s3:// store: the endpoint of a non-AWS service (MinIO, …); empty: AWS
    "S3_REGION": "",  # with an s3:// store: the bucket's region; empty: boto3's default
    "PDF_URL_TTL": 300,  # with an s3:// store: seconds a presigned download URL works
    "PROXY_HOPS": 0,  # proxies in front that set X-Forwarded-For/-Proto (1 behind nginx); 0 trusts none
    "ACCEL_REDIRECT": "",  # behind nginx: the internal location serving PDF_STORE (docs/operations.md)
    "BRAND_NAME": "RemNavi",
    "BRAND_URL": "https://remnavi.example",
    "JOBS_URL": "",  # the site's remote-jobs search, linked for the reader's role (?q=…); empty: BRAND_URL/remote-jobs
    "EDITION_YEAR": 2026,
    "SIGNUP_RATE_LIMIT": "10 per minute;100 per day",  # per IP, shared by POST /guide and the embedded form
    # Embeds (docs/embedding.md): the site origins that may frame /embed/* and read the API cross-origin, as a
    # JSON list or separated by spaces; empty: BRAND_URL's origin.
    "EMBED_ORIGINS": [],
    "EMBED_FORM_MAX_AGE": 7200,  # seconds an embedded form's signed token works
    "API_RATE_LIMIT": "120 per minute",  # per IP, on /api/v1/salary-index
    "API_MAX_AGE": 3600,  # seconds browsers and shared caches may keep an API answer (the data changes daily)
    "MAX_CONTENT_LENGTH": 16 * 1024,  # the form is small; anything larger is refused with 413
    "CSRF_TIME_LIMIT": 3600,
    "WINDOW_MONTHS": 24,  # the guide counts remote listings posted in this many months up to the data date
    "BAND_THRESHOLD": 20,  # listings a role × seniority needs before it shows its own band
    "RENDER_TIMEOUT": 120,  # seconds a render job may take
    "WORKERS": 1,  # worker processes `make run` starts (scripts/supervisord.conf)
    "WORKER_MEMORY_LIMIT_MB": 1536,  # address-space limit of each job's process (0: none)
    "FEED_URL": "",  # the daily refresh imports this file or http(s) URL (any format); empty: no refresh
    # The daily refresh's feeds: a JSON list of {"url", "format", "source", "licence"} (format optional:
    # guessed); each is imported in its own transaction. Empty: FEED_URL, if set, as a one-feed list.
    "FEEDS": [],
    "FEED_TIMEOUT": 30,  # seconds a feed download may take in all (and may go without data)
    "SCHEDULE_TZ": "UTC",  # the zone the cron expressions below are read in
    "REFRESH_CRON": "0 3 * * *",  # the daily salary-data refresh
    "EDITION_CRON": "0 3 1 1 *",  # the yearly new edition
    "RELAY_INTERVAL": 10,  # seconds between outbox relay runs
    "RELAY_GRACE": 5,  # an outbox row younger than this is left to the request that wrote it
    # Faults (docs/design.md, "When a process dies or hangs").
    "REDIS_TIMEOUT": 0.5,  # seconds: connect and socket timeout of every Redis client
    "REDIS_BREAKER_SECONDS": 5,  # after a Redis failure the web tier leaves Redis alone this long
    "JOB_MAX_ATTEMPTS": 3,  # runs a job gets in all (a raise, a dead work horse, a dead worker) before it fails
    "JOB_RETRY_BACKOFF": 2,  # seconds before the first retry; each next pause is 4 times longer
    "RENDER_STALE_AFTER": 180,  # seconds a request may sit queued or rendering with no live job before the sweep
    "SWEEP_INTERVAL": 60,  # seconds between sweeps for stuck requests
    "DATABASE_TIMEOUT": 3,  # seconds to connect to PostgreSQL before a request answers 503
    "LOG_LEVEL": "INFO",
    "METRICS_ACCESS": "loopback",  # who may read /metrics: "loopback" (a local scraper) or "token" (ADMIN_TOKEN)
    "LOG_FORMAT": "text",  # "json": one JSON object per line with the request or job id, for log shippers
    "SQL_ECHO": False,
    # Email and the newsletter (service/mail, service/newsletter).
    "PUBLIC_URL": "http://127.0.0.1:8000",  # links in emails are built from this, never from a request's host
    "SMTP_URL": "smtp://127.0.0.1:8025",  # smtp://[user:pass@]host:port or smtps://…; default: the local sink
    "SMTP_STARTTLS": False,  # upgrade a smtp:// connection with STARTTLS before logging in
    "SMTP_TIMEOUT": 10,  # seconds
    "MAIL_FROM": "guide@remnavi.example",  # the sender address; its display name is BRAND_NAME
    "MAIL_REPLY_TO": None,  # where replies go; default: MAIL_FROM, so every email has a Reply-To
    # The sender's postal address, printed at the foot of every email (anti-spam laws ask for one).
    "MAIL_POSTAL_ADDRESS": "RemNavi, 1 Example Street, 10115 Berlin, Germany",
    "PRIVACY_CONTACT": None,  # the address /privacy gives for access and erasure; default: MAIL_REPLY_TO
    "DELIVERY_EMAILS_PER_DAY": 3,  # per address, over any 24 hours; past it the guide still downloads
    "CONFIRMATION_EMAILS_PER_DAY": 3,  # per address, over any 24 hours
    "DOWNLOAD_LINK_MAX_AGE": 30 * 86400,  # seconds a download link in an email works
    "CONFIRM_LINK_MAX_AGE": 7 * 86400,  # seconds a pending newsletter confirmation waits
    "UNSUBSCRIBE_LINK_MAX_AGE": 2 * 365 * 86400,  # at least a year (checked at start-up)
    "IP_STORAGE": "full",  # consent records keep the IP "full", "truncated" (/24, /48) or "none"
    "EMAIL_MAX_ATTEMPTS": 5,  # a message that failed this many times is marked failed
    "EMAIL_RETRY_AFTER": 300,  # seconds before a failed or stuck send is tried again
    # Admin, dashboard and exports (service/admin, service/export).
    "ADMIN_TOKEN": None,  # bearer token for scripted /admin access (32+ characters); unset: no token access
    "ADMIN_LOGIN_RATE_LIMIT": "10 per minute;50 per day",  # failed sign-ins per IP
    "ADMIN_ACCOUNT_RATE_LIMIT": "5 per 15 minutes",  # failed sign-ins per staff account, from any IP
    "DASHBOARD_DAYS": 30,  # the window of the chart, funnel and sources
    "EXPORT_BATCH_SIZE": 1000,  # subscribers read per batch (keyset page or cursor fetch)
    # Keeping a mailing tool in step (service/sync, docs/marketing.md): "none", "listmonk" or "mailchimp".
    "SYNC": "none",
    "SYNC_TIMEOUT": 10,  # seconds one HTTP request to the tool may take
    "SYNC_MAX_ATTEMPTS": 8,  # a push that failed this many times is marked failed (shown on the dashboard)
    "SYNC_RETRY_BASE": 30,  # seconds before the first retry; each further one waits twice as long
    "SYNC_RETRY_CAP": 3600,  # the longest wait between two tries (a 429's Retry-After is obeyed as given)
    "SYNC_STALE_AFTER": 300,  # seconds after which a push stuck in sending (its worker died) is tried again
    "SYNC_PULL_OVERLAP": 600,  # seconds each listmonk pull reaches back before the last one (clock skew)
    "LISTMONK_URL": "",  # e.g. https://lists.example.com (the API is under /api)
    "LISTMONK_USER": "",  # an API user (Admin → Users) ...
    "LISTMONK_TOKEN": "",  # ... and its token
    "LISTMONK_LIST_IDS": [],  # the lists confirmed subscribers join, e.g. [3] or [3, 4]
    "MAILCHIMP_API_KEY": "",  # ends in -<data centre>, e.g. -us21, which names the API host
    "MAILCHIMP_URL": "",  # default: https://<dc>.api.mailchimp.com/3.0 from the key
    "MAILCHIMP_LIST_ID": "",  # the audience id
    "MAILCHIMP_WEBHOOK_SECRET": "",  # the last part of /hooks/mailchimp/<secret> (24+ characters)
    "MAILCHIMP_MARKETING_PERMISSION_IDS": [],  # GDPR marketing permissions to enable on a confirmed member
    "MAILCHIMP_MERGE_FIELDS": {},  # merge tag → our field (utm_source, utm_medium, utm_campaign, signed_up_at)
}


def _parse(text: str) -> Any:
    """Read an environment value as JSON where it parses, else as a plain string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def load(test_config: dict[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Merge the defaults, SALARYGUIDE_* variables and a test dict into one settings dict."""
    variables: Mapping[str, str] = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name in DEFAULTS:
        if PREFIX + name in variables:
            settings[name] = _parse(variables[PREFIX + name])
    settings.update(test_config or {})
    instance = Path(settings["INSTANCE_PATH"])
    settings["DATABASE_URL"] = settings["DATABASE_URL"] or f"sqlite:///{instance / 'salaryguide.db'}"
    settings["PDF_STORE"] = settings["PDF_STORE"] or str(instance / "pdfs")
    settings["MAIL_REPLY_TO"] = settings["MAIL_REPLY_TO"] or settings["MAIL_FROM"]
    settings["PRIVACY_CONTACT"] = settings["PRIVACY_CONTACT"] or settings["MAIL_REPLY_TO"]
    return settings


def flask_config(settings: dict[str, Any]) -> dict[str, Any]:
    """Translate our settings into the keys Flask and its extensions read."""
    production = settings["ENV"] == "production"
    if production and not settings["SECRET_KEY"]:
        raise RuntimeError("SALARYGUIDE_SECRET_KEY must be set when SALARYGUIDE_ENV=production")
    redis_url = settings["REDIS_URL"]
    redis_timeouts = {"socket_connect_timeout": float(settings["REDIS_TIMEOUT"]),
                      "socket_timeout": float(settings["REDIS_TIMEOUT"])}
    return {
        **settings,
        "SECRET_KEY": settings["SECRET_KEY"] or "dev-only-not-secret",
        "SQLALCHEMY_DATABASE_URI": settings["DATABASE_URL"],
        "SQLALCHEMY_ECHO": settings["SQL_ECHO"],
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(settings),
        "WTF_CSRF_TIME_LIMIT": settings["CSRF_TIME_LIMIT"],
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "RQ_CONNECTION": redis_connection(redis_url, redis_timeouts),
        "RQ_QUEUES": ["render", "email", "default"],
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis is transport, not the record: a signup must not fail because Redis is down.
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {**redis_timeouts, "retry": no_retry(), **fail_fast(redis_url)},
    }


def no_retry() -> Any:
    """redis-py's retry policy that fails at once: a timeout is paid once, never three times."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return Retry(NoBackoff(), 0)


def redis_connection(url: str, timeouts: dict[str, float]) -> dict[str, Any]:
    """Flask-RQ's connection settings: a pool for the URL with our timeouts, no retries, and the breaker."""
    from redis import ConnectionPool

    return {"connection_pool": ConnectionPool.from_url(url, **timeouts, retry=no_retry(), **fail_fast(url))}


def fail_fast(url: str) -> dict[str, Any]:
    """The connection class with the breaker (service/redis_breaker.py), for plain TCP URLs."""
    from service.redis_breaker import BreakerConnection

    return {"connection_class": BreakerConnection} if url.startswith("redis://") else {}


def engine_options(settings: dict[str, Any]) -> dict[str, Any]:
    """SQLAlchemy engine options: pre-ping pooled connections; on PostgreSQL, a bounded connect."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if str(settings["DATABASE_URL"]).startswith("postgresql"):
        timeout = max(1, int(settings["DATABASE_TIMEOUT"]))
        options["connect_args"] = {"connect_timeout": timeout}
        options["pool_timeout"] = timeout  # waiting for a pooled connection, when every one is busy
    return options
