"""`python -m bench.export_profile [--rows N]`: where `flask subscribers export` spends its time, per row.

N generated subscribers (a delivery consent and a guide request each) in a SQLite site, then the plain
layout streamed in-process under cProfile; prints rows/s and the top entries by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
import uuid
from datetime import UTC, datetime

from bench.site import Run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.export_profile", description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    from sqlalchemy import insert

    from service.export import stream
    from service.export.filters import ExportQuery
    from service.extensions import db
    from service.models import ConsentEvent, ConsentKind, GuideRequest, Subscriber

    run = Run(quick=True)
    try:
        site = run.site("sqlite")
        app, at = site.app(), datetime(2026, 11, 1, tzinfo=UTC)
        with app.app_context():
            ids = range(1_000_000, 1_000_000 + args.rows)
            db.session.execute(insert(Subscriber), [{"id": i, "uuid": str(uuid.uuid4()), "email": f"p{i}@example.com",
                                                     "status": "subscribed", "created_at": at} for i in ids])
            db.session.execute(insert(ConsentEvent), [
                {"subscriber_id": i, "kind": ConsentKind.GUIDE_DELIVERY, "form": "salary-guide-landing",
                 "form_version": "2026.1", "consent_text_hash": "sha256:" + "a" * 64, "ip": "198.51.100.1",
                 "user_agent": "Mozilla/5.0", "utm_source": "twitter", "created_at": at} for i in ids])
            db.session.execute(insert(GuideRequest), [{"subscriber_id": i, "token": uuid.uuid4().hex,
                                                       "edition_year": 2026, "created_at": at} for i in ids])
            db.session.commit()
            profiler, started = cProfile.Profile(), time.perf_counter()
            profiler.enable()
            written = sum(len(chunk) for chunk in stream.lines(ExportQuery(), batch_size=1000))
            profiler.disable()
            elapsed = time.perf_counter() - started
        print(f"{args.rows:,} rows, {written:,} characters in {elapsed:.2f} s under cProfile "
              f"({args.rows / elapsed:,.0f} rows/s)")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())
    finally:
        run.close()


if __name__ == "__main__":
    main()
