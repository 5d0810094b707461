"""Test data for the admin tests: people with consent records, guide requests and downloads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service.admin.auth import hash_password
from service.extensions import db
from service.models import ConsentEvent, ConsentKind, Download, GuideRequest, StaffUser, Subscriber, SubscriberStatus

TOKEN = "t0ken-" + "x" * 40
STAFF_EMAIL, STAFF_PASSWORD = "marketing@remnavi.example", "correct horse battery"


def when(day: int, hour: int = 12) -> datetime:
    """A fixed time in January 2026 (UTC)."""
    return datetime(2026, 1, day, hour, tzinfo=UTC)


def consent(kind: ConsentKind, at: datetime, **fields: Any) -> ConsentEvent:
    """A consent event as the signup form writes it."""
    return ConsentEvent(kind=kind, form="salary-guide-landing", form_version="2026.1",
                        consent_text_hash="sha256:" + kind.value, created_at=at, **fields)


def person(email: str, status: SubscriberStatus, day: int, *, editions: tuple[int, ...] = (2026,),
           newsletter: bool = False, confirmed: bool = False, unsubscribed: bool = False, **visit: Any) -> Subscriber:
    """A subscriber with a delivery consent, optional newsletter events and one request per edition."""
    subscriber = Subscriber(email=email, status=status, created_at=when(day))
    subscriber.consents.append(consent(ConsentKind.GUIDE_DELIVERY, when(day), **visit))
    if newsletter:
        subscriber.consents.append(consent(ConsentKind.NEWSLETTER_OPT_IN, when(day, 13), ip="203.0.113.7",
                                           user_agent="Firefox", **visit))
    if confirmed:
        subscriber.consents.append(consent(ConsentKind.CONFIRMATION, when(day, 14)))
    if unsubscribed:
        subscriber.consents.append(consent(ConsentKind.UNSUBSCRIBE, when(day, 15)))
    db.session.add(subscriber)
    for year in editions:
        db.session.add(GuideRequest(subscriber=subscriber, edition_year=year, created_at=when(day)))
    return subscriber


def cast(app: Flask) -> None:
    """Five people covering every status, two editions, UTM tags and a referrer."""
    with app.app_context():
        person("ada@example.com", SubscriberStatus.SUBSCRIBED, 5, editions=(2025, 2026), newsletter=True,
               confirmed=True, utm_source="twitter", utm_medium="social", utm_campaign="launch")
        person("grace@example.com", SubscriberStatus.PENDING, 6, newsletter=True, utm_source="newsletter")
        person("linus@example.com", SubscriberStatus.GUIDE_ONLY, 7, referrer="https://news.example/item?id=1")
        person("barbara@example.com", SubscriberStatus.UNSUBSCRIBED, 8, newsletter=True, confirmed=True,
               unsubscribed=True)
        person("=cmd|' /C calc'!A0@example.com", SubscriberStatus.SUBSCRIBED, 9, editions=(2025,), newsletter=True,
               confirmed=True, utm_source="=HYPERLINK(\"http://evil.example\")")
        db.session.commit()
        first = db.session.get(GuideRequest, 1)
        db.session.add(Download(guide_request_id=first.id, edition_year=first.edition_year, created_at=when(5)))
        db.session.commit()


def add_staff(app: Flask, email: str = STAFF_EMAIL, password: str = STAFF_PASSWORD) -> None:
    """A staff account."""
    with app.app_context():
        db.session.add(StaffUser(email=email, password_hash=hash_password(password)))
        db.session.commit()


def sign_in(client: FlaskClient, email: str = STAFF_EMAIL, password: str = STAFF_PASSWORD, **extra: str):
    """Post the sign-in form with a fresh CSRF token."""
    from tests.conftest import csrf_token

    token = csrf_token(client.get("/admin/login").text)
    return client.post("/admin/login", data={"csrf_token": token, "email": email, "password": password, **extra})
