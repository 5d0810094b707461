"""The database: SQLAlchemy through Flask-SQLAlchemy, migrations through Flask-Migrate."""

from __future__ import annotations

import threading
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
    app.teardown_appcontext(_release_session)  # runs before Flask-SQLAlchemy's own (teardowns run in reverse)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
            _queue_sqlite_writers(db.engine)


def _release_session(_exc: BaseException | None) -> None:
    """End the request's session even when its connection died under it (a database restart).

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
    """Let one thread of this process at a time hold SQLite's write lock, the others waiting in line.

    pysqlite begins a transaction at its first write, and a writer that finds the lock taken polls for it,
    sleeping up to 100 ms between tries, while newcomers can take it first: under 16 concurrent signups that
    polling, not the work, made the slowest 1 %. Threads of one process now queue on a lock that wakes the
    next at once, from the first write to the commit or rollback; only writers of other processes still poll.
    """
    lock, held = threading.Lock(), threading.local()

    def before_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not getattr(held, "writing", False) and statement.lstrip()[:7].lower().startswith(WRITES):
            # Never wait forever: past SQLite's own busy timeout, go ahead and let SQLite decide.
            held.writing, held.owns = True, lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000)

    def release(*_: Any) -> None:
        if getattr(held, "writing", False):
            if held.owns:
                lock.release()
            held.writing = held.owns = False

    event.listen(engine, "before_cursor_execute", before_execute)
    for name in ("commit", "rollback"):
        event.listen(engine, name, release)
    event.listen(engine.pool, "checkin", release)  # a connection given back without either (invalidated)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL so readers never block the writer; a busy timeout so writers queue instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()

