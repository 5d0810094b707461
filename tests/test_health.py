"""/healthz, /readyz and the heartbeats, with each dependency really down: Redis stopped, a database
nobody listens on, the PDF store removed."""

from __future__ import annotations

import shutil
import threading

import redis

from service import heartbeat, storage
from service.guide import rendering
from service.redis_breaker import BREAKER
from tests.conftest import make_app
from tests.services import RedisServer, free_port, wait_until


def _dead_postgres() -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"


def readiness(app):
    response = app.test_client().get("/readyz")
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


def test_healthz_answers_with_every_dependency_down(tmp_path):
    app = make_app(_dead_postgres(), f"redis://127.0.0.1:{free_port()}/0", tmp_path / "instance")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.text == "ok\n"


def test_readyz_is_ok_with_everything_up_and_shows_the_heartbeats(sample_app, redis_server: RedisServer):
    connection = redis.Redis.from_url(redis_server.url)
    with sample_app.app_context():
        rendering.ensure_pdf(2026, None)
    assert heartbeat.beat("worker", "w1", connection) and heartbeat.beat("scheduler", "s1", connection)
    status, body = readiness(sample_app)
    assert status == 200, body
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "redis": "ok", "pdf_store": "ok", "edition_pdf": "ok"}
    assert [p["id"] for p in body["heartbeats"]["worker"]] == ["w1"]
    assert [p["id"] for p in body["heartbeats"]["scheduler"]] == ["s1"]
    assert body["heartbeats"]["problems"] == []


def test_readyz_says_the_edition_pdf_is_not_stored_yet(app):
    status, body = readiness(app)
    assert status == 503 and body["status"] == "unavailable"
    assert body["checks"]["edition_pdf"] == "the 2026 edition's PDF is not stored yet"
    assert body["checks"]["database"] == body["checks"]["redis"] == body["checks"]["pdf_store"] == "ok"
    assert "no scheduler has beaten in the last 45 s" in body["heartbeats"]["problems"]


def test_readyz_with_redis_stopped(sqlite_app, redis_server: RedisServer):
    redis_server.stop()
    try:
        status, body = readiness(sqlite_app)
    finally:
        redis_server.start()
        BREAKER.reset()  # a client that met the stopped server must not keep later tests away from Redis
    assert status == 503
    assert body["checks"]["redis"] == "unreachable: ConnectionError"
    assert body["checks"]["database"] == "ok"
    assert body["heartbeats"] == {"error": "Redis is unreachable (ConnectionError)"}


def test_readyz_with_the_database_unreachable(redis_server: RedisServer, tmp_path):
    app = make_app(_dead_postgres(), redis_server.url, tmp_path / "instance")
    status, body = readiness(app)
    assert status == 503
    assert body["checks"]["database"] == "unreachable: OperationalError"
    assert body["checks"]["edition_pdf"].startswith("unknown: the database is unreachable")
    assert body["checks"]["redis"] == "ok"


def test_readyz_with_the_pdf_store_removed(sqlite_app):
    with sqlite_app.app_context():
        root = storage.store().root
    shutil.rmtree(root)
    status, body = readiness(sqlite_app)
    assert status == 503
    assert body["checks"]["pdf_store"] == f"missing: {root} is not a folder"


def test_a_beat_expires_by_itself_so_a_dead_scheduler_drops_out_within_a_minute(redis_server: RedisServer):
    connection = redis.Redis.from_url(redis_server.url)
    connection.flushall()
    heartbeat.beat("scheduler", "s1", connection)
    ttl = connection.ttl(f"{heartbeat.PREFIX}scheduler:s1")
    assert 0 < ttl <= heartbeat.TTL < 60
    connection.delete(f"{heartbeat.PREFIX}scheduler:s1")  # what the TTL does once beats stop
    assert heartbeat.summary(connection)["problems"][0] == "no scheduler has beaten in the last 45 s"


def test_a_beat_with_redis_down_is_reported_not_raised(tmp_path):
    assert heartbeat.beat("worker", "w1", redis.Redis(port=free_port(), socket_connect_timeout=0.2)) is False


def test_the_dashboard_shows_the_processes(sqlite_app, redis_server: RedisServer):
    sqlite_app.config["ADMIN_TOKEN"] = "t" * 40
    heartbeat.beat("worker", "render-1", redis.Redis.from_url(redis_server.url))
    page = sqlite_app.test_client().get("/admin/", headers={"Authorization": "Bearer " + "t" * 40})
    assert page.status_code == 200
    assert "worker render-1" in page.text and "No scheduler has beaten in the last 45 s." in page.text


def test_keep_beating_beats_from_a_thread_until_stopped(redis_server: RedisServer):
    connection = redis.Redis.from_url(redis_server.url)
    connection.flushall()
    stop = threading.Event()
    thread = heartbeat.keep_beating("worker", "w9", connection, stop, interval=0.05)
    key = f"{heartbeat.PREFIX}worker:w9"
    first = connection.get(key)
    assert first is not None  # the first beat is immediate
    wait_until(lambda: connection.get(key) != first, what="a second beat")
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
