"""The database: SQLAlchemy through Flask-SQLAlchemy, migrations through Flask-Migrate."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from service.extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def init_app(app: Flask) -> None:
    """Bind the session and the migrations to the app, and tune SQLite when it is the engine."""
    import service.models  # noqa: F401  (registers the tables on the metadata)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    app.teardown_appcontext(release_session)  # runs before Flask-SQLAlchemy's own (teardowns run in reverse)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
            _queue_sqlite_writers(db.engine)


def release_session(_exc: BaseException | None = None) -> None:
    """End the session even when its connection died under it (a database restart): a request's, or the
    worker's after its warm-up.

    The usual ROLLBACK on a terminated PostgreSQL connection raises, which would turn an answered request
    into a 500; the connection is thrown away instead, and the pool makes a new one next time.
    """
    try:
        db.session.remove()
    except SQLAlchemyError:
        db.session.registry().invalidate()
        db.session.registry.clear()


BUSY_TIMEOUT_MS = 5000
WRITES = ("insert", "update", "delete", "replace")


def _queue_sqlite_writers(engine: Any) -> None:
    """Let one writer at a time hold SQLite's write lock, the others waiting in line rather than polling.

    pysqlite begins a transaction at its first write, and a writer that finds the lock taken polls for it,
    sleeping up to 100 ms between tries while newcomers can take it first: under 16 concurrent signups that
    polling made the slowest 1 %. Threads of one process queue on a lock that wakes the next at once; the
    process holding it then takes a file lock beside the database (one per machine, as SQLite's is), trying
    every half millisecond; both are held from the first write to the commit or rollback.
    """
    lock, held = threading.Lock(), threading.local()
    path = engine.url.database
    shared = _FileLock(f"{path}-writer.lock") if path and path != ":memory:" and "mode=memory" not in path else None

    def before_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not getattr(held, "writing", False) and statement.lstrip()[:7].lower().startswith(WRITES):
            # Never wait forever: past SQLite's own busy timeout, go ahead and let SQLite decide.
            deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
            held.writing, held.owns = True, lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000)
            held.shares = held.owns and shared is not None and shared.acquire(deadline)

    def release(*_: Any) -> None:
        if getattr(held, "writing", False):
            if held.shares and shared is not None:
                shared.release()
            if held.owns:
                lock.release()
            held.writing = held.owns = held.shares = False

    event.listen(engine, "before_cursor_execute", before_execute)
    for name in ("commit", "rollback"):
        event.listen(engine, name, release)
    event.listen(engine.pool, "checkin", release)  # a connection given back without either (invalidated)


class _FileLock:
    """An exclusive flock on a file, opened once per process (a descriptor inherited across fork is shared)."""

    def __init__(self, path: str) -> None:
        self.path, self.pid, self.fd = path, 0, -1

    def acquire(self, deadline: float) -> bool:
        """Take the lock, trying until the deadline; False if it was not had by then (or cannot be had)."""
        try:
            if self.pid != os.getpid():
                self.fd, self.pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        return False
                    time.sleep(0.0005)
        except OSError:
            return False  # a read-only folder, say: SQLite's own locking still applies

    def release(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL so readers never block the writer; a busy timeout so writers queue instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()

