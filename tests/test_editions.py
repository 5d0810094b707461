"""Editions rendered ahead: publishing, the content key, instant delivery, and renders that fail."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select

import pdf
from service import storage
from service.extensions import db
from service.guide import editions, rendering
from service.models import Edition, EditionStatus, GuideRequest, OutboxMessage, RenderedPdf, RequestStatus
from tests.conftest import csrf_token, make_app, run_jobs
from tests.services import RedisServer

PERSONAL = {"role": "Data Scientist", "seniority": "senior", "salary": "90000", "currency": "EUR", "city": "lisbon"}


def invoke(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def signup(client, **fields):
    return client.post("/guide", data={"csrf_token": csrf_token(client.get("/").text), **fields})


def pdf_of(app, token: str) -> PdfReader:
    response = app.test_client().get(f"/guide/{token}/download")
    assert response.status_code == 200
    data = response.data
    response.close()
    return PdfReader(io.BytesIO(data))


def test_render_then_publish_records_the_edition(sample_app):
    output = invoke(sample_app, "guide", "render", "--year", "2026")
    assert "Remote Salary Guide 2026: draft" in output
    with sample_app.app_context():
        edition = db.session.scalars(select(Edition)).one()
        assert edition.status == EditionStatus.DRAFT and edition.template_version == pdf.TEMPLATE_VERSION
        assert edition.snapshot_id is not None and edition.page_count >= 8
        path = storage.store().path_for(edition.pdf_sha256)
        assert path.stat().st_size == edition.pdf_size
        assert editions.current_year() == 2026  # nothing published: the configured year
    invoke(sample_app, "guide", "publish", "--year", "2026")
    invoke(sample_app, "guide", "publish", "--year", "2027")
    with sample_app.app_context():
        status = dict(db.session.execute(select(Edition.year, Edition.status)).all())
        assert status == {2026: EditionStatus.ARCHIVED, 2027: EditionStatus.PUBLISHED}
        assert editions.current_year() == 2027
        # per year: the edition and the personal base that personal guides are merged from
        assert db.session.scalar(select(func.count()).select_from(RenderedPdf)) == 4
        assert editions.ready_pdf(2027, rendering.PERSONAL_BASE) is not None


def test_the_content_key_changes_with_each_input():
    base = rendering.content_key("t1", 1, 2026, None)
    assert base == rendering.content_key("t1", 1, 2026, None)
    others = [rendering.content_key("t2", 1, 2026, None), rendering.content_key("t1", 2, 2026, None),
              rendering.content_key("t1", 1, 2027, None), rendering.content_key("t1", 1, 2026, PERSONAL)]
    assert len({base, *others}) == 5


def test_a_stored_pdf_is_reused_not_rendered_again(sample_app):
    with sample_app.app_context():
        first = rendering.ensure_pdf(2026, None)
        again = rendering.ensure_pdf(2026, None)
        assert (again.id, again.render_ms, again.sha256) == (first.id, first.render_ms, first.sha256)
        storage.store().path_for(first.sha256).unlink()  # a lost file is rendered again under the same key
        restored = rendering.ensure_pdf(2026, None)
        assert restored.id == first.id and storage.store().exists(restored.sha256)


def test_a_plain_request_is_ready_when_the_post_commits_even_with_redis_down(sample_database_url, tmp_path):
    redis = RedisServer(tmp_path)
    redis.start()
    app = make_app(sample_database_url, redis.url, tmp_path / "instance")
    invoke(app, "guide", "publish", "--year", "2026")
    client = app.test_client()
    form_page = client.get("/").text
    redis.stop()
    response = client.post("/guide", data={"csrf_token": csrf_token(form_page), "email": "now@example.com"})
    assert response.status_code == 303
    token = response.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/guide/{token}/status").json["status"] == "ready"  # the first answer
    assert pdf_of(app, token).metadata.title == "Remote Salary Guide 2026"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.job.like("%render_guide"))) == 0
        db.session.remove()  # return the session's connection before the pool is disposed, or it leaks
        db.engine.dispose()


def test_links_to_an_older_edition_keep_working(sample_app):
    invoke(sample_app, "guide", "publish", "--year", "2026")
    client = sample_app.test_client()
    old = signup(client, email="early@example.com").headers["Location"].rsplit("/", 1)[1]
    invoke(sample_app, "guide", "publish", "--year", "2027")
    new = signup(client, email="late@example.com").headers["Location"].rsplit("/", 1)[1]
    assert pdf_of(sample_app, old).metadata.title == "Remote Salary Guide 2026"
    assert pdf_of(sample_app, new).metadata.title == "Remote Salary Guide 2027"
    assert "Remote Salary Guide 2027" in client.get("/").text


def test_a_personal_request_goes_through_the_queue(sample_app):
    invoke(sample_app, "guide", "publish", "--year", "2026")
    response = signup(sample_app.test_client(), email="me@example.com", **PERSONAL)
    token = response.headers["Location"].rsplit("/", 1)[1]
    with sample_app.app_context():
        assert db.session.scalars(select(GuideRequest)).one().status == RequestStatus.QUEUED
    run_jobs(sample_app)
    reader = pdf_of(sample_app, token)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Lisbon" in text and "Data Scientist" in text and "90,000" in text
    with sample_app.app_context():  # merged into the stored personal base: its pages, no new full render
        assert len(reader.pages) == editions.ready_pdf(2026, rendering.PERSONAL_BASE).page_count
        assert db.session.scalar(select(func.count()).select_from(RenderedPdf)) == 3


def test_the_first_render_of_the_edition_serves_every_plain_request_waiting_for_it(sample_app):
    # No edition is stored yet (a cold start): plain signups queue, like a personal one.
    client = sample_app.test_client()
    tokens = [signup(client, email=f"cold-{n}@example.com").headers["Location"].rsplit("/", 1)[1] for n in range(3)]
    signup(client, email="mine@example.com", **PERSONAL)
    with sample_app.app_context():
        requests = db.session.scalars(select(GuideRequest).order_by(GuideRequest.id)).all()
        assert [r.status for r in requests] == [RequestStatus.QUEUED] * 4
        first, personal = requests[0].id, requests[3].id
        assert rendering.fulfil(first) == "ready, with 2 more waiting for the same PDF"
        db.session.expire_all()
        after = {r.id: r for r in db.session.scalars(select(GuideRequest))}
        assert [after[r.id].status for r in requests[:3]] == [RequestStatus.READY] * 3
        assert len({after[r.id].pdf_sha256 for r in requests[:3]}) == 1
        assert after[personal].status == RequestStatus.QUEUED  # its own page is still to be made
        assert rendering.fulfil(requests[1].id) == "already ready"  # its own job, when it comes, has nothing to do
    assert pdf_of(sample_app, tokens[2]).metadata.title == "Remote Salary Guide 2026"


def test_a_render_past_its_time_limit_fails_and_offers_the_edition(sample_database_url, redis_server, tmp_path,
                                                                     monkeypatch):
    import time

    import redis as redis_client

    from workers.worker import make_worker

    redis_client.Redis.from_url(redis_server.url).flushall()
    app = make_app(sample_database_url, redis_server.url, tmp_path / "instance", RENDER_TIMEOUT=1,
                   JOB_MAX_ATTEMPTS=1)  # the last attempt: this is about the limit, retries have their own test
    invoke(app, "guide", "publish", "--year", "2026")
    token = signup(app.test_client(), email="slow@example.com", **PERSONAL).headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        worker = make_worker(("render",))  # warmed up first, as in production

        real_render = pdf.render_personal_insert

        def hanging_render(context):
            # A stand-in for a render that hangs: a real personal insert takes about 0.2 s here, well under
            # RQ's smallest time limit (1 s). It swallows `Exception` as WeasyPrint does around SVG images,
            # where RQ's own timeout exception was lost. The limit, the forked horse and the failure are real.
            try:
                time.sleep(30)
            except Exception:
                pass
            return real_render(context)  # had the limit been swallowed, the guide would come out fine

        monkeypatch.setattr(pdf, "render_personal_insert", hanging_render)
        started = time.monotonic()
        worker.work(burst=True)  # a real forked work horse, killed at the limit
        assert time.monotonic() - started < 20
        guide = db.session.scalars(select(GuideRequest)).one()
        assert guide.status == RequestStatus.FAILED
        assert "personal page could not be prepared" in guide.error
        edition = db.session.scalars(select(Edition)).one()
        assert guide.pdf_sha256 == edition.pdf_sha256
    status = app.test_client().get(f"/guide/{token}/status").json
    assert status["status"] == "failed" and status["download_url"]
    with app.app_context():
        db.engine.dispose()


def test_the_warm_worker_parses_the_personal_base_once_and_every_personal_render_uses_it(sample_app):
    """prime() (the worker's parent, before it forks a render) reads and parses the edition's personal base;
    the render jobs after it merge into that parse instead of reading and parsing 1.4 MB each."""
    from workers import worker

    invoke(sample_app, "guide", "publish", "--year", "2026")
    client = sample_app.test_client()
    for salary in ("80000", "95000"):
        signup(client, email=f"reader-{salary}@example.com", **{**PERSONAL, "salary": salary})
    rendering._parsed_base.cache_clear()
    with sample_app.app_context():
        worker.prime()
        assert rendering._parsed_base.cache_info().currsize == 1
        base = editions.ready_pdf(2026, rendering.PERSONAL_BASE)
        for guide in db.session.scalars(select(GuideRequest).order_by(GuideRequest.id)).all():
            assert rendering.fulfil(guide.id) == "ready"
        info = rendering._parsed_base.cache_info()
        assert (info.misses, info.hits) == (1, 2)  # parsed once, by prime(); each render found it
        guides = db.session.scalars(select(GuideRequest)).all()
        assert len({guide.pdf_sha256 for guide in guides} | {base.sha256}) == 3  # two guides of their own
