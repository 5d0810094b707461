"""Building a message: headers we control, bodies from templates, links signed for their purpose."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from flask import current_app, render_template
from sqlalchemy import select

from service import links
from service.extensions import db
from service.guide import next_steps
from service.mail import addresses
from service.models import EmailKind, GuideRequest, SentEmail

# The subject of each template: the one piece of email text not in templates/email/.
SUBJECTS = {
    "delivery": "Your Remote Salary Guide {year}",
    "confirmation": "Please confirm your {brand} newsletter subscription",
    "welcome": "Welcome to the {brand} newsletter",
}
# The preview line a mail client shows after the subject (hidden in the HTML, the first line of the text);
# the delivery email's is the reader's headline result when there is one.
PREHEADERS = {
    "delivery": "Your download link, good for {link_days} days.",
    "confirmation": "One click to confirm, and the newsletter starts. Nothing happens if you ignore this.",
    "welcome": "You are subscribed. Here is your guide's link again.",
}


@dataclass(frozen=True)
class Composed:
    """A message and its envelope."""

    message: EmailMessage
    sender: str
    recipient: str


def compose(row: SentEmail) -> Composed:
    """The message for a queued row; UnsafeAddress if its recipient cannot be used safely."""
    config = current_app.config
    recipient = addresses.checked(row.subscriber.email)
    context = _context(row, recipient)
    # An internationalised mailbox needs SMTPUTF8 (RFC 6531); smtplib checks the server offers it.
    message = EmailMessage(policy=policy.SMTP if recipient.isascii() else policy.SMTPUTF8)
    message["From"] = Address(display_name=config["BRAND_NAME"], addr_spec=config["MAIL_FROM"])
    local, _, domain = recipient.rpartition("@")
    message["To"] = Address(username=local, domain=domain)  # from parts: addr_spec refuses a non-ASCII local part
    message["Reply-To"] = Address(addr_spec=config["MAIL_REPLY_TO"])  # MAIL_FROM unless set
    message["Subject"] = SUBJECTS[row.template].format(**context)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(row.key)
    _kind_headers(message, row, context)
    message.set_content(render_template(f"email/{row.template}.txt", **context))
    message.add_alternative(render_template(f"email/{row.template}.html", **context), subtype="html")
    return Composed(message, config["MAIL_FROM"], recipient)


def message_id(key: str) -> str:
    """A Message-ID derived from the idempotency key, so a re-send after a crash carries the same one."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), key.encode(), hashlib.sha256).hexdigest()[:32]
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2]
    return f"<{digest}@{domain}>"


def _kind_headers(message: EmailMessage, row: SentEmail, context: dict[str, Any]) -> None:
    """RFC 8058 one-click unsubscribe on newsletter mail; RFC 3834's marker on the rest."""
    if row.kind != EmailKind.NEWSLETTER:
        message["Auto-Submitted"] = "auto-generated"
        return
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2]
    message["List-Id"] = f"{current_app.config['BRAND_NAME']} newsletter <newsletter.{domain}>"
    message["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def _context(row: SentEmail, recipient: str) -> dict[str, Any]:
    """What the templates show: the brand, the recipient, and the links this kind of message carries."""
    config = current_app.config
    context: dict[str, Any] = {
        "brand": config["BRAND_NAME"],
        "brand_url": config["BRAND_URL"],
        "home_url": links.public_url("guide.landing"),
        "recipient": recipient,
        "year": config["EDITION_YEAR"],
        "postal_address": config["MAIL_POSTAL_ADDRESS"],
        "link_days": int(config["DOWNLOAD_LINK_MAX_AGE"]) // 86400,
    }
    if row.kind == EmailKind.DELIVERY:
        guide = db.session.get(GuideRequest, row.guide_request_id)
        context["year"] = guide.edition_year if guide else context["year"]
        context["download_url"] = _download_url(row.guide_request_id)
        context["headline"] = next_steps.headline(guide) if guide else None
        context["jobs_url"] = next_steps.jobs_url(guide) if guide else None
    elif row.kind == EmailKind.CONFIRMATION:
        payload = [row.subscriber.uuid, row.consent_event_id]
        context["confirm_url"] = links.public_url("newsletter.confirm", signed=links.sign("confirm", payload))
        context["confirm_days"] = int(config["CONFIRM_LINK_MAX_AGE"]) // 86400
    else:
        signed = links.sign("unsubscribe", row.subscriber.uuid)
        context["unsubscribe_url"] = links.public_url("newsletter.unsubscribe", signed=signed)
        latest = _latest_request(row.subscriber_id)
        context["download_url"] = _download_url(latest.id) if latest else None
    context["preheader"] = context.get("headline") or PREHEADERS[row.template].format(**context)
    return context


def _download_url(request_id: int | None) -> str:
    """The emailed download link of a guide request (/d/<signed>, good for DOWNLOAD_LINK_MAX_AGE)."""
    return links.public_url("delivery.download", signed=links.sign("download", request_id))


def _latest_request(subscriber_id: int) -> GuideRequest | None:
    """The subscriber's newest guide request, whose link the welcome email repeats."""
    query = select(GuideRequest).where(GuideRequest.subscriber_id == subscriber_id).order_by(GuideRequest.id.desc())
    return db.session.scalars(query.limit(1)).first()
