"""The sync settings, read once from configuration and checked at start-up, so a job never finds them wrong."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TOOLS = ("none", "listmonk", "mailchimp")
MERGE_SOURCES = ("utm_source", "utm_medium", "utm_campaign", "signed_up_at")
MIN_SECRET = 24
_DATA_CENTRE = re.compile(r"-([a-z]+[0-9]+)$")


class SyncSettingsError(RuntimeError):
    """A sync setting the service cannot work with."""


@dataclass(frozen=True)
class SyncSettings:
    """Which tool, where, with which credentials and lists."""

    tool: str
    base_url: str = ""
    authorization: str = ""  # the Authorization header's value
    list_ids: tuple[Any, ...] = ()  # listmonk: list ids; Mailchimp: the one audience id
    webhook_secret: str = ""
    permission_ids: tuple[str, ...] = ()
    merge_fields: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 10

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SyncSettings:
        """Build and check the settings for SALARYGUIDE_SYNC's tool."""
        tool = str(config["SYNC"]).strip().lower()
        if tool not in TOOLS:
            raise SyncSettingsError(f"SALARYGUIDE_SYNC must be one of {', '.join(TOOLS)}, not {tool!r}")
        if tool == "listmonk":
            return _listmonk(config)
        if tool == "mailchimp":
            return _mailchimp(config)
        return cls("none")


def _basic(user: str, secret: str) -> str:
    """An HTTP Basic Authorization value."""
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


def _url(name: str, value: Any) -> str:
    """An absolute http(s) URL without a trailing slash."""
    text = str(value or "").strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SyncSettingsError(f"SALARYGUIDE_{name} must be an absolute http(s) URL")
    return text


def _listmonk(config: Mapping[str, Any]) -> SyncSettings:
    """listmonk: its URL, an API user and token, and the list ids confirmed subscribers join."""
    user, token = str(config["LISTMONK_USER"] or ""), str(config["LISTMONK_TOKEN"] or "")
    if not user or not token:
        raise SyncSettingsError("SALARYGUIDE_LISTMONK_USER and SALARYGUIDE_LISTMONK_TOKEN must be set")
    ids = config["LISTMONK_LIST_IDS"]
    ids = [ids] if isinstance(ids, int) else ids
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and i > 0 for i in ids):
        raise SyncSettingsError("SALARYGUIDE_LISTMONK_LIST_IDS must be a list of list ids, e.g. [3] or [3,4]")
    return SyncSettings("listmonk", _url("LISTMONK_URL", config["LISTMONK_URL"]) + "/api", _basic(user, token),
                        tuple(ids), timeout=float(config["SYNC_TIMEOUT"]))


def _mailchimp(config: Mapping[str, Any]) -> SyncSettings:
    """Mailchimp: the API key (its data centre names the host), the audience, the webhook secret."""
    key = str(config["MAILCHIMP_API_KEY"] or "")
    found = _DATA_CENTRE.search(key)
    if not found:
        raise SyncSettingsError("SALARYGUIDE_MAILCHIMP_API_KEY must be set (it ends in -<data centre>, e.g. -us21)")
    url = config["MAILCHIMP_URL"] or f"https://{found.group(1)}.api.mailchimp.com/3.0"
    audience = str(config["MAILCHIMP_LIST_ID"] or "")
    if not re.fullmatch(r"[0-9a-zA-Z]{4,32}", audience):
        raise SyncSettingsError("SALARYGUIDE_MAILCHIMP_LIST_ID must be the audience id, e.g. a1b2c3d4e5")
    secret = str(config["MAILCHIMP_WEBHOOK_SECRET"] or "")
    if len(secret) < MIN_SECRET or not re.fullmatch(r"[A-Za-z0-9_-]+", secret):
        raise SyncSettingsError(f"SALARYGUIDE_MAILCHIMP_WEBHOOK_SECRET must be {MIN_SECRET}+ URL-safe characters")
    permissions = config["MAILCHIMP_MARKETING_PERMISSION_IDS"]
    if not isinstance(permissions, list) or not all(isinstance(p, str) and p for p in permissions):
        raise SyncSettingsError("SALARYGUIDE_MAILCHIMP_MARKETING_PERMISSION_IDS must be a list of ids")
    merges = config["MAILCHIMP_MERGE_FIELDS"]
    if not isinstance(merges, dict) or not all(isinstance(k, str) and v in MERGE_SOURCES for k, v in merges.items()):
        raise SyncSettingsError("SALARYGUIDE_MAILCHIMP_MERGE_FIELDS maps merge tags to one of "
                                + ", ".join(MERGE_SOURCES))
    # Mailchimp takes any user name with the key as the password.
    return SyncSettings("mailchimp", _url("MAILCHIMP_URL", url), _basic("salaryguide", key), (audience,),
                        secret, tuple(permissions), dict(merges), float(config["SYNC_TIMEOUT"]))
