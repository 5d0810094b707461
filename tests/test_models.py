"""Models on SQLite and PostgreSQL: constraints, defaults from the database, append-only consent."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.extensions import db
from service.models import (
    ConsentEvent,
    ConsentKind,
    GuideRequest,
    OutboxMessage,
    RequestStatus,
    Subscriber,
    SubscriberStatus,
)


def _subscriber(email: str = "ada@example.com") -> Subscriber:
    subscriber = Subscriber(email=email)
    db.session.add(subscriber)
    db.session.commit()
    return subscriber


def test_subscriber_gets_uuid_status_and_database_timestamps(app):
    with app.app_context():
        subscriber = _subscriber()
        assert len(subscriber.uuid) == 36
        assert subscriber.status == SubscriberStatus.GUIDE_ONLY
        assert subscriber.created_at is not None and subscriber.updated_at is not None


def test_address_is_unique(app):
    with app.app_context():
        _subscriber()
        db.session.add(Subscriber(email="ada@example.com"))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_consent_events_are_append_only(app):
    with app.app_context():
        subscriber = _subscriber()
        event = ConsentEvent(subscriber=subscriber, kind=ConsentKind.GUIDE_DELIVERY, form="f", form_version="1")
        db.session.add(event)
        db.session.commit()
        event.form = "rewritten"
        with pytest.raises(ValueError, match="append-only"):
            db.session.commit()


def test_status_is_stored_as_its_value(app):
    with app.app_context():
        subscriber = _subscriber()
        subscriber.status = SubscriberStatus.PENDING
        db.session.commit()
        raw = db.session.execute(select(Subscriber.__table__.c.status)).scalar_one()
        assert raw == "pending"


def test_guide_request_tokens_are_random_and_unique(app):
    with app.app_context():
        subscriber = _subscriber()
        requests = [GuideRequest(subscriber=subscriber, edition_year=2026) for _ in range(50)]
        db.session.add_all(requests)
        db.session.commit()
        tokens = {r.token for r in requests}
        assert len(tokens) == 50
        assert all(len(t) == 32 for t in tokens)
        assert all(r.status == RequestStatus.QUEUED for r in requests)


def test_outbox_job_ids_are_unique(app):
    with app.app_context():
        db.session.add(OutboxMessage(queue="render", job="x.y", job_id="render-1", args=[1]))
        db.session.commit()
        db.session.add(OutboxMessage(queue="render", job="x.y", job_id="render-1", args=[1]))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_personal_inputs_round_trip_as_json(app):
    with app.app_context():
        subscriber = _subscriber()
        personal = {"role": "Data Scientist", "salary": 90000, "currency": "EUR", "city": "lisbon"}
        db.session.add(GuideRequest(subscriber=subscriber, edition_year=2026, personal=personal))
        db.session.commit()
        db.session.expunge_all()
        assert db.session.scalars(select(GuideRequest)).one().personal == personal
