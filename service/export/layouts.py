"""The three layouts: every field (plain), Mailchimp's import columns, listmonk's import CSV."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from service.export.query import NEWSLETTER_KINDS, Person
from service.models import ConsentKind


def timestamp(value: datetime | None) -> str:
    """ISO 8601 in UTC; SQLite hands back naive UTC, PostgreSQL aware times."""
    if value is None:
        return ""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    # isoformat is several times cheaper than strftime, which an export calls four times a row.
    return aware.isoformat(timespec="seconds").removesuffix("+00:00") + "Z"


def _consent(event: Any, *fields: str) -> list[Any]:
    """Chosen fields of a consent event, blanks when there is none."""
    return [getattr(event, name) if event is not None else "" for name in fields]


@dataclass(frozen=True)
class Layout:
    """A header and the function that turns a person into a row under it."""

    header: tuple[str, ...]
    cells: Callable[[Person], list[Any]]


PLAIN_HEADER = (
    "email", "status", "uuid", "signed_up_at", "updated_at", "editions",
    "delivery_consent_at", "delivery_consent_form", "delivery_consent_form_version", "delivery_consent_text_hash",
    "newsletter_consent_at", "newsletter_consent_form", "newsletter_consent_form_version",
    "newsletter_consent_text_hash", "newsletter_consent_ip", "newsletter_consent_user_agent",
    "confirmed_at", "unsubscribed_at", "utm_source", "utm_medium", "utm_campaign", "referrer",
)


def plain(person: Person) -> list[Any]:
    """Every field we hold, the consent record included (the latest event of each kind)."""
    row, first = person.subscriber, (person.consents[0] if person.consents else None)
    delivery = person.latest(ConsentKind.GUIDE_DELIVERY)
    newsletter = person.latest(*NEWSLETTER_KINDS)
    confirmed = person.latest(ConsentKind.CONFIRMATION)
    unsubscribed = person.latest(ConsentKind.UNSUBSCRIBE, ConsentKind.WITHDRAWN)  # here or in the mailing tool
    return [
        row.email, row.status.value, row.uuid, timestamp(row.created_at), timestamp(row.updated_at),
        " ".join(str(year) for year in person.editions),
        timestamp(delivery and delivery.created_at), *_consent(delivery, "form", "form_version", "consent_text_hash"),
        timestamp(newsletter and newsletter.created_at),
        *_consent(newsletter, "form", "form_version", "consent_text_hash", "ip", "user_agent"),
        timestamp(confirmed and confirmed.created_at), timestamp(unsubscribed and unsubscribed.created_at),
        # Where they first came from: the first event of all carries the visit that brought them.
        *_consent(first, "utm_source", "utm_medium", "utm_campaign", "referrer"),
    ]


MAILCHIMP_HEADER = ("Email Address", "First Name", "Last Name", "Tags", "Signup Date", "Source")


def mailchimp(person: Person) -> list[Any]:
    """Mailchimp's import columns; we hold no names, so those stay empty."""
    first = person.consents[0] if person.consents else None
    # Mailchimp splits the Tags cell on commas, so a tag must hold none.
    tags = ",".join(f"salary-guide-{year}" for year in person.editions)
    source = (first.utm_source or "").replace(",", " ") if first is not None else ""
    return [person.subscriber.email, "", "", tags, timestamp(person.subscriber.created_at)[:10], source]


LISTMONK_HEADER = ("email", "name", "attributes")


def listmonk(person: Person) -> list[Any]:
    """listmonk's import CSV: attributes as a JSON object, the consent proof travelling with it."""
    newsletter = person.latest(*NEWSLETTER_KINDS)
    confirmed = person.latest(ConsentKind.CONFIRMATION)
    first = person.consents[0] if person.consents else None
    attributes = {
        "status": person.subscriber.status.value,
        "signed_up_at": timestamp(person.subscriber.created_at),
        "editions": person.editions,
        "source": {k: getattr(first, k) for k in ("utm_source", "utm_medium", "utm_campaign", "referrer")
                   if first is not None and getattr(first, k)},
        "consent": {"at": timestamp(newsletter.created_at), "form": newsletter.form,
                    "form_version": newsletter.form_version, "text_hash": newsletter.consent_text_hash,
                    "confirmed_at": timestamp(confirmed and confirmed.created_at)} if newsletter else None,
    }
    # listmonk fills an empty name from the address's local part, so we leave it empty.
    return [person.subscriber.email, "", json.dumps(attributes, separators=(",", ":"), ensure_ascii=False)]


LAYOUTS = {
    "plain": Layout(PLAIN_HEADER, plain),
    "mailchimp": Layout(MAILCHIMP_HEADER, mailchimp),
    "listmonk": Layout(LISTMONK_HEADER, listmonk),
}
