"""One HTTP request to a mailing tool, its answer sorted into done, retry later (with when), or refused."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib import error, request
from urllib.parse import urlencode

from service.sync.settings import SyncSettings

log = logging.getLogger(__name__)
USER_AGENT = "salaryguide-sync/1"


class ToolError(Exception):
    """The tool did not do what we asked."""


class Retryable(ToolError):
    """Try again later: a 429, a 5xx or no answer; `retry_after` is the tool's own wait, when it gave one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Refused(ToolError):
    """A 4xx other than 429: sending the same request again would get the same answer."""


@dataclass(frozen=True)
class Answer:
    """A 2xx (or an expected 404/409) answer."""

    status: int
    body: Any


def call(settings: SyncSettings, method: str, path: str, body: Any = None, *, query: dict[str, Any] | None = None,
         expect: tuple[int, ...] = ()) -> Answer:
    """Send one request with the tool's credentials; statuses in `expect` are answers, not errors."""
    url = settings.base_url + path + ("?" + urlencode(query, doseq=True) if query else "")
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": settings.authorization, "Accept": "application/json", "User-Agent": USER_AGENT}
    if data is not None:
        headers["Content-Type"] = "application/json"
    req = request.Request(url, data=data, method=method, headers=headers)
    try:
        with request.urlopen(req, timeout=settings.timeout) as response:  # noqa: S310  (URL from checked settings)
            return Answer(response.status, _json(response.read()))
    except error.HTTPError as exc:
        text = exc.read()[:2000]
        if exc.code in expect:
            return Answer(exc.code, _json(text))
        raise _classify(method, path, exc.code, text, exc.headers.get("Retry-After")) from None
    except (error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise Retryable(f"{method} {path}: no answer ({exc})") from None


def _classify(method: str, path: str, status: int, text: bytes, retry_after: str | None) -> ToolError:
    """The error an HTTP status means."""
    message = f"{method} {path}: HTTP {status} {_detail(text)}".strip()
    if status == 429 or status >= 500:
        return Retryable(message, wait_seconds(retry_after))
    return Refused(message)


def wait_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _json(raw: bytes) -> Any:
    """A JSON body, or None for an empty or non-JSON one."""
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _detail(raw: bytes) -> str:
    """The tool's own words about an error: listmonk's message, Mailchimp's title and detail."""
    body = _json(raw)
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("message", "title", "detail") if body.get(k)]
        return ": ".join(parts)[:300]
    return raw.decode("utf-8", "replace")[:200]
