"""The delivery email through a real SMTP server: its headers, bodies and link; sent once; capped; never injected."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from service import storage
from service.extensions import db, rq
from service.mail import sending, sink
from service.models import ConsentEvent, EmailStatus, GuideRequest, RequestStatus, SentEmail, Subscriber
from tests.conftest import csrf_token
from tests.mailbox import bodies, link, path_of, run_email_jobs
from tests.services import free_port

PDF = b"%PDF-1.4\n% a stand-in for the guide\n%%EOF\n"
FORM = "application/x-www-form-urlencoded"


def sign_up(client, email="ada@example.com", **fields):
    token = csrf_token(client.get("/").text)
    return client.post("/guide", data={"csrf_token": token, "email": email, **fields})


def make_ready(app) -> None:
    """Mark every request ready with a stored stand-in PDF (the render pipeline is tested elsewhere)."""
    with app.app_context():
        sha256 = storage.store().put(PDF)
        db.session.execute(update(GuideRequest).values(status=RequestStatus.READY, pdf_sha256=sha256))
        db.session.commit()


def emails(app) -> list[SentEmail]:
    with app.app_context():
        rows = db.session.scalars(select(SentEmail).order_by(SentEmail.id)).all()
        db.session.expunge_all()
        return list(rows)


def test_delivery_email_headers_bodies_and_link(app, client, mailbox):
    sign_up(client, email="Ada@Example.com")
    make_ready(app)
    run_email_jobs(app)

    [envelope] = mailbox.envelopes()
    assert envelope.mail_from == "guide@remnavi.example" and envelope.rcpt_tos == ("ada@example.com",)
    [message] = mailbox.messages()
    assert message["From"].addresses == (Address("RemNavi", "guide", "remnavi.example"),)
    assert message["To"].addresses == (Address("", "ada", "example.com"),)
    assert message["Subject"] == "Your Remote Salary Guide 2026"
    assert message["Date"].datetime.tzinfo is not None
    assert re.fullmatch(r"<[0-9a-f]{32}@remnavi\.example>", message["Message-ID"])
    assert message["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in message and "Cc" not in message and "Bcc" not in message
    text, html = bodies(message)
    url = link(message, "/d/")
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/d/[\w.-]+", url)
    assert "30 days" in text and "30 days" in html

    response = app.test_client().get(path_of(url))  # a new browser: no cookies
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == PDF and "attachment" in response.headers["Content-Disposition"]
    response.close()
    with app.app_context():
        assert db.session.scalars(select(SentEmail)).one().status == EmailStatus.SENT


def test_the_link_leads_to_the_progress_page_until_the_guide_is_ready(app, client, mailbox):
    sign_up(client)
    run_email_jobs(app)
    url = link(mailbox.messages()[0], "/d/")
    response = app.test_client().get(path_of(url))
    with app.app_context():
        token = db.session.scalars(select(GuideRequest.token)).one()
    assert response.status_code == 303 and response.headers["Location"] == f"/guide/{token}"


def test_links_use_the_public_url_never_the_request_host(app, client, mailbox):
    app.config["PUBLIC_URL"] = "https://guide.remnavi.example/salaries"
    spoofed = {"Host": "evil.example"}
    token = csrf_token(client.get("/", headers=spoofed).text)
    response = client.post("/guide", data={"csrf_token": token, "email": "ada@example.com"}, headers=spoofed)
    assert response.status_code == 303
    run_email_jobs(app)
    url = link(mailbox.messages()[0], "/d/")
    assert url.startswith("https://guide.remnavi.example/salaries/d/")


def test_the_same_delivery_job_run_twice_sends_once(app, client, mailbox):
    sign_up(client)
    [row] = emails(app)
    # A duplicate job for the same message, as a retry or a second relay would make.
    with app.app_context():
        rq.get_queue("email").enqueue(sending.deliver, row.id, job_id="a-duplicate")
    run_email_jobs(app)
    with app.app_context():
        assert sending.deliver(row.id) == "not claimed"
    assert len(mailbox.envelopes()) == 1
    [row] = emails(app)
    assert row.status == EmailStatus.SENT and row.attempts == 1 and row.key == f"delivery-{row.guide_request_id}"


def test_a_failed_send_is_retried_later_and_sent_once(app, client, mailbox):
    app.config["JOB_MAX_ATTEMPTS"] = 1  # no retry by RQ: this is the sweep's path
    working = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # nothing listens: connection refused
    sign_up(client)
    run_email_jobs(app)
    [row] = emails(app)
    assert row.status == EmailStatus.PENDING and row.attempts == 1 and "ConnectionRefused" in row.error
    with app.app_context():
        assert len(rq.get_queue("email").failed_job_registry) == 1  # the job raised, as a failure should

    app.config["SMTP_URL"] = working
    with app.app_context():
        assert sending.retry_stalled() == 0  # too soon
        _age(SentEmail.updated_at, seconds=app.config["EMAIL_RETRY_AFTER"] + 1)
        assert sending.retry_stalled() == 1
        assert sending.retry_stalled() == 1  # the same retry job is not queued twice
        assert len(rq.get_queue("email")) == 1
    run_email_jobs(app)
    assert len(mailbox.envelopes()) == 1
    assert emails(app)[0].status == EmailStatus.SENT


def test_a_send_interrupted_mid_way_is_taken_over_only_after_the_retry_time(app, client, mailbox):
    sign_up(client)
    with app.app_context():
        db.session.execute(update(SentEmail).values(status=EmailStatus.SENDING, claimed_at=datetime.now(UTC)))
        db.session.commit()
        email_id = db.session.scalars(select(SentEmail.id)).one()
        assert sending.deliver(email_id) == "not claimed"  # another worker may still be sending it
        _age(SentEmail.claimed_at, seconds=app.config["EMAIL_RETRY_AFTER"] + 1)
        assert sending.deliver(email_id) == "sent"
    assert len(mailbox.envelopes()) == 1


def test_a_message_out_of_attempts_is_marked_failed(app, client):
    sign_up(client)
    app.config["EMAIL_MAX_ATTEMPTS"] = 1
    run_email_jobs(app)  # SMTP_URL points nowhere
    [row] = emails(app)
    assert row.status == EmailStatus.FAILED and row.attempts == 1


def test_delivery_emails_are_capped_per_address_per_day(app, client, mailbox):
    answers = [sign_up(client, email="ada@example.com") for _ in range(4)]
    assert [a.status_code for a in answers] == [303] * 4
    assert all(re.fullmatch(r"/guide/[\w-]{32}", a.headers["Location"]) for a in answers)
    assert client.get(answers[-1].headers["Location"]).status_code == 200  # still answered as usual
    run_email_jobs(app)
    assert len(mailbox.envelopes()) == 3
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GuideRequest)) == 4
        _age(SentEmail.created_at, seconds=86400 + 1)  # a day later the address may have another
    sign_up(client, email="ada@example.com")
    run_email_jobs(app)
    assert len(mailbox.envelopes()) == 4


def test_the_cap_is_configurable(app, client, mailbox):
    app.config["DELIVERY_EMAILS_PER_DAY"] = 1
    sign_up(client)
    sign_up(client)
    sign_up(client, email="grace@example.com")  # per address, not global
    run_email_jobs(app)
    assert sorted(e.rcpt_tos for e in mailbox.envelopes()) == [("ada@example.com",), ("grace@example.com",)]


@pytest.mark.parametrize(
    "email",
    [
        "ada@example.com\r\nBcc: victim@example.com",
        "ada@example.com\nTo: victim@example.com",
        "=?utf-8?q?victim=40evil.example?=@example.com",
        "ada%0d%0abcc:victim@example.com",
        "x" * 250 + "@example.com",
        "ada@example.com, victim@example.com",
    ],
)
def test_header_injection_in_the_address_is_refused_at_the_form(app, client, mailbox, email):
    response = sign_up(client, email=email)
    assert response.status_code == 422
    run_email_jobs(app)
    assert mailbox.envelopes() == [] and emails(app) == []


MULTIPART = "multipart/form-data; boundary=XX"


def _multipart(token: str, email: bytes) -> bytes:
    part = b'--XX\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
    return part % (b"csrf_token", token.encode()) + part % (b"email", email) + b"--XX--\r\n"


@pytest.mark.parametrize("kind", ["raw bytes in a urlencoded body", "raw bytes in a multipart body"])
def test_invalid_utf8_is_refused_at_the_form(app, client, mailbox, kind):
    token = csrf_token(client.get("/").text)
    if kind.endswith("urlencoded body"):
        body, content_type = b"csrf_token=" + token.encode() + b"&email=ad\xff\xfea@example.com", FORM
    else:
        body, content_type = _multipart(token, b"ad\xff\xfea@example.com"), MULTIPART
    response = client.post("/guide", data=body, content_type=content_type)
    assert response.status_code in (400, 422)  # the form refuses it (or, undecodable, loses its CSRF token)
    assert emails(app) == []


def test_percent_encoded_bad_bytes_stay_harmless_ascii(app, client, mailbox):
    token = csrf_token(client.get("/").text)
    body = b"csrf_token=" + token.encode() + b"&email=ad%FF%FEa@example.com"
    assert client.post("/guide", data=body, content_type=FORM).status_code == 303
    run_email_jobs(app)
    assert [e.rcpt_tos for e in mailbox.envelopes()] == [("ad%ff%fea@example.com",)]


def test_other_fields_are_neutralised_and_add_no_header(app, client, mailbox):
    hostile = "launch\r\nBcc: victim@example.com\x00\u2028=?utf-8?b?QmNjOiB2aWN0aW0=?="
    sign_up(client, utm_source=hostile, utm_campaign="ok", referrer="javascript:alert(1)",
            newsletter="y")
    run_email_jobs(app)
    assert {e.rcpt_tos for e in mailbox.envelopes()} == {("ada@example.com",)}
    for message in mailbox.messages():
        assert sorted(message.keys()) == sorted(
            ["From", "To", "Reply-To", "Subject", "Date", "Message-ID", "Auto-Submitted", "Content-Type",
             "MIME-Version"]
        )
        assert "victim" not in message.as_string()
    with app.app_context():
        event = db.session.scalars(select(ConsentEvent)).first()
        assert event.utm_source == "launchBcc: victim@example.com=?utf-8?b?QmNjOiB2aWN0aW0=?="
        assert "\r" not in event.utm_source and "\n" not in event.utm_source
        assert event.referrer is None


@pytest.mark.parametrize(
    "address",
    [
        "ada@example.com\r\nBcc: victim@example.com",
        "=?utf-8?q?victim=40evil.example?=@example.com",
        "ad\ufffd@example.com",
        "ada@example.com,victim@example.com",
    ],
)
def test_an_unsafe_address_in_the_database_is_never_sent_to(app, client, mailbox, address):
    sign_up(client)
    with app.app_context():  # as if written by an older form, an import or by hand
        db.session.execute(update(Subscriber).values(email=address))
        db.session.commit()
    run_email_jobs(app)
    assert mailbox.envelopes() == []
    [row] = emails(app)
    assert row.status == EmailStatus.FAILED and "refused recipient address" in row.error


def test_an_international_address_is_sent_with_smtputf8(app, client, mailbox):
    sign_up(client, email="müller@bücher.example")
    run_email_jobs(app)
    [envelope] = mailbox.envelopes()
    assert envelope.rcpt_tos == ("müller@bücher.example",)  # SMTPUTF8 carries the domain as it is
    assert mailbox.messages()[0]["To"].addresses[0].username == "müller"


class RefusingStore(sink.EmlStore):
    """A mail server that knows no such user."""

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        return "550 5.1.1 no such user here"


def test_a_refused_recipient_is_marked_failed_not_retried(app, client, tmp_path):
    sign_up(client)
    controller = Controller(RefusingStore(tmp_path), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
        run_email_jobs(app)
    finally:
        controller.stop()
    [row] = emails(app)
    assert row.status == EmailStatus.FAILED and "550" in row.error and row.attempts == 1
    with app.app_context():
        assert len(rq.get_queue("email").failed_job_registry) == 0  # a decision, not a crash


def _age(column, seconds: int) -> None:
    """Move a timestamp column of every sent_emails row into the past."""
    db.session.execute(update(SentEmail).values({column.key: datetime.now(UTC) - timedelta(seconds=seconds)}))
    db.session.commit()


def test_smtp_sessions_see_exactly_one_recipient(app, client, mailbox):
    sign_up(client, newsletter="y")
    run_email_jobs(app)
    assert [e.rcpt_tos for e in mailbox.envelopes()] == [("ada@example.com",)] * 2
