"""The service under test: Redis, a database with the sample data and a published edition, gunicorn, a worker."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path

import psycopg
import sqlalchemy

from bench.common import BIN, ROOT, Process, free_port, say, wait_for_http
from bench.common import run as run_command
from tests.services import PostgresServer, RedisServer

SAMPLE = ROOT / "data" / "salaries_aijobs_2020_2024.csv"
GUNICORN_CONF = ROOT / "scripts" / "gunicorn.conf.py"
YEAR = "2026"


class Site:
    """One instance folder and database, migrated, with the sample data imported and the edition published."""

    def __init__(self, run: Run, name: str, database_url: str | None) -> None:
        self.run, self.name = run, name
        self.dir = run.dir / name
        self.dir.mkdir()
        instance = self.dir / "instance"
        self.database_url = database_url or f"sqlite:///{instance / 'salaryguide.db'}"
        self.env = {
            **os.environ,
            "FLASK_APP": "wsgi",
            "SALARYGUIDE_INSTANCE_PATH": str(instance),
            "SALARYGUIDE_DATABASE_URL": self.database_url,
            "SALARYGUIDE_REDIS_URL": run.redis().url,
            "SALARYGUIDE_SECRET_KEY": "bench-secret-not-for-production",
            "SALARYGUIDE_SIGNUP_RATE_LIMIT": "1000000 per minute",
            "SALARYGUIDE_LOG_LEVEL": "WARNING",
        }
        self.pdf_store = instance / "pdfs"

    def flask(self, *args: str) -> str:
        """Run `flask --app wsgi …` against this site."""
        return run_command([str(BIN / "flask"), "--app", "wsgi", *args], env=self.env)

    def prepare(self, data: bool = True) -> Site:
        """Migrate; with data, import the sample and publish the edition (rendered ahead, as in production)."""
        self.flask("db", "upgrade")
        if data:
            self.flask("salaries", "import", str(SAMPLE), "--format", "aijobs")
            self.flask("guide", "publish", "--year", YEAR)
        return self

    def app(self):  # type: ignore[no-untyped-def]
        """The service as a Flask app in this process, on this site's settings (for its test client)."""
        from service import create_app

        return create_app({k.removeprefix("SALARYGUIDE_"): v for k, v in self.env.items()
                           if k.startswith("SALARYGUIDE_")})

    def scalar(self, sql: str) -> object:
        """One value from the site's database."""
        engine = sqlalchemy.create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return connection.execute(sqlalchemy.text(sql)).scalar()
        finally:
            engine.dispose()

    def column(self, sql: str) -> list:
        """The first column of every row a query returns."""
        engine = sqlalchemy.create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return list(connection.execute(sqlalchemy.text(sql)).scalars())
        finally:
            engine.dispose()

    def edition_sha(self) -> str:
        """The published edition's PDF digest."""
        return str(self.scalar("SELECT pdf_sha256 FROM editions WHERE status = 'published'"))

    def gunicorn(self, name: str, app: str = "wsgi:app", env: dict[str, str] | None = None,
                 **settings: str) -> tuple[Process, str]:
        """gunicorn with the production settings (scripts/gunicorn.conf.py) on a free port; returns it and its URL."""
        port = free_port()
        env = {**self.env, **(env or {}), "SALARYGUIDE_BIND": f"127.0.0.1:{port}",
               **{f"SALARYGUIDE_{key}": value for key, value in settings.items()}}
        web = Process(name, [str(BIN / "gunicorn"), "--config", str(GUNICORN_CONF), app], env, self.dir).start()
        self.run.stack.callback(web.stop)
        url = f"http://127.0.0.1:{port}"
        wait_for_http(url + ("/hello" if "minimal" in app else "/"), web)
        return web, url

    def worker(self, *queues: str) -> Process:
        """The warm forking worker, as scripts/supervisord.conf starts it."""
        worker = Process("worker", [str(BIN / "flask"), "--app", "wsgi", "worker", "run", *queues], self.env, self.dir)
        self.run.stack.callback(worker.stop)
        return worker.start()


class Run:
    """One benchmark run: a temporary folder, and the servers and sites benchmarks share, made on first use."""

    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.dir = Path(tempfile.mkdtemp(prefix="sg-bench-"))
        self.stack = ExitStack()
        self._redis: RedisServer | None = None
        self._postgres: PostgresServer | None = None
        self._sites: dict[str, Site] = {}

    def redis(self) -> RedisServer:
        if self._redis is None:
            self._redis = RedisServer(self.dir)
            self._redis.start()
            self.stack.callback(self._redis.stop)
        return self._redis

    def postgres(self) -> PostgresServer:
        if self._postgres is None:
            self._postgres = PostgresServer()
            self._postgres.start()
            self.stack.callback(self._postgres.stop)
        return self._postgres

    def postgres_database(self, name: str) -> str:
        """A new, empty database in the run's PostgreSQL cluster; returns its SQLAlchemy URL."""
        server = self.postgres()
        with psycopg.connect(f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return server.url(name)

    def daemons(self) -> list[int]:
        """Our processes that are not our children: PostgreSQL's postmaster (pg_ctl detaches it)."""
        if self._postgres is None:
            return []
        try:
            return [int((self._postgres.directory / "data" / "postmaster.pid").read_text().split()[0])]
        except (OSError, ValueError, IndexError):
            return []

    def site(self, engine: str = "sqlite") -> Site:
        """The shared site on SQLite or PostgreSQL, with data and a published edition."""
        if engine not in self._sites:
            say(f"  (setting up the {engine} site: migrate, import the sample, publish the edition)")
            url = self.postgres_database("site") if engine == "postgresql" else None
            self._sites[engine] = Site(self, engine, url).prepare()
        return self._sites[engine]

    def close(self) -> None:
        self.stack.close()
        shutil.rmtree(self.dir, ignore_errors=True)
