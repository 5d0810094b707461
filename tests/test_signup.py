"""POST /guide: one transaction, the same answer for every address, and no 500 for any bad input."""

from __future__ import annotations

import re

import pytest
import redis
from rq import Queue
from sqlalchemy import func, select

from service.extensions import db
from service.models import ConsentEvent, ConsentKind, GuideRequest, OutboxMessage, Subscriber, SubscriberStatus
from service.newsletter.consent import text_hash
from service.newsletter.wording import NEWSLETTER_TEXT
from tests.conftest import csrf_token, make_app

TABLES = (Subscriber, ConsentEvent, GuideRequest, OutboxMessage)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {t.__tablename__: db.session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def post(client, **fields):
    token = csrf_token(client.get("/").text)
    return client.post("/guide", data={"csrf_token": token, **fields})


def test_landing_page_has_the_form(client):
    page = client.get("/").text
    assert 'name="email"' in page and 'name="newsletter"' in page and 'name="csrf_token"' in page
    assert "Remote Salary Guide 2026" in page
    # The newsletter box starts unchecked: consent is never pre-ticked.
    assert re.search(r'<input type="checkbox" name="newsletter" value="y"\s*>', page)


def test_signup_writes_everything_in_one_go_and_enqueues(app, client):
    response = post(client, email="  Ada.Lovelace@Example.COM ")
    assert response.status_code == 303
    token = re.fullmatch(r"/guide/([A-Za-z0-9_-]{32})", response.headers["Location"]).group(1)
    with app.app_context():
        subscriber = db.session.scalars(select(Subscriber)).one()
        assert subscriber.email == "ada.lovelace@example.com"
        assert subscriber.status == SubscriberStatus.GUIDE_ONLY
        assert [c.kind for c in subscriber.consents] == [ConsentKind.GUIDE_DELIVERY]
        request = db.session.scalars(select(GuideRequest)).one()
        assert request.token == token and request.subscriber_id == subscriber.id
        outbox = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [m.job_id for m in outbox] == [f"render-{request.id}", f"email-delivery-{request.id}"]
        assert all(m.dispatched_at is not None for m in outbox)
    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    assert Queue("render", connection=connection).job_ids == [f"render-{request.id}"]
    assert Queue("email", connection=connection).job_ids == [f"email-delivery-{request.id}"]


def test_newsletter_opt_in_is_recorded_with_the_wording_hash(app, client):
    post(client, email="grace@example.com", newsletter="y", utm_source="twitter", utm_campaign="launch")
    with app.app_context():
        subscriber = db.session.scalars(select(Subscriber)).one()
        assert subscriber.status == SubscriberStatus.PENDING
        opt_in = subscriber.consents[1]
        assert opt_in.kind == ConsentKind.NEWSLETTER_OPT_IN
        assert opt_in.consent_text_hash == text_hash(NEWSLETTER_TEXT.format(brand="RemNavi"))
        assert (opt_in.utm_source, opt_in.utm_medium, opt_in.utm_campaign) == ("twitter", None, "launch")
        assert opt_in.form_version and opt_in.ip == "127.0.0.1"


def test_known_address_gets_the_same_answer(app, client):
    first = post(client, email="ada@example.com")
    second = post(client, email="ADA@example.com")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] != second.headers["Location"]
    assert sorted(first.headers.keys()) == sorted(second.headers.keys())
    assert counts(app)["subscribers"] == 1 and counts(app)["guide_requests"] == 2


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Please enter your email address."),
        ("not-an-address", "doesn&#39;t look right"),
        ("a@b", "doesn&#39;t look right"),
        ("x" * 250 + "@example.com", "too long"),
        ("ada@example.com\r\nBcc: victim@example.com", "doesn&#39;t look right"),
    ],
)
def test_bad_email_gets_a_message_and_writes_nothing(app, client, email, message):
    response = post(client, email=email)
    assert response.status_code == 422
    assert message in response.text
    assert counts(app) == dict.fromkeys(counts(app), 0)


def test_missing_csrf_token_is_a_clear_400(app, client):
    response = client.post("/guide", data={"email": "ada@example.com"})
    assert response.status_code == 400
    assert "Your form expired" in response.text
    assert counts(app)["subscribers"] == 0


def test_wrong_content_type_is_refused(app, client):
    response = client.post("/guide", json={"email": "ada@example.com"})
    assert 400 <= response.status_code < 500
    assert counts(app)["subscribers"] == 0


def test_oversized_body_is_a_413(app, client):
    response = post(client, email="ada@example.com", referrer="x" * 20000)
    assert response.status_code == 413
    assert counts(app)["subscribers"] == 0


def test_honeypot_gets_the_ordinary_answer_and_writes_nothing(app, client):
    response = post(client, email="bot@example.com", website="http://spam.example")
    assert response.status_code == 303
    assert re.fullmatch(r"/guide/[A-Za-z0-9_-]{32}", response.headers["Location"])
    assert counts(app) == dict.fromkeys(counts(app), 0)


def test_signups_are_rate_limited_per_ip(redis_server, sqlite_template, tmp_path):
    import shutil

    shutil.copyfile(sqlite_template, tmp_path / "db.sqlite")
    redis.Redis.from_url(redis_server.url).flushall()
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", redis_server.url, tmp_path, SIGNUP_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert [post(client, email=f"p{i}@example.com").status_code for i in range(2)] == [303, 303]
    limited = post(client, email="p3@example.com")
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert "Too many requests" in limited.text
    other_ip = client.post("/guide", environ_base={"REMOTE_ADDR": "10.0.0.9"},
                           data={"csrf_token": csrf_token(client.get("/").text), "email": "q@example.com"})
    assert other_ip.status_code == 303


@pytest.mark.parametrize("path", ["/guide/nope", "/guide/" + "A" * 32, "/guide/../../etc/passwd",
                                  "/guide/" + "A" * 32 + "/status", "/guide/%00%01/download"])
def test_unknown_or_malformed_tokens_are_404_pages(client, path):
    response = client.get(path)
    assert response.status_code == 404


PERSONAL_FIELDS = {"role": "Data Scientist", "seniority": "senior", "currency": "EUR", "city": "lisbon"}


def test_a_monthly_salary_is_kept_as_monthly(app, client):
    response = post(client, email="m@example.com", salary="6500", period="month", **PERSONAL_FIELDS)
    assert response.status_code == 303
    with app.app_context():
        personal = db.session.scalars(select(GuideRequest)).one().personal
    assert (personal["salary"], personal["period"]) == (6500.0, "month")


@pytest.mark.parametrize(("salary", "period", "words"), [
    ("6500", "year", "looks like a salary per month"),
    ("90000", "month", "looks like a salary per year"),
])
def test_an_amount_implausible_for_its_period_is_questioned(app, client, salary, period, words):
    response = post(client, email="q@example.com", salary=salary, period=period, **PERSONAL_FIELDS)
    assert response.status_code == 422 and words in response.text
    assert 'name="salary_confirmed"' in response.text
    assert counts(app)["guide_requests"] == 0
    confirmed = post(client, email="q@example.com", salary=salary, period=period, salary_confirmed="y",
                     **PERSONAL_FIELDS)
    assert confirmed.status_code == 303 and counts(app)["guide_requests"] == 1


def test_the_form_asks_for_the_period_defaulting_to_a_year(client):
    page = client.get("/").text
    assert '<select id="period" name="period">' in page
    assert '<option selected value="year">per year</option>' in page and 'value="month"' in page
