"""Double opt-in, one-click unsubscribe and consent records, through a real SMTP server and the test client."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import delete, select

from service.extensions import db
from service.mail import sending
from service.models import ConsentEvent, ConsentKind, EmailStatus, SentEmail, Subscriber, SubscriberStatus
from service.newsletter import consent, subscription, wording
from service.newsletter.wording import NEWSLETTER_TEXT
from tests.conftest import csrf_token, make_app
from tests.mailbox import bodies, link, path_of, run_email_jobs

DAY = 86400


def sign_up(client, email="ada@example.com", newsletter="y", **fields):
    token = csrf_token(client.get("/").text)
    data = {"csrf_token": token, "email": email, **fields}
    if newsletter:
        data["newsletter"] = newsletter
    return client.post("/guide", data=data)


def subscriber(app, email="ada@example.com") -> Subscriber:
    with app.app_context():
        found = db.session.scalars(select(Subscriber).where(Subscriber.email == email)).one()
        db.session.expunge(found)
        return found


def kinds(app, email="ada@example.com") -> list[ConsentKind]:
    with app.app_context():
        query = select(ConsentEvent.kind).join(Subscriber).where(Subscriber.email == email).order_by(ConsentEvent.id)
        return list(db.session.scalars(query))


def by_subject(mailbox, fragment):
    found = [m for m in mailbox.messages() if fragment in m["Subject"]]
    assert len(found) == 1, [m["Subject"] for m in mailbox.messages()]
    return found[0]


def confirmed_subscriber(app, client, mailbox):
    """Sign up with the opt-in and confirm; returns the welcome email."""
    sign_up(client)
    run_email_jobs(app)
    confirm = path_of(link(by_subject(mailbox, "Please confirm"), "/newsletter/confirm/"))
    assert app.test_client().post(confirm).status_code == 200
    run_email_jobs(app)
    return by_subject(mailbox, "Welcome")


def test_confirmation_email_get_changes_nothing_post_confirms(app, client, mailbox):
    sign_up(client)
    run_email_jobs(app)
    assert sorted(m["Subject"] for m in mailbox.messages()) == [
        "Please confirm your RemNavi newsletter subscription", "Your Remote Salary Guide 2026"]
    message = by_subject(mailbox, "Please confirm")
    assert message["To"].addresses[0].addr_spec == "ada@example.com"
    assert "List-Unsubscribe" not in message  # not newsletter mail: nothing to unsubscribe from yet
    url = link(message, "/newsletter/confirm/")
    assert "7 days" in bodies(message)[0]

    scanner = app.test_client()  # a mail scanner follows every link with GET
    for _ in range(2):
        page = scanner.get(path_of(url))
        assert page.status_code == 200 and 'method="post"' in page.text
    assert "Set-Cookie" not in page.headers
    assert subscriber(app).status == SubscriberStatus.PENDING
    assert kinds(app) == [ConsentKind.GUIDE_DELIVERY, ConsentKind.NEWSLETTER_OPT_IN]

    button = html.unescape(re.search(r'<button type="submit">([^<]+)</button>', page.text).group(1))
    done = app.test_client().post(path_of(url))  # no cookie, no CSRF token: the signed link is the proof
    assert done.status_code == 200 and "You are subscribed" in done.text
    assert subscriber(app).status == SubscriberStatus.SUBSCRIBED
    with app.app_context():
        event = db.session.scalars(select(ConsentEvent).order_by(ConsentEvent.id.desc())).first()
        assert event.kind == ConsentKind.CONFIRMATION and event.form == "newsletter-confirm"
        assert event.consent_text_hash == consent.text_hash(button) and event.ip == "127.0.0.1"

    again = app.test_client().post(path_of(url))  # confirming twice is harmless
    assert again.status_code == 200 and kinds(app).count(ConsentKind.CONFIRMATION) == 1
    run_email_jobs(app)
    assert len([m for m in mailbox.messages() if "Welcome" in m["Subject"]]) == 1


def test_the_welcome_email_carries_one_click_unsubscribe(app, client, mailbox):
    welcome = confirmed_subscriber(app, client, mailbox)
    assert welcome["Subject"] == "Welcome to the RemNavi newsletter"
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = re.fullmatch(r"<(http://127\.0\.0\.1:8000/newsletter/unsubscribe/[\w.-]+)>", welcome["List-Unsubscribe"])
    assert header, welcome["List-Unsubscribe"]
    assert link(welcome, "/newsletter/unsubscribe/") == header.group(1)  # the visible link is the same
    assert "Auto-Submitted" not in welcome and welcome["List-Id"] == "RemNavi newsletter <newsletter.remnavi.example>"
    assert [e.rcpt_tos for e in mailbox.envelopes()] == [("ada@example.com",)] * 3


def test_one_click_unsubscribe_needs_no_cookie_or_csrf_and_is_idempotent(app, client, mailbox):
    welcome = confirmed_subscriber(app, client, mailbox)
    url = path_of(welcome["List-Unsubscribe"].strip("<>"))
    mail_client = app.test_client(use_cookies=False)

    page = mail_client.get(url)  # the visible link's page: a button, and nothing changed
    assert page.status_code == 200 and 'method="post"' in page.text
    assert subscriber(app).status == SubscriberStatus.SUBSCRIBED

    for _ in range(2):
        response = mail_client.post(url, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200 and "Location" not in response.headers
        assert "Set-Cookie" not in response.headers and "You are unsubscribed" in response.text
    assert subscriber(app).status == SubscriberStatus.UNSUBSCRIBED
    assert kinds(app).count(ConsentKind.UNSUBSCRIBE) == 1
    with app.app_context():
        event = db.session.scalars(select(ConsentEvent).where(ConsentEvent.kind == ConsentKind.UNSUBSCRIBE)).one()
        assert event.form == "list-unsubscribe-one-click"
        assert event.consent_text_hash == consent.text_hash(wording.ONE_CLICK_BODY)


def test_the_unsubscribe_page_button_works_too(app, client, mailbox):
    welcome = confirmed_subscriber(app, client, mailbox)
    url = path_of(link(welcome, "/newsletter/unsubscribe/"))
    response = app.test_client().post(url)
    assert response.status_code == 200
    assert subscriber(app).status == SubscriberStatus.UNSUBSCRIBED
    with app.app_context():
        event = db.session.scalars(select(ConsentEvent).where(ConsentEvent.kind == ConsentKind.UNSUBSCRIBE)).one()
        assert event.form == "newsletter-unsubscribe"


def test_a_newsletter_queued_before_unsubscribing_is_never_sent(app, client, mailbox):
    sign_up(client)
    run_email_jobs(app)
    confirm = path_of(link(by_subject(mailbox, "Please confirm"), "/newsletter/confirm/"))
    app.test_client().post(confirm)  # the welcome email is now queued, not yet sent
    with app.app_context():
        welcome = db.session.scalars(select(SentEmail).where(SentEmail.template == "welcome")).one()
        assert welcome.status == EmailStatus.PENDING
        from service import links

        unsubscribe = links.sign("unsubscribe", welcome.subscriber.uuid)
    assert app.test_client().post(f"/newsletter/unsubscribe/{unsubscribe}").status_code == 200
    run_email_jobs(app)
    assert not [m for m in mailbox.messages() if "Welcome" in m["Subject"]]
    with app.app_context():
        assert db.session.get(SentEmail, welcome.id).status == EmailStatus.CANCELLED


def test_a_send_already_claimed_checks_the_status_at_send_time(app, client, mailbox):
    welcome = None
    sign_up(client)
    run_email_jobs(app)
    app.test_client().post(path_of(link(by_subject(mailbox, "Please confirm"), "/newsletter/confirm/")))
    with app.app_context():
        welcome = db.session.scalars(select(SentEmail).where(SentEmail.template == "welcome")).one()
        # Unsubscribed by another path (an admin, an import) that did not cancel the queued row.
        welcome.subscriber.status = SubscriberStatus.UNSUBSCRIBED
        db.session.commit()
        assert sending.deliver(welcome.id) == "cancelled"
    assert not [m for m in mailbox.messages() if "Welcome" in m["Subject"]]


def test_pending_confirmations_expire(app, client, mailbox):
    with time_machine.travel("2026-05-01 10:00:00Z", tick=True) as clock:
        sign_up(client)
        run_email_jobs(app)
        url = path_of(link(by_subject(mailbox, "Please confirm"), "/newsletter/confirm/"))
        clock.shift(7 * DAY + 60)
        visitor = app.test_client()
        assert visitor.get(url).status_code == 410
        late = visitor.post(url)
        assert late.status_code == 410 and "expired" in late.text
        assert subscriber(app).status == SubscriberStatus.PENDING
    # The hourly job ends the pending state once the opt-in is older than its link.
    with app.app_context():
        week_ago = datetime.now(UTC) - timedelta(seconds=7 * DAY + 60)  # the database's clock does not travel
        db.session.execute(ConsentEvent.__table__.update().values(created_at=week_ago))
        db.session.commit()
        assert subscription.expire_pending_job() == 1
    assert subscriber(app).status == SubscriberStatus.GUIDE_ONLY


def test_a_confirmation_link_cannot_resubscribe_after_an_unsubscribe(app, client, mailbox):
    sign_up(client)
    run_email_jobs(app)
    confirm = path_of(link(by_subject(mailbox, "Please confirm"), "/newsletter/confirm/"))
    app.test_client().post(confirm)
    run_email_jobs(app)
    unsubscribe = path_of(link(by_subject(mailbox, "Welcome"), "/newsletter/unsubscribe/"))
    app.test_client().post(unsubscribe)
    response = app.test_client().post(confirm)
    assert response.status_code == 410
    assert subscriber(app).status == SubscriberStatus.UNSUBSCRIBED


def test_resubscribe_from_the_unsubscribed_page(app, client, mailbox):
    welcome = confirmed_subscriber(app, client, mailbox)
    url = path_of(link(welcome, "/newsletter/unsubscribe/"))
    page = app.test_client().post(url)
    action = re.search(r'action="(/newsletter/resubscribe/[^"]+)"', page.text).group(1)
    response = app.test_client().post(action)
    assert response.status_code == 200 and "subscribed again" in response.text
    assert subscriber(app).status == SubscriberStatus.SUBSCRIBED
    assert kinds(app)[-1] == ConsentKind.RESUBSCRIBE
    run_email_jobs(app)
    assert len([m for m in mailbox.messages() if "Welcome" in m["Subject"]]) == 1  # the welcome is once ever


def _page_shape(client, response):
    """What a visitor sees for a signup, with the random token taken out."""
    location = response.headers["Location"]
    page = client.get(location).text
    token = location.rsplit("/", 1)[1]
    return response.status_code, re.sub(r"/guide/[\w-]{32}", "/guide/T", location), \
        sorted(response.headers.keys()), page.replace(token, "T")


def test_every_address_gets_the_same_answer_whatever_its_state(app, client, mailbox):
    # Bring four addresses to the four states.
    for email in ("pending@example.com", "subscribed@example.com", "unsubscribed@example.com"):
        sign_up(client, email=email)
    run_email_jobs(app)
    for email in ("subscribed@example.com", "unsubscribed@example.com"):
        message = [m for m in mailbox.messages() if m["To"].addresses[0].addr_spec == email and
                   "confirm" in m["Subject"]][0]
        app.test_client().post(path_of(link(message, "/newsletter/confirm/")))
    run_email_jobs(app)
    welcome = [m for m in mailbox.messages() if "Welcome" in m["Subject"] and "unsubscribed@" in m["To"]][0]
    app.test_client().post(path_of(link(welcome, "/newsletter/unsubscribe/")))
    mailbox.clear()

    shapes = {}
    for email in ("new@example.com", "pending@example.com", "subscribed@example.com", "unsubscribed@example.com"):
        visitor = app.test_client()
        shapes[email] = _page_shape(visitor, sign_up(visitor, email=email))
    assert len(set(map(repr, shapes.values()))) == 1, shapes

    run_email_jobs(app)  # the differences show only in the mailboxes
    received = sorted((m["To"].addresses[0].addr_spec, m["Subject"]) for m in mailbox.messages())
    confirm, guide = "Please confirm your RemNavi newsletter subscription", "Your Remote Salary Guide 2026"
    assert received == [
        ("new@example.com", confirm), ("new@example.com", guide),
        ("pending@example.com", confirm), ("pending@example.com", guide),
        ("subscribed@example.com", guide),
        ("unsubscribed@example.com", confirm), ("unsubscribed@example.com", guide),
    ]
    assert kinds(app, "unsubscribed@example.com")[-1] == ConsentKind.RESUBSCRIBE


def test_confirmation_emails_are_capped_per_address_per_day(app, client, mailbox):
    for _ in range(4):
        sign_up(client)
    run_email_jobs(app)
    assert len([m for m in mailbox.messages() if "confirm" in m["Subject"]]) == 3
    assert kinds(app).count(ConsentKind.NEWSLETTER_OPT_IN) == 4  # every opt-in is still on record


def test_the_recorded_wording_is_the_wording_on_the_page(app, client):
    page = client.get("/").text
    checkbox = html.unescape(re.search(r'name="newsletter" value="y"\s*>\s*<span>([^<]+)</span>', page).group(1))
    fine_print = html.unescape(re.search(r'<p class="fine">([^<]+)</p>\s*</form>', page).group(1))
    assert checkbox == NEWSLETTER_TEXT.format(brand="RemNavi")
    sign_up(client, utm_source="news", utm_medium="email", utm_campaign="spring", referrer="https://remnavi.example/jobs")
    with app.app_context():
        delivery, opt_in = db.session.scalars(select(ConsentEvent).order_by(ConsentEvent.id)).all()
        assert delivery.consent_text_hash == consent.text_hash(fine_print)
        assert opt_in.consent_text_hash == consent.text_hash(checkbox)
        assert (opt_in.form, opt_in.form_version) == ("salary-guide-landing", "2026.1")
        assert (opt_in.utm_source, opt_in.utm_medium, opt_in.utm_campaign) == ("news", "email", "spring")
        assert opt_in.referrer == "https://remnavi.example/jobs" and opt_in.user_agent


@pytest.mark.parametrize(("policy", "ipv4", "ipv6"), [
    ("full", "203.0.113.77", "2001:db8:1234:5678::1"),
    ("truncated", "203.0.113.0", "2001:db8:1234::"),
    ("none", None, None),
])
def test_ip_storage_follows_configuration(redis_server, sqlite_template, tmp_path, policy, ipv4, ipv6):
    import shutil

    shutil.copyfile(sqlite_template, tmp_path / "db.sqlite")
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", redis_server.url, tmp_path, IP_STORAGE=policy)
    for address, email in (("203.0.113.77", "four@example.com"), ("2001:db8:1234:5678::1", "six@example.com")):
        visitor = app.test_client()
        visitor.environ_base["REMOTE_ADDR"] = address
        sign_up(visitor, email=email, newsletter=None)
    with app.app_context():
        assert list(db.session.scalars(select(ConsentEvent.ip).order_by(ConsentEvent.id))) == [ipv4, ipv6]
        db.engine.dispose()


def test_an_unknown_ip_policy_refuses_to_start(tmp_path):
    from service import create_app

    with pytest.raises(RuntimeError, match="IP_STORAGE"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "IP_STORAGE": "hashed"})


def test_an_old_unsubscribe_link_still_unsubscribes_but_cannot_resubscribe(app, client, mailbox):
    with time_machine.travel("2026-01-10 08:00:00Z", tick=True) as clock:
        welcome = confirmed_subscriber(app, client, mailbox)
        url = path_of(link(welcome, "/newsletter/unsubscribe/"))
        clock.shift(3 * 365 * DAY)  # past UNSUBSCRIBE_LINK_MAX_AGE (two years)
        response = app.test_client().post(url, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert subscriber(app).status == SubscriberStatus.UNSUBSCRIBED
        assert app.test_client().post(url.replace("/unsubscribe/", "/resubscribe/")).status_code == 404
        assert subscriber(app).status == SubscriberStatus.UNSUBSCRIBED


def test_an_unsubscribe_link_for_an_erased_address_answers_200(app, client, mailbox):
    welcome = confirmed_subscriber(app, client, mailbox)
    url = path_of(link(welcome, "/newsletter/unsubscribe/"))
    with app.app_context():
        db.session.execute(delete(Subscriber))  # as erasure does: the database cascades
        db.session.commit()
        assert db.session.scalars(select(SentEmail)).all() == []  # cascaded with the subscriber
    response = app.test_client().post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "You are unsubscribed" in response.text
    assert app.test_client().get(url).status_code == 200
