"""Faults the service must survive without losing work: retries, the sweep, Redis away, bad multipart bodies."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from rq import Queue
from rq.job import Job
from sqlalchemy import func, select, text, update

import pdf
from service import outbox
from service.extensions import db
from service.guide import context, rendering, sweep
from service.models import GuideRequest, OutboxMessage, RequestStatus, ScheduleRun, Subscriber
from service.redis_breaker import BREAKER
from tests.conftest import _admin, csrf_token, make_app, run_jobs
from tests.services import RedisServer, free_port
from tests.test_editions import PERSONAL, invoke, signup
from workers import worker

ROOT = Path(__file__).resolve().parent.parent
MULTIPART = "multipart/form-data; boundary=XX"


def _part(name: str, value: bytes, headers: bytes = b"") -> bytes:
    return b'--XX\r\nContent-Disposition: form-data; name="%s"%s\r\n\r\n%s\r\n' % (name.encode(), headers, value)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("bad", ["file part", "binary part"])
def test_a_multipart_body_with_a_file_or_binary_part_gets_400_and_writes_nothing(app, client, bad):
    token = csrf_token(client.get("/").text)
    if bad == "file part":
        email = _part("email", b"ada@example.com", b'; filename="email.txt"\r\nContent-Type: text/plain')
    else:
        email = _part("email", b"\x89PNG\r\n\x1a\n\x00\xff", b"\r\nContent-Type: image/png")
    body = _part("csrf_token", token.encode()) + email + b"--XX--\r\n"
    response = client.post("/guide", data=body, content_type=MULTIPART)
    assert response.status_code == 400
    assert "The form takes text only" in response.text and "email" in response.text
    assert _count(app, Subscriber) == 0 and _count(app, OutboxMessage) == 0


def test_a_plain_multipart_form_still_signs_up(app, client):
    token = csrf_token(client.get("/").text)
    body = _part("csrf_token", token.encode()) + _part("email", b"ada@example.com") + b"--XX--\r\n"
    assert client.post("/guide", data=body, content_type=MULTIPART).status_code == 303
    assert _count(app, Subscriber) == 1


def test_the_web_process_never_imports_weasyprint_or_the_rasteriser(sample_app):
    script = f"""
import json, sys
from service import create_app
app = create_app({{"TESTING": True, "RQ_ASYNC": True, "WTF_CSRF_ENABLED": False,
                  "DATABASE_URL": {sample_app.config["DATABASE_URL"]!r},
                  "REDIS_URL": {sample_app.config["REDIS_URL"]!r}, "INSTANCE_PATH": {sample_app.instance_path!r}}})
client = app.test_client()
codes = [client.get("/").status_code, client.post("/guide", data={{"email": "light@example.com"}}).status_code,
         client.post("/guide", data={{"email": "p@example.com", "role": "Data Scientist", "seniority": "senior",
                                      "salary": "90000", "currency": "EUR", "city": "lisbon"}}).status_code]
codes += [client.get("/privacy").status_code, client.get("/previews/" + "0" * 64 + ".png").status_code]
print(json.dumps({{"codes": codes, "weasyprint": "weasyprint" in sys.modules,
                  "rasteriser": "pypdfium2" in sys.modules}}))
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result == {"codes": [200, 303, 303, 200, 404], "weasyprint": False, "rasteriser": False}


def test_the_outbox_names_jobs_by_their_import_path():
    assert outbox.job_path(rendering.fulfil) == "service.guide.rendering.fulfil"
    with pytest.raises(ValueError):
        outbox.job_path(lambda: None)


def _personal_request(app) -> str:
    invoke(app, "guide", "publish", "--year", "2026")
    response = signup(app.test_client(), email="retry@example.com", **PERSONAL)
    return response.headers["Location"].rsplit("/", 1)[1]


def _request(app, token: str) -> GuideRequest:
    with app.app_context():
        found = db.session.scalars(select(GuideRequest).where(GuideRequest.token == token)).one()
        db.session.expunge(found)
        return found


@pytest.fixture
def retrying_app(sample_database_url, redis_server, tmp_path):
    """The app with RQ's retries immediate (no back-off), so one burst of a worker runs them all."""
    redis.Redis.from_url(redis_server.url).flushall()
    application = make_app(sample_database_url, redis_server.url, tmp_path / "instance", JOB_RETRY_BACKOFF=0)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_render_that_fails_once_is_retried_and_ready(retrying_app, monkeypatch):
    token = _personal_request(retrying_app)
    real, calls = pdf.render_personal_insert, []

    def flaky(context):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a transient failure")
        return real(context)

    monkeypatch.setattr(pdf, "render_personal_insert", flaky)
    run_jobs(retrying_app)
    guide = _request(retrying_app, token)
    assert (guide.status, guide.attempts, len(calls)) == (RequestStatus.READY, 2, 2)


def test_a_render_that_always_fails_ends_failed_after_its_attempts(retrying_app, monkeypatch):
    token = _personal_request(retrying_app)
    calls = []

    def broken(context):
        calls.append(1)
        raise RuntimeError("always broken")

    monkeypatch.setattr(pdf, "render_personal_insert", broken)
    run_jobs(retrying_app)
    guide = _request(retrying_app, token)
    assert guide.status == RequestStatus.FAILED and guide.attempts == len(calls) == 3
    assert "here is the guide without it" in guide.error and guide.pdf_sha256  # the stored edition instead


def _age(app, token: str, seconds: float) -> None:
    with app.app_context():
        past = datetime.now(UTC) - timedelta(seconds=seconds)
        db.session.execute(update(GuideRequest).where(GuideRequest.token == token).values(updated_at=past))
        db.session.commit()


def test_the_sweep_redispatches_a_request_whose_job_was_lost(retrying_app):
    token = _personal_request(retrying_app)
    with retrying_app.app_context():
        assert sweep.sweep_stuck() == 0  # fresh: not stale yet
        # What a lost job looks like: RQ no longer knows it (killed in a way no registry saw, Redis flushed).
        redis.Redis.from_url(retrying_app.config["REDIS_URL"]).flushall()
    _age(retrying_app, token, retrying_app.config["RENDER_STALE_AFTER"] + 1)
    with retrying_app.app_context():
        assert sweep.sweep_stuck() == 1
        assert sweep.sweep_stuck() == 0  # its new job is queued: alive, so left alone
        request_id = _request(retrying_app, token).id
        ids = list(db.session.scalars(select(OutboxMessage.job_id).where(OutboxMessage.job_id.like("render-%"))))
    assert ids == [f"render-{request_id}", f"render-{request_id}-sweep-1"]
    run_jobs(retrying_app)
    assert _request(retrying_app, token).status == RequestStatus.READY


def test_the_sweep_fails_a_stuck_request_out_of_attempts(retrying_app):
    token = _personal_request(retrying_app)
    with retrying_app.app_context():
        redis.Redis.from_url(retrying_app.config["REDIS_URL"]).flushall()
        db.session.execute(update(GuideRequest).values(status=RequestStatus.RENDERING, attempts=3))
        db.session.commit()
    _age(retrying_app, token, retrying_app.config["RENDER_STALE_AFTER"] + 1)
    with retrying_app.app_context():
        assert sweep.sweep_stuck() == 1
    guide = _request(retrying_app, token)
    assert guide.status == RequestStatus.FAILED and "without it" in guide.error


def test_a_scheduled_run_left_unfinished_is_taken_over_by_its_own_retry(sample_app):
    from service import schedules

    period = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
    job_id = schedules.job_id("edition", period)
    with sample_app.app_context():
        # An earlier attempt of this very job claimed the period, then its process died.
        db.session.add(ScheduleRun(name="edition", period=period, claimed_by=job_id))
        db.session.add(ScheduleRun(name="edition", period=period + timedelta(days=365), claimed_by="someone-else"))
        db.session.commit()
        queue = Queue("default", connection=redis.Redis.from_url(sample_app.config["REDIS_URL"]))
        queue.enqueue(outbox.job_path(schedules.new_edition), period.isoformat(), job_id=job_id)
        other = period + timedelta(days=365)
        queue.enqueue(outbox.job_path(schedules.new_edition), other.isoformat(),
                      job_id=schedules.job_id("edition", other))
    run_jobs(sample_app)
    with sample_app.app_context():
        runs = {r.period.year: r.outcome for r in db.session.scalars(select(ScheduleRun))}
        assert runs[2026].startswith("published Remote Salary Guide 2026")
        assert runs[2027] is None  # another job's run: not ours to take over
        assert Job.fetch(job_id, connection=queue.connection).return_value().startswith("published")


def test_with_redis_down_signups_commit_and_the_breaker_spares_the_next_requests(sqlite_template, tmp_path):
    import shutil

    server = RedisServer(tmp_path)
    server.start()
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", server.url, tmp_path / "instance")
    server.stop()
    BREAKER.reset()
    try:
        assert signup(app.test_client(), email="down0@example.com").status_code == 303
        assert not BREAKER.allows()  # that failure opened the breaker: this process leaves Redis alone
        for n in range(1, 3):
            assert signup(app.test_client(), email=f"down{n}@example.com").status_code == 303
        with app.app_context():
            rows = db.session.execute(select(OutboxMessage.attempts, OutboxMessage.dispatched_at)).all()
        # Each signup committed a render and an email job; none reached Redis, none was tried past the breaker.
        assert len(rows) == 6 and all(at is None for _, at in rows) and sum(tries for tries, _ in rows) <= 1
        server.start()
        with app.app_context():
            assert outbox.relay(grace_seconds=0) == 6  # the relay always tries, and sends what waited
    finally:
        BREAKER.reset()
        server.stop()
        with app.app_context():
            db.engine.dispose()


def test_an_unreachable_postgresql_gets_503_with_retry_after(redis_server, tmp_path):
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"
    app = make_app(nowhere, redis_server.url, tmp_path / "instance")
    response = app.test_client().get("/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "try again in a few seconds" in response.text


def test_the_warm_workers_prime_survives_postgresql_dropping_its_connection(postgres_server, postgres_sample_template,
                                                                           redis_server, tmp_path, monkeypatch):
    """The worker's prime() (at start and in the parent before each render) ends its session even when
    PostgreSQL terminated the connection under it, as a restart does, instead of raising out of the worker."""
    name = "t_" + uuid.uuid4().hex[:12]
    _admin(postgres_server, f"CREATE DATABASE {name} TEMPLATE {postgres_sample_template}")
    app = make_app(postgres_server.url(name), redis_server.url, tmp_path / "instance")
    real = context.prime

    def prime_then_lose_the_connection():  # type: ignore[no-untyped-def]
        primed = real()
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))  # the session's connection, mid-transaction
        _admin(postgres_server, f"SELECT pg_terminate_backend({pid})")  # a real fault: what a restart does to it
        return primed

    monkeypatch.setattr(context, "prime", prime_then_lose_the_connection)
    try:
        with app.app_context():
            worker.prime()
            assert db.session.scalar(text("SELECT count(*) FROM data_snapshots")) == 1  # a fresh connection
            db.session.remove()
            db.engine.dispose()
    finally:
        _admin(postgres_server, f"DROP DATABASE {name} WITH (FORCE)")
