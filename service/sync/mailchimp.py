"""Mailchimp's Marketing API: upsert a member by subscriber hash, unsubscribe, delete permanently.

Paths and fields as documented at https://mailchimp.com/developer/marketing/api/list-members/ (see docs/marketing.md).
"""

from __future__ import annotations

import hashlib
from typing import Any

from service.sync import http
from service.sync.contact import Contact
from service.sync.settings import SyncSettings


def subscriber_hash(email: str) -> str:
    """The member's id in the API: the MD5 of the lower-cased address."""
    return hashlib.md5(email.lower().encode(), usedforsecurity=False).hexdigest()


def _member(settings: SyncSettings, email: str) -> str:
    """The path of one member of the configured audience."""
    return f"/lists/{settings.list_ids[0]}/members/{subscriber_hash(email)}"


def member_body(settings: SyncSettings, contact: Contact) -> dict[str, Any]:
    """The PUT body for a confirmed subscriber: status, merge fields and the opt-in proof Mailchimp keeps."""
    values = {"signed_up_at": contact.signed_up_at or "", **contact.source}
    body: dict[str, Any] = {
        "email_address": contact.email,
        "status_if_new": "subscribed",
        "status": "subscribed",
        "merge_fields": {tag: values.get(source, "") for tag, source in settings.merge_fields.items()},
    }
    if contact.opt_in:
        body["timestamp_signup"] = contact.opt_in["at"]
        if contact.opt_in["ip"]:
            body["ip_signup"] = contact.opt_in["ip"]
    if contact.confirmed:
        body["timestamp_opt"] = contact.confirmed["at"]
        if contact.confirmed["ip"]:
            body["ip_opt"] = contact.confirmed["ip"]
    if settings.permission_ids:
        body["marketing_permissions"] = [{"marketing_permission_id": pid, "enabled": True}
                                         for pid in settings.permission_ids]
    return body


def tags(contact: Contact) -> list[dict[str, str]]:
    """One active tag per edition asked for (the PUT upsert takes no tags; the tags endpoint does)."""
    return [{"name": f"salary-guide-{year}", "status": "active"} for year in contact.editions]


def subscribe(settings: SyncSettings, contact: Contact) -> str:
    """Add or update the member as subscribed, then tag them; both calls are idempotent.

    Mailchimp will not set someone who unsubscribed there back to subscribed ("Member In Compliance State");
    for them the member becomes pending, and Mailchimp asks them to confirm once more.
    """
    body = member_body(settings, contact)
    try:
        http.call(settings, "PUT", _member(settings, contact.email), body)
        outcome = "subscribed"
    except http.Refused as exc:
        if "compliance state" not in str(exc).lower():
            raise
        http.call(settings, "PUT", _member(settings, contact.email), {**body, "status": "pending"})
        outcome = "pending: Mailchimp asks them to confirm again"
    if contact.editions:
        http.call(settings, "POST", _member(settings, contact.email) + "/tags", {"tags": tags(contact)})
    return outcome


def unsubscribe(settings: SyncSettings, email: str) -> str:
    """Mark the member unsubscribed; an address Mailchimp never had is kept as unsubscribed, so no import
    can subscribe it later."""
    http.call(settings, "PUT", _member(settings, email),
              {"email_address": email, "status_if_new": "unsubscribed", "status": "unsubscribed"})
    return "unsubscribed"


def erase(settings: SyncSettings, email: str) -> str:
    """Delete the member permanently (not the archive a DELETE does); gone already is done."""
    answer = http.call(settings, "POST", _member(settings, email) + "/actions/delete-permanent", expect=(404,))
    return "not there" if answer.status == 404 else "deleted"
