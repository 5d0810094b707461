"""The yardstick for signup throughput: a minimal Flask app that commits one SQLite insert and redirects.

`gunicorn --config scripts/gunicorn.conf.py bench.minimal_app:app`, with BENCH_MINIMAL_DB naming the file.
SQLite is set up as the service sets it up (WAL, busy timeout, synchronous=NORMAL), one connection per thread.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import closing

from flask import Flask, redirect, request

DATABASE = os.environ.get("BENCH_MINIMAL_DB", "/tmp/bench-minimal.db")
_local = threading.local()


def _connection() -> sqlite3.Connection:
    """This thread's connection, made on first use (never shared across gunicorn's forks)."""
    if getattr(_local, "pid", None) != os.getpid():
        connection = sqlite3.connect(DATABASE, timeout=5.0)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        _local.connection, _local.pid = connection, os.getpid()
    return _local.connection


def create_app() -> Flask:
    """The two endpoints: a signup that inserts one row, and a bare hello."""
    # Closed before gunicorn forks its workers (preload_app): `with connect()` alone only commits, and a
    # connection open across fork corrupted the file ("database disk image is malformed", up to a third of
    # the answers were 500s in some runs).
    with closing(sqlite3.connect(DATABASE)) as connection, connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE IF NOT EXISTS signups (id INTEGER PRIMARY KEY, email TEXT NOT NULL, "
                           "created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
    app = Flask(__name__)

    @app.post("/signup")
    def signup():  # type: ignore[no-untyped-def]
        connection = _connection()
        connection.execute("INSERT INTO signups (email) VALUES (?)", (request.form["email"],))
        connection.commit()
        return redirect("/thanks", 303)

    @app.get("/hello")
    def hello():  # type: ignore[no-untyped-def]
        return "hello"

    return app


app = create_app()
