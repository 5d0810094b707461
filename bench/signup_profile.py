"""`python -m bench.signup_profile [--count N] [--engine sqlite|postgresql] [--top N] [--sql]`: one POST /guide
in-process, taken apart: CPU ms, SQL statements and commits per POST, and cProfile's top entries.

Runs the service's test client against a site set up as `make bench` sets it up (sample data, published
edition), one thread, so the figures are the request's own work without queueing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from collections import Counter

from bench.client import CSRF
from bench.site import Run


def profile(engine: str, count: int, top: int, show_sql: bool) -> None:
    """Post `count` generic signups and print what one costs."""
    from sqlalchemy import event

    from service.extensions import db

    run = Run(quick=True)
    try:
        site = run.site(engine)
        app = site.app()
        client = app.test_client()
        token = CSRF.search(client.get("/").data).group(1).decode()
        counts: Counter[str] = Counter()
        statements: Counter[str] = Counter()

        def executed(_conn, _cursor, statement, *_):  # type: ignore[no-untyped-def]
            counts["sql"] += 1
            statements[" ".join(statement.split())[:110]] += 1

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", executed)
            event.listen(db.engine, "commit", lambda *_: counts.update(["commit"]))
        for i in range(20):  # warm: first queries, caches, template compilation
            client.post("/guide", data={"csrf_token": token, "email": f"warm{i}@profile.example"})
        counts.clear()
        statements.clear()
        started = time.process_time()
        for i in range(count):
            client.post("/guide", data={"csrf_token": token, "email": f"p{i}@profile.example"})
        cpu_ms = (time.process_time() - started) / count * 1000
        print(f"{engine}: CPU {cpu_ms:.2f} ms, SQL statements {counts['sql'] / count:.1f}, "
              f"commits {counts['commit'] / count:.1f} per POST /guide (n={count})")
        if show_sql:
            for text, n in statements.most_common():
                print(f"  {n / count:4.1f}  {text}")
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(count):
            client.post("/guide", data={"csrf_token": token, "email": f"q{i}@profile.example"})
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
        print(out.getvalue())
    finally:
        run.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.signup_profile", description=__doc__)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--sql", action="store_true", help="list the statements one POST runs")
    args = parser.parse_args()
    profile(args.engine, args.count, args.top, args.sql)


if __name__ == "__main__":
    main()
