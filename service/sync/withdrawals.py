"""Withdrawals coming back: Mailchimp's webhook events and the scheduled listmonk pull."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app

from service.extensions import db
from service.newsletter import subscription
from service.privacy import records
from service.sync import current, http, listmonk, state
from service.sync.contact import timestamp

log = logging.getLogger(__name__)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def record(tool: str, email: str, reason: str, at: datetime) -> bool:
    """Append "withdrawn in <tool>" and make the subscriber unsubscribed; False when nothing changed."""
    subscriber = records.find(email)
    if subscriber is None:
        return False
    return subscription.withdraw(subscriber, tool, reason, at)


def mailchimp_event(form: Mapping[str, str]) -> str:
    """Apply one webhook POST (form-encoded: type, fired_at, data[...]); returns what was done."""
    config = current()
    state.heard("mailchimp")
    if form.get("data[list_id]") not in (None, config.list_ids[0]):
        return "another audience"
    kind, at = form.get("type", ""), _fired_at(form.get("fired_at"))
    if kind == "unsubscribe":
        changed = record("mailchimp", form.get("data[email]", ""), "unsubscribe", at)
    elif kind == "cleaned":
        changed = record("mailchimp", form.get("data[email]", ""), "cleaned " + form.get("data[reason]", ""), at)
    elif kind == "upemail":
        return _address_changed(form.get("data[old_email]", ""), form.get("data[new_email]", ""), at)
    else:  # profile (names and merge fields we do not hold), subscribe, campaign
        return f"{kind or 'no type'}: nothing to do"
    return f"{kind}: {'withdrawn' if changed else 'no change'}"


def _address_changed(old: str, new: str, at: datetime) -> str:
    """upemail: follow the new address; if we hold it already, the old record has left the audience."""
    subscriber = records.find(old)
    if subscriber is None:
        return "upemail: address not held"
    try:
        address = validate_email(new, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return "upemail: new address not valid"
    if records.find(address) is not None:
        changed = subscription.withdraw(subscriber, "mailchimp", "upemail", at)
        return f"upemail: new address held already; old {'withdrawn' if changed else 'unchanged'}"
    subscriber.email = address
    return "upemail: address changed"


def _fired_at(value: str | None) -> datetime:
    """Mailchimp's "YYYY-MM-DD HH:MM:SS" (UTC); now when missing or unreadable."""
    try:
        return datetime.strptime(value or "", "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC)


def pull_listmonk(now: datetime | None = None) -> int:
    """The scheduled pull: subscribers changed in listmonk since the last run that left our lists there."""
    config = current()
    if config.tool != "listmonk":
        return 0
    now = now or datetime.now(UTC)
    row = state.of("listmonk")
    last = row.pulled_at or EPOCH
    since = (last if last.tzinfo else last.replace(tzinfo=UTC)) - timedelta(
        seconds=current_app.config["SYNC_PULL_OVERLAP"])
    withdrawn = 0
    try:
        for found in listmonk.changed_since(config, timestamp(since) or ""):
            reason = listmonk.withdrawal(config, found)
            if reason and record("listmonk", found.get("email", ""), reason, _listmonk_time(found, now)):
                withdrawn += 1
    except http.ToolError as exc:
        db.session.rollback()
        state.failed("listmonk", f"pull: {exc}")
        db.session.commit()
        raise
    row.pulled_at = now
    state.heard("listmonk", now)
    db.session.commit()
    log.info("listmonk pull: %d withdrawal(s)", withdrawn)
    return withdrawn


def _listmonk_time(found: Mapping[str, object], default: datetime) -> datetime:
    """When listmonk last changed the subscriber (RFC 3339), as an aware datetime."""
    try:
        return datetime.fromisoformat(str(found.get("updated_at"))).astimezone(UTC)
    except ValueError:
        return default
