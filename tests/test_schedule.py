"""The schedules: registrations, deterministic runs, and the catch-up after downtime (time-travelled)."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from service import outbox, schedules
from service.extensions import db, rq
from service.guide import editions, sweep
from service.models import Edition, EditionStatus, OutboxMessage, ScheduleRun
from tests.conftest import make_app, run_jobs
from tests.test_import import listing, write
from workers.scheduler import make_cron


def test_schedules_are_registered_on_rqs_cron_once_where_the_scheduler_starts(sqlite_app, redis_server, tmp_path):
    second = make_app(sqlite_app.config["DATABASE_URL"], redis_server.url, tmp_path / "second")
    assert rq._cron_job_data == []  # two apps made, nothing registered by either
    with sqlite_app.app_context():
        jobs = {(j.func_name, tuple(j.args or ())): j for j in make_cron(sqlite_app.config).get_jobs()}
    trigger = outbox.job_path(schedules.trigger)
    assert len(jobs) == 8, sorted(jobs)
    assert jobs[(outbox.job_path(outbox.relay), ())].interval == sqlite_app.config["RELAY_INTERVAL"]
    assert jobs[(outbox.job_path(sweep.sweep_stuck), ())].interval == sqlite_app.config["SWEEP_INTERVAL"]
    assert jobs[(trigger, ("refresh",))].cron == "0 3 * * *"
    assert jobs[(trigger, ("edition",))].cron == "0 3 1 1 *"
    with second.app_context():
        db.engine.dispose()


def test_due_period_reads_cron_in_the_configured_zone():
    now = datetime(2027, 1, 1, 5, 0, tzinfo=UTC)  # midnight in New York
    assert schedules.due_period("0 3 1 1 *", now, "UTC") == datetime(2027, 1, 1, 3, 0, tzinfo=UTC)
    assert schedules.due_period("0 3 1 1 *", now, "America/New_York") == datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    assert schedules.due_period("0 3 * * *", datetime(2026, 11, 28, 3, 0, 20, tzinfo=UTC), "UTC") == \
        datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def outbox_ids(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage.job_id).order_by(OutboxMessage.id)))


def test_catch_up_runs_what_was_missed_once(sample_app):
    with time_machine.travel(datetime(2026, 11, 28, 10, 0, tzinfo=UTC), tick=False):
        with sample_app.app_context():
            caught = schedules.catch_up()
            assert schedules.catch_up() == []  # a second start finds them queued already
        assert caught == ["refresh-20261128T0300", "edition-20260101T0300"]
        run_jobs(sample_app)
        with sample_app.app_context():
            assert editions.current_year() == 2026
            runs = {r.name: r.outcome for r in db.session.scalars(select(ScheduleRun))}
            assert runs["refresh"].startswith("no feed configured")
            assert runs["edition"].startswith("published Remote Salary Guide 2026")
            assert schedules.catch_up() == []  # done: nothing to catch up

    with time_machine.travel(datetime(2027, 1, 1, 3, 0, 30, tzinfo=UTC), tick=False):
        with sample_app.app_context():
            assert schedules.catch_up() == ["refresh-20270101T0300", "edition-20270101T0300"]
        run_jobs(sample_app)
        with sample_app.app_context():
            status = dict(db.session.execute(select(Edition.year, Edition.status)).all())
            assert status == {2026: EditionStatus.ARCHIVED, 2027: EditionStatus.PUBLISHED}


def test_two_triggers_for_one_period_run_once(sample_app):
    with time_machine.travel(datetime(2027, 1, 1, 3, 0, 5, tzinfo=UTC), tick=False):
        with sample_app.app_context():
            assert schedules.trigger("edition") is True
            assert schedules.trigger("edition") is False
        assert outbox_ids(sample_app) == ["edition-20270101T0300"]
        with sample_app.app_context():
            period = datetime(2027, 1, 1, 3, 0, tzinfo=UTC).isoformat()
            assert schedules.run_once("edition", period, lambda p: "first") == "first"
            assert schedules.run_once("edition", period, lambda p: "second") == "already ran"


def test_a_failed_run_gives_its_period_back(sample_app):
    period = datetime(2026, 11, 28, 3, 0, tzinfo=UTC).isoformat()

    def broken(_period):
        raise RuntimeError("feed down")

    with sample_app.app_context():
        try:
            schedules.run_once("refresh", period, broken)
        except RuntimeError:
            pass
        assert db.session.scalar(select(func.count()).select_from(ScheduleRun)) == 0
        assert schedules.run_once("refresh", period, lambda p: "retried") == "retried"


def test_daily_refresh_imports_the_feed_and_renders_the_edition_ahead(sample_database_url, redis_server, tmp_path):
    import redis

    redis.Redis.from_url(redis_server.url).flushall()  # the job ids repeat across the engines' runs
    feed = write(tmp_path / "feed.csv", [listing(str(i), posted_at="2024-06-01") for i in range(30)])
    app = make_app(sample_database_url, redis_server.url, tmp_path / "instance", FEED_URL=str(feed))
    with time_machine.travel(datetime(2026, 11, 29, 3, 0, 1, tzinfo=UTC), tick=False):
        with app.app_context():
            before = editions.ready_pdf(2026)
            assert schedules.trigger("refresh")
        run_jobs(app)
        with app.app_context():
            outcome = db.session.scalars(select(ScheduleRun.outcome)).one()
            assert "imported 30" in outcome and "edition 2026 rendered" in outcome
            assert before is None and editions.ready_pdf(2026) is not None
        with app.app_context():
            db.engine.dispose()
