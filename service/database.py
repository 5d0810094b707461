"""The database: SQLAlchemy through Flask-SQLAlchemy, migrations through Flask-Migrate."""

from __future__ import annotations

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


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL so readers never block the writer; a busy timeout so writers queue instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()

