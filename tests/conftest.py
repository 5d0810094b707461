"""Fixtures: real Redis, real SQLite and PostgreSQL databases, each migrated once and copied per test."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import create_engine, text

from service import create_app
from service.extensions import db
from service.redis_breaker import BREAKER
from tests.mailbox import Mailbox
from tests.services import PostgresServer, RedisServer

ENGINES = ["sqlite", "postgresql"]
CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright downloads no browser
# Flags for a closed network (no background connections to refuse) and a root user (no sandbox).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for the session; each test starts with it empty."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the session."""
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


def _migrate(database_url: str, instance: Path) -> None:
    """Apply the migrations to a database, as `flask db upgrade` does."""
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(instance), "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    _migrate(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated PostgreSQL database that each test clones with CREATE DATABASE … TEMPLATE."""
    _admin(postgres_server, "CREATE DATABASE sg_template")
    _migrate(postgres_server.url("sg_template"), tmp_path_factory.mktemp("pg-template"))
    return "sg_template"


def _admin(server: PostgresServer, statement: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
    engine = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


SAMPLE = Path(__file__).resolve().parent.parent / "data" / "salaries_aijobs_2020_2024.csv"


def _load_sample(database_url: str, instance: Path) -> None:
    """Import the shipped sample data set, as `make run` does."""
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(instance), "TESTING": True})
    result = app.test_cli_runner().invoke(args=["salaries", "import", str(SAMPLE), "--format", "aijobs"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_sample_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file holding the sample data."""
    folder = tmp_path_factory.mktemp("sqlite-sample")
    path = folder / "sample.db"
    shutil.copyfile(sqlite_template, path)
    _load_sample(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def postgres_sample_template(postgres_server: PostgresServer, postgres_template: str,
                             tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated PostgreSQL database holding the sample data."""
    _admin(postgres_server, f"CREATE DATABASE sg_sample TEMPLATE {postgres_template}")
    _load_sample(postgres_server.url("sg_sample"), tmp_path_factory.mktemp("pg-sample"))
    return "sg_sample"


def _database(request: pytest.FixtureRequest, tmp_path: Path, sample: bool) -> Iterator[str]:
    """A fresh copy of a template database on the requested engine."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_sample_template" if sample else "sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("postgres_sample_template" if sample else "postgres_template")
    yield from _postgres_copy(server, template)


def _postgres_copy(server: PostgresServer, template: str) -> Iterator[str]:
    """A fresh PostgreSQL database cloned from a template, dropped afterwards."""
    name = "t_" + uuid.uuid4().hex[:12]
    _admin(server, f"CREATE DATABASE {name} TEMPLATE {template}")
    yield server.url(name)
    _admin(server, f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database on each engine."""
    yield from _database(request, tmp_path, sample=False)


@pytest.fixture(params=ENGINES)
def sample_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database holding the shipped sample data, on each engine."""
    yield from _database(request, tmp_path, sample=True)


def make_app(database_url: str, redis_url: str, instance: Path, **overrides: Any) -> Flask:
    """An app on the given database and Redis, its files in `instance`; the process's Redis breaker closed
    (a test that stopped Redis must not make the next one skip it)."""
    BREAKER.reset()
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "INSTANCE_PATH": str(instance),
        "RQ_ASYNC": True,  # jobs go to the real Redis; tests run them with a real worker
        "SMTP_URL": "smtp://127.0.0.1:9",  # nothing listens there: tests that want mail use `mailbox`
        **overrides,
    }
    return create_app(settings)


def _running_app(database_url: str, redis_server: RedisServer, instance: Path) -> Iterator[Flask]:
    """An app on `database_url` with an empty Redis, its connections closed afterwards."""
    redis.Redis.from_url(redis_server.url).flushall()
    application = make_app(database_url, redis_server.url, instance)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_url: str, redis_server: RedisServer, tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh database (each engine) and an empty Redis."""
    yield from _running_app(database_url, redis_server, tmp_path / "instance")


@pytest.fixture
def sample_app(sample_database_url: str, redis_server: RedisServer, tmp_path: Path) -> Iterator[Flask]:
    """The app on a database holding the sample data (each engine) and an empty Redis."""
    yield from _running_app(sample_database_url, redis_server, tmp_path / "instance")


@pytest.fixture
def sqlite_app(sqlite_template: Path, redis_server: RedisServer, tmp_path: Path) -> Iterator[Flask]:
    """The app on SQLite only, for tests that are not about the database."""
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    yield from _running_app(f"sqlite:///{path}", redis_server, tmp_path / "instance")


@pytest.fixture
def postgres_app(postgres_server: PostgresServer, postgres_template: str, redis_server: RedisServer,
                 tmp_path: Path) -> Iterator[Flask]:
    """The app on PostgreSQL only, for a path only PostgreSQL takes."""
    for url in _postgres_copy(postgres_server, postgres_template):
        yield from _running_app(url, redis_server, tmp_path / "instance")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(html: str) -> str:
    """The CSRF token a rendered form carries."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def run_jobs(app: Flask) -> None:
    """Run every queued job in-process with a real RQ worker (burst mode), inside the app context."""
    from rq import SimpleWorker

    from service.extensions import rq

    with app.app_context():
        queues = list(rq.queues.values())
        worker = SimpleWorker(queues, connection=queues[0].connection, job_class=queues[0].job_class)
        worker.work(burst=True)


@pytest.fixture(scope="session")
def smtp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mailbox]:
    """One real SMTP server (aiosmtpd, the project's sink) on a free loopback port for the session."""
    server = Mailbox(tmp_path_factory.mktemp("mail"))
    yield server
    server.stop()


@pytest.fixture
def mailbox(app: Flask, smtp_server: Mailbox) -> Mailbox:
    """The SMTP server, emptied, with `app` sending to it."""
    smtp_server.clear()
    app.config["SMTP_URL"] = smtp_server.url
    return smtp_server


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Headless Chromium, driven by Playwright."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
