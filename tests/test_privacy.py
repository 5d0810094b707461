"""`subscribers show` and `subscribers erase`: everything held about a person, then no trace of them anywhere."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import redis
from rq import Queue
from rq.job import Job
from sqlalchemy import func, select, text

from service import outbox
from service.extensions import db
from service.guide.rendering import fulfil
from service.mail.sending import deliver
from service.models import Base, EmailKind, Erasure, GuideRequest, OutboxMessage, SentEmail, Subscriber
from tests.people import cast

ADA = "ada@example.com"
RENDER, SEND = outbox.job_path(fulfil), outbox.job_path(deliver)


def _queue(app, name: str) -> Queue:
    return Queue(name, connection=redis.Redis.from_url(app.config["REDIS_URL"]))


@pytest.fixture
def held(app):
    """Ada (requests 1 and 2, sent email 1) and Grace (request 3, sent email 2) with outbox rows and queued jobs."""
    cast(app)
    with app.app_context():
        ada = db.session.scalars(select(Subscriber).where(Subscriber.email == ADA)).one()
        grace = db.session.scalars(select(Subscriber).where(Subscriber.email == "grace@example.com")).one()
        for who, request_id in ((ada, 2), (grace, 3)):
            db.session.add(SentEmail(key=f"delivery-{request_id}", kind=EmailKind.DELIVERY, template="delivery",
                                     subscriber=who, guide_request_id=request_id))
        outbox.add("render", fulfil, "render-1", 1)
        outbox.add("render", fulfil, "render-3", 3)
        outbox.add("email", deliver, "email-delivery-2", 1)
        # Grace's email row is id 2, which is also one of Ada's request ids: names decide, not numbers.
        outbox.add("email", deliver, "email-delivery-3", 2)
        outbox.commit()
        ids = {"ada": ada.id, "uuid": ada.uuid, "tokens": [r.token for r in db.session.scalars(
            select(GuideRequest).where(GuideRequest.subscriber_id == ada.id))]}
    render = _queue(app, "render")
    render.enqueue_in(timedelta(hours=1), RENDER, 2, job_id="render-later-2")
    failed = Job.create(RENDER, args=(2,), id="render-failed-2", connection=render.connection,
                        origin="render")
    render.failed_job_registry.add(failed, ttl=3600, exc_string="RuntimeError: boom")
    render.enqueue(RENDER, 99, job_id="render-99")  # nobody's
    limiter = redis.Redis.from_url(app.config["REDIS_URL"])
    limiter.set(f"LIMITER/delivery/{ADA}/1/day", 2)
    limiter.set("LIMITER/delivery/grace@example.com/1/day", 1)
    return ids


def _all_job_ids(app) -> set[str]:
    found: set[str] = set()
    for name in ("render", "email", "default"):
        q = _queue(app, name)
        found |= set(q.job_ids)
        for registry in (q.scheduled_job_registry, q.failed_job_registry, q.deferred_job_registry,
                         q.finished_job_registry, q.canceled_job_registry):
            found |= set(registry.get_job_ids())
    return found


def test_show_prints_everything_held_as_json(app, held):
    result = app.test_cli_runner().invoke(args=["subscribers", "show", "ADA@example.com ", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    tables = data["tables"]
    assert data["email"] == ADA and tables["subscribers"][0]["uuid"] == held["uuid"]
    assert [e["kind"] for e in tables["consent_events"]] == ["guide_delivery", "newsletter_opt_in", "confirmation"]
    assert tables["consent_events"][1]["ip"] == "203.0.113.7" and tables["consent_events"][0]["utm_source"] == "twitter"
    assert sorted(r["edition_year"] for r in tables["guide_requests"]) == [2025, 2026]
    assert len(tables["downloads"]) == 1 and tables["sent_emails"][0]["key"] == "delivery-2"
    assert sorted(m["job"] + str(m["args"]) for m in data["outbox"]) == [
        f"{RENDER}[1]", f"{SEND}[1]"]
    assert {j["id"] for j in data["queued_jobs"]} >= {"render-1", "render-later-2", "render-failed-2"}
    assert "render-3" not in {j["id"] for j in data["queued_jobs"]}


def test_show_in_text_and_unknown_addresses(app, held):
    runner = app.test_cli_runner()
    plain = runner.invoke(args=["subscribers", "show", ADA])
    assert plain.exit_code == 0 and "consent_events (3)" in plain.stdout and "outbox (2)" in plain.stdout
    unknown = runner.invoke(args=["subscribers", "show", "nobody@example.com", "--json"])
    assert unknown.exit_code == 1 and "No subscriber has that address." in unknown.output


def test_erase_leaves_no_trace_in_tables_outbox_or_queues(app, held):
    result = app.test_cli_runner().invoke(args=["subscribers", "erase", ADA, "--yes"])
    assert result.exit_code == 0, result.output
    assert "2 outbox row(s); 4 queued job(s); 1 Redis key(s)" in result.stdout
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            dump = " ".join(str(row) for row in db.session.execute(select(table)).all())
            for trace in (ADA, held["uuid"], *held["tokens"]):
                assert trace not in dump, (table.name, trace)
            for column in ("subscriber_id",):
                if column in table.c:
                    assert db.session.scalar(select(func.count()).select_from(table)
                                             .where(table.c[column] == held["ada"])) == 0
        assert sorted(db.session.scalars(select(OutboxMessage.job_id))) == ["email-delivery-3", "render-3"]
        assert db.session.scalar(select(func.count()).select_from(Erasure)) == 1
        # Everyone else is untouched.
        assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 4
        assert db.session.scalar(select(func.count()).select_from(SentEmail)) == 1
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
    jobs = _all_job_ids(app)
    assert not jobs & {"render-1", "email-delivery-2", "render-later-2", "render-failed-2"}
    assert {"render-3", "email-delivery-3", "render-99"} <= jobs
    keys = redis.Redis.from_url(app.config["REDIS_URL"]).keys("LIMITER/*")
    assert keys == [b"LIMITER/delivery/grace@example.com/1/day"]


def test_erase_asks_first_and_refuses_unknown_addresses(app, held):
    runner = app.test_cli_runner()
    declined = runner.invoke(args=["subscribers", "erase", ADA], input="n\n")
    assert declined.exit_code == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Subscriber).where(Subscriber.email == ADA)) == 1
    unknown = runner.invoke(args=["subscribers", "erase", "nobody@example.com", "--yes"])
    assert unknown.exit_code == 1 and "No subscriber has that address." in unknown.output
