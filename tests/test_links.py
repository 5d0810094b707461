"""Signed links: one purpose each, tamper-proof, expiring; the expired download link offers a fresh one."""

from __future__ import annotations

import itertools

import pytest
import time_machine
from sqlalchemy import select, update

from service import links, storage
from service.extensions import db
from service.models import GuideRequest, RequestStatus, SentEmail
from tests.conftest import csrf_token
from tests.mailbox import link, path_of, run_email_jobs

DAY = 86400
PURPOSES = sorted(links.MAX_AGE)


def sign_up(client, email="ada@example.com", **fields):
    token = csrf_token(client.get("/").text)
    return client.post("/guide", data={"csrf_token": token, "email": email, **fields})


@pytest.mark.parametrize(("made_for", "used_for"), list(itertools.permutations(PURPOSES, 2)))
def test_a_token_fails_for_any_other_purpose(sqlite_app, made_for, used_for):
    with sqlite_app.app_context():
        token = links.sign(made_for, ["subscriber-uuid", 1])
        assert links.load(made_for, token) == ["subscriber-uuid", 1]
        with pytest.raises(links.BadLink) as caught:
            links.load(used_for, token)
        assert not isinstance(caught.value, links.ExpiredLink)


@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_tampered_token_fails(sqlite_app, purpose):
    with sqlite_app.app_context():
        token = links.sign(purpose, 41)
        rest = token.partition(".")[2]
        forged = links._serializer(purpose).dump_payload(42).decode() + "." + rest  # another payload, old signature
        # Flip the signature's first character: its last one carries base64 padding bits, which may not count.
        head, _, signature = token.rpartition(".")
        flipped = head + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
        for bad in (forged, flipped, token[:-3], "", "x" * 1000, token + "."):
            with pytest.raises(links.BadLink):
                links.load(purpose, bad)


def test_a_token_from_another_secret_fails(sqlite_app):
    with sqlite_app.app_context():
        token = links.sign("download", 1)
        sqlite_app.config["SECRET_KEY"] = "another-secret"
        with pytest.raises(links.BadLink):
            links.load("download", token)


@pytest.mark.parametrize(("purpose", "days"), [("download", 30), ("confirm", 7), ("unsubscribe", 730)])
def test_tokens_expire_after_their_configured_age(sqlite_app, purpose, days):
    with sqlite_app.app_context(), time_machine.travel("2026-01-01 12:00:00Z", tick=False) as clock:
        token = links.sign(purpose, 1)
        clock.shift(days * DAY - 60)
        assert links.load(purpose, token) == 1
        clock.shift(120)
        with pytest.raises(links.ExpiredLink):
            links.load(purpose, token)
        assert links.load(purpose, token, enforce_age=False) == 1  # still genuine


def test_unsubscribe_links_last_at_least_a_year_by_configuration(sqlite_app):
    from service import create_app

    with pytest.raises(RuntimeError, match="at least a year"):
        create_app({"TESTING": True, "INSTANCE_PATH": sqlite_app.instance_path, "UNSUBSCRIBE_LINK_MAX_AGE": 300 * DAY})


def test_routes_refuse_tokens_made_for_another_purpose(sqlite_app):
    client = sqlite_app.test_client()
    with sqlite_app.app_context():
        download, confirm = links.sign("download", 1), links.sign("confirm", ["x", 1])
        unsubscribe = links.sign("unsubscribe", "x")
    assert client.get(f"/d/{confirm}").status_code == 404
    assert client.get(f"/d/{unsubscribe}").status_code == 404
    assert client.get(f"/newsletter/confirm/{download}").status_code == 404
    assert client.post(f"/newsletter/confirm/{unsubscribe}").status_code == 404
    assert client.get(f"/newsletter/unsubscribe/{confirm}").status_code == 404
    assert client.post(f"/newsletter/unsubscribe/{download}").status_code == 404
    assert client.post(f"/newsletter/resubscribe/{confirm}").status_code == 404


def test_an_expired_download_link_offers_a_fresh_one_by_email(app, client, mailbox):
    with time_machine.travel("2026-03-01 09:00:00Z", tick=True) as clock:
        sign_up(client)
        run_email_jobs(app)
        old = path_of(link(mailbox.messages()[0], "/d/"))
        clock.shift(31 * DAY)
        visitor = app.test_client()
        page = visitor.get(old)
        assert page.status_code == 410
        assert "This download link has expired" in page.text and 'action="/d/fresh"' in page.text

        answer = visitor.post("/d/fresh", data={"csrf_token": csrf_token(page.text), "email": "ADA@example.com"})
        assert answer.status_code == 303 and answer.headers["Location"] == "/d/fresh/sent"
        assert "Check your inbox" in visitor.get("/d/fresh/sent").text
        run_email_jobs(app)
        assert len(mailbox.envelopes()) == 2
        fresh = path_of(link(mailbox.messages()[1], "/d/"))
        assert fresh != old
        _make_ready(app)
        response = visitor.get(fresh)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        response.close()


def test_the_fresh_link_form_answers_the_same_for_every_address(app, client, mailbox):
    sign_up(client, email="known@example.com")
    run_email_jobs(app)
    mailbox.clear()
    answers = []
    for email in ("known@example.com", "stranger@example.com"):
        visitor = app.test_client()
        token = csrf_token(visitor.get("/d/fresh").text)
        response = visitor.post("/d/fresh", data={"csrf_token": token, "email": email})
        answers.append((response.status_code, response.headers["Location"], sorted(response.headers.keys()),
                        visitor.get(response.headers["Location"]).text))
    assert answers[0] == answers[1]
    run_email_jobs(app)
    assert [e.rcpt_tos for e in mailbox.envelopes()] == [("known@example.com",)]


def test_fresh_links_respect_the_daily_cap(app, client, mailbox):
    sign_up(client)
    for _ in range(3):
        visitor = app.test_client()
        token = csrf_token(visitor.get("/d/fresh").text)
        assert visitor.post("/d/fresh", data={"csrf_token": token, "email": "ada@example.com"}).status_code == 303
    run_email_jobs(app)
    assert len(mailbox.envelopes()) == 3  # the signup's and two fresh links; the third ask hit the cap
    with app.app_context():
        assert len(db.session.scalars(select(SentEmail)).all()) == 3


def test_the_fresh_link_form_needs_a_valid_address_and_a_csrf_token(app, client):
    token = csrf_token(client.get("/d/fresh").text)
    bad = client.post("/d/fresh", data={"csrf_token": token, "email": "ada@example.com\r\nBcc: x@example.com"})
    assert bad.status_code == 422 and "look right" in bad.text
    assert client.post("/d/fresh", data={"email": "ada@example.com"}).status_code == 400


def test_a_garbled_or_unknown_download_link_is_a_404(app, client):
    assert client.get("/d/not-a-token").status_code == 404
    with app.app_context():
        unknown = links.sign("download", 999999)
        wrong_type = links.sign("download", "a-string")
    assert client.get(f"/d/{unknown}").status_code == 404
    assert client.get(f"/d/{wrong_type}").status_code == 404


def _make_ready(app) -> None:
    with app.app_context():
        sha256 = storage.store().put(b"%PDF-1.4\n%%EOF\n")
        db.session.execute(update(GuideRequest).values(status=RequestStatus.READY, pdf_sha256=sha256))
        db.session.commit()


def test_public_url_builds_absolute_links_from_configuration(sqlite_app):
    sqlite_app.config["PUBLIC_URL"] = "https://example.org/guide"
    with sqlite_app.app_context():
        url = links.public_url("delivery.download", signed="abc.def")
    assert url == "https://example.org/guide/d/abc.def"
