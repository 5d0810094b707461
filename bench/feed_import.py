"""`python -m bench.feed_import [--count N]`: import rate (rows/s) of a feed of N listings in each format.

Standalone (not part of `make bench`'s list yet): the feeds are written to a temporary folder by
scripts/make-feed-samples.py, each imported by `flask salaries import`'s own function into a fresh SQLite
database made by the migrations, in this process, one after the other."""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import ROOT

FILES = ("native.csv", "native_salary_text.csv", "jobposting.jsonl", "jobposting.html", "greenhouse.json",
         "lever.json", "ashby.json")


def _samples():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_feed_samples", ROOT / "scripts" / "make-feed-samples.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _migrated(folder: Path) -> Path:
    """An empty database at the newest migration, copied for each format."""
    from flask_migrate import upgrade

    from service import create_app
    from service.extensions import db

    template = folder / "template.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{template}", "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.session.remove()
        db.engine.dispose()  # the last connection's close checkpoints the WAL into the file we copy
    return template


def import_rate(path: Path, database: Path) -> tuple[int, float]:
    """(listings imported, seconds) for one feed into a fresh database."""
    from service import create_app
    from service.extensions import db
    from service.salaries.importer import import_file

    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        started = time.perf_counter()
        report = import_file(str(path), None, progress=False)
        elapsed = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return report.imported, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--feeds", type=Path, default=None, help="use feeds already written there")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sg-feed-bench-"))
    try:
        feeds = args.feeds
        if feeds is None:
            feeds = folder / "feeds"
            _samples().write_all(_samples().listings(args.count), feeds)
        template = _migrated(folder)
        for name in FILES:
            database = folder / f"{name}.db"
            shutil.copyfile(template, database)
            imported, seconds = import_rate(feeds / name, database)
            size = (feeds / name).stat().st_size / 1e6
            print(f"{name:24} {imported:>8,} listings  {size:6.1f} MB  {seconds:7.1f} s  "
                  f"{imported / seconds:8,.0f} rows/s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
