"""listmonk's REST API: create or confirm a subscriber on our lists, unsubscribe, delete; and what changed.

Endpoints as documented at https://listmonk.app/docs/apis/subscribers/ (see docs/marketing.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from service.sync import http
from service.sync.contact import Contact
from service.sync.settings import SyncSettings

PAGE = 100
MAX_PAGES = 1000  # a pull reads at most this many pages; the next run goes on from its cursor


def sql_text(value: str) -> str:
    """A string literal for listmonk's SQL query expressions (quotes doubled, as SQL escapes them)."""
    return "'" + value.replace("'", "''") + "'"


def find(settings: SyncSettings, email: str) -> dict[str, Any] | None:
    """The subscriber listmonk holds for the address, if any."""
    answer = http.call(settings, "GET", "/subscribers", query={
        "query": f"subscribers.email = {sql_text(email.lower())}", "per_page": 1, "page": 1})
    results = ((answer.body or {}).get("data") or {}).get("results") or []
    return results[0] if results else None


def subscribe(settings: SyncSettings, contact: Contact) -> str:
    """Create the subscriber confirmed on our lists, or, if listmonk has the address, confirm it on them."""
    body = {"email": contact.email, "name": contact.email.split("@")[0], "status": "enabled",
            "lists": list(settings.list_ids), "attribs": contact.attributes(), "preconfirm_subscriptions": True}
    answer = http.call(settings, "POST", "/subscribers", body, expect=(409,))
    if answer.status != 409:
        return "created"
    found = find(settings, contact.email)
    if found is None:  # deleted between the two calls: the next try creates it
        raise http.Retryable("listmonk said the address exists but does not find it")
    http.call(settings, "PUT", "/subscribers/lists", {"ids": [found["id"]], "action": "add",
                                                      "target_list_ids": list(settings.list_ids),
                                                      "status": "confirmed"})
    return "confirmed"


def unsubscribe(settings: SyncSettings, email: str) -> str:
    """Unsubscribe the address from our lists (listmonk keeps the record, so it will not mail them there)."""
    found = find(settings, email)
    if found is None:
        return "not there"
    http.call(settings, "PUT", "/subscribers/lists", {"ids": [found["id"]], "action": "unsubscribe",
                                                      "target_list_ids": list(settings.list_ids)})
    return "unsubscribed"


def erase(settings: SyncSettings, email: str) -> str:
    """Delete the subscriber and their subscriptions; gone already is done."""
    found = find(settings, email)
    if found is None:
        return "not there"
    http.call(settings, "DELETE", f"/subscribers/{found['id']}", expect=(404,))
    return "deleted"


def changed_query(since: str) -> str:
    """Subscribers updated, or unsubscribed from a list, after `since` (listmonk's clock, ISO 8601)."""
    t = sql_text(since)
    return (f"subscribers.updated_at > {t} OR subscribers.id IN (SELECT subscriber_id FROM subscriber_lists"
            f" WHERE subscriber_lists.updated_at > {t})")


def changed_since(settings: SyncSettings, since: str) -> Iterator[dict[str, Any]]:
    """Every subscriber changed after `since` on our lists, page by page."""
    for page in range(1, MAX_PAGES + 1):
        answer = http.call(settings, "GET", "/subscribers", query={
            "query": changed_query(since), "list_id": list(settings.list_ids), "page": page, "per_page": PAGE,
            "order_by": "updated_at", "order": "asc"})
        results = ((answer.body or {}).get("data") or {}).get("results") or []
        yield from results
        if len(results) < PAGE:
            return


def withdrawal(settings: SyncSettings, subscriber: dict[str, Any]) -> str | None:
    """Why a pulled subscriber no longer takes our newsletter there (blocklisted, unsubscribed), or None."""
    if subscriber.get("status") == "blocklisted":
        return "blocklisted"
    ours = [item for item in subscriber.get("lists") or [] if item.get("id") in settings.list_ids]
    if ours and all(item.get("subscription_status") == "unsubscribed" for item in ours):
        return "unsubscribed"
    return None
