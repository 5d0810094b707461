"""Consent events: append-only, with a fixed, cleaned set of facts about the visit."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from service.extensions import db
from service.models import ConsentEvent, ConsentKind, Subscriber

IP_POLICIES = ("full", "truncated", "none")
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffd]")
MIN_UNSUBSCRIBE_AGE = 365 * 86400


@dataclass(frozen=True)
class Visit:
    """What we may record about the request that carried a consent."""

    ip: str | None = None
    user_agent: str | None = None
    referrer: str | None = None
    utm: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Form:
    """Where a consent was given: the form's name and the version of its wording."""

    name: str
    version: str


def check_settings(config: Mapping[str, Any]) -> None:
    """Refuse to start with an IP policy we do not know or unsubscribe links shorter than a year."""
    if config["IP_STORAGE"] not in IP_POLICIES:
        raise RuntimeError(f"SALARYGUIDE_IP_STORAGE must be one of {', '.join(IP_POLICIES)}")
    if int(config["UNSUBSCRIBE_LINK_MAX_AGE"]) < MIN_UNSUBSCRIBE_AGE:
        raise RuntimeError("SALARYGUIDE_UNSUBSCRIBE_LINK_MAX_AGE must be at least a year (31536000 seconds)")


def text_hash(text: str) -> str:
    """The hash that identifies the exact consent wording a visitor saw."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def record(subscriber: Subscriber, kind: ConsentKind, wording: str, visit: Visit, form: Form) -> ConsentEvent:
    """Append one consent event (in the caller's transaction)."""
    event = ConsentEvent(
        subscriber=subscriber,
        kind=kind,
        form=form.name,
        form_version=form.version,
        consent_text_hash=text_hash(wording),
        ip=stored_ip(visit.ip, current_app.config["IP_STORAGE"]),
        user_agent=clean(visit.user_agent, 512),
        referrer=_referrer(visit.referrer),
        **{name: clean(visit.utm.get(name), 128) for name in UTM_FIELDS},
    )
    db.session.add(event)
    return event


def stored_ip(ip: str | None, policy: str) -> str | None:
    """The IP as the policy allows: whole, cut to its network (/24 or /48), or not at all."""
    if not ip or policy == "none":
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if policy == "full":
        return str(address)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def clean(value: str | None, limit: int) -> str | None:
    """Text without control characters (or mangled bytes), trimmed to `limit`; None when nothing is left."""
    if not value:
        return None
    text = _CONTROL.sub("", value).strip()[:limit]
    return text or None


def _referrer(value: str | None) -> str | None:
    """A web address, or nothing: other schemes say nothing about where a visitor came from."""
    text = clean(value, 512)
    try:
        scheme = urlsplit(text).scheme if text else ""
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    return text if scheme in ("http", "https") else None
