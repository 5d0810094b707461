"""Sync with listmonk and Mailchimp, against loopback stand-ins of their APIs (tests/standins.py): neither
tool can run here, so each stand-in implements the documented endpoints and payloads and records requests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from service.extensions import db
from service.models import ConsentEvent, ConsentKind, PushStatus, Subscriber, SubscriberStatus, SyncPush
from service.sync import push, withdrawals
from tests.conftest import make_app, run_jobs
from tests.mailbox import Mailbox, link, path_of, run_email_jobs
from tests.services import RedisServer
from tests.standins import Listmonk, Mailchimp, basic
from tests.test_newsletter import by_subject, sign_up

SECRET = "s3cret-" + "w" * 30
ADA = "ada@example.com"


def _app(database_url: str, redis_server: RedisServer, tmp_path: Path, **settings: object) -> Iterator[Flask]:
    import redis

    redis.Redis.from_url(redis_server.url).flushall()
    application = make_app(database_url, redis_server.url, tmp_path / "instance", **settings)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def listmonk() -> Iterator[Listmonk]:
    standin = Listmonk()
    yield standin
    standin.stop()


@pytest.fixture
def mailchimp() -> Iterator[Mailchimp]:
    standin = Mailchimp()
    yield standin
    standin.stop()


@pytest.fixture
def listmonk_app(database_url, redis_server, tmp_path, listmonk, smtp_server) -> Iterator[Flask]:
    smtp_server.clear()
    yield from _app(database_url, redis_server, tmp_path, SYNC="listmonk", LISTMONK_URL=listmonk.url,
                    LISTMONK_USER="api", LISTMONK_TOKEN="listmonk-token", LISTMONK_LIST_IDS=[3],
                    SMTP_URL=smtp_server.url)


@pytest.fixture
def mailchimp_app(database_url, redis_server, tmp_path, mailchimp, smtp_server) -> Iterator[Flask]:
    smtp_server.clear()
    yield from _app(database_url, redis_server, tmp_path, SYNC="mailchimp", MAILCHIMP_URL=mailchimp.url + "/3.0",
                    MAILCHIMP_API_KEY=mailchimp.key, MAILCHIMP_LIST_ID=mailchimp.audience,
                    MAILCHIMP_WEBHOOK_SECRET=SECRET, MAILCHIMP_MARKETING_PERMISSION_IDS=["perm-email"],
                    MAILCHIMP_MERGE_FIELDS={"SOURCE": "utm_source"}, SMTP_URL=smtp_server.url)


def confirm(app: Flask, mailbox: Mailbox, email: str = ADA) -> None:
    """Sign up with the newsletter box ticked, click the confirmation link, run the queued jobs."""
    client = app.test_client()
    sign_up(client, email=email, utm_source="twitter")
    run_email_jobs(app)
    confirm_url = path_of(link(by_subject(mailbox, "Please confirm"), "/newsletter/confirm/"))
    assert client.post(confirm_url, environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code == 200
    run_jobs(app)


def status_of(app: Flask, email: str = ADA) -> SubscriberStatus:
    with app.app_context():
        return db.session.scalars(select(Subscriber.status).where(Subscriber.email == email)).one()


def pushes(app: Flask) -> list[tuple[str, PushStatus, int]]:
    with app.app_context():
        rows = db.session.scalars(select(SyncPush).order_by(SyncPush.id))
        return [(p.action.value, p.status, p.attempts) for p in rows]


def withdrawals_of(app: Flask, email: str = ADA) -> list[tuple[str, str]]:
    with app.app_context():
        query = (select(ConsentEvent.form, ConsentEvent.form_version).join(Subscriber)
                 .where(Subscriber.email == email, ConsentEvent.kind == ConsentKind.WITHDRAWN))
        return [tuple(row) for row in db.session.execute(query).all()]


def export(app: Flask, layout: str) -> str:
    result = app.test_cli_runner().invoke(args=["subscribers", "export", "--layout", layout])
    assert result.exit_code == 0, result.output
    return result.stdout


# listmonk ---------------------------------------------------------------------------------------------------


def test_listmonk_confirmed_signup_appears_and_an_unsubscribe_there_comes_back(listmonk_app, listmonk, smtp_server):
    """Done means: a confirmed signup appears in (the stand-in) listmonk, and leaving there comes back here."""
    confirm(listmonk_app, smtp_server)
    created = listmonk.seen("POST", "/api/subscribers")
    assert len(created) == 1
    assert created[0].headers["Authorization"] == basic("api", "listmonk-token")
    body = created[0].body
    assert body["email"] == ADA and body["status"] == "enabled" and body["lists"] == [3]
    assert body["preconfirm_subscriptions"] is True and body["name"] == "ada"
    proof = body["attribs"]["salary_guide"]
    assert proof["consent"]["form"] == "salary-guide-landing" and proof["consent"]["text_hash"].startswith("sha256:")
    assert proof["confirmation"]["ip"] == "198.51.100.4" and proof["source"] == {"utm_source": "twitter"}
    held = listmonk.by_email(ADA)
    assert [(i["id"], i["subscription_status"]) for i in held["lists"]] == [(3, "confirmed")]
    assert pushes(listmonk_app) == [("subscribe", PushStatus.SENT, 1)]
    assert "ada@example.com" in export(listmonk_app, "listmonk")

    listmonk.unsubscribe_there(ADA)
    with listmonk_app.app_context():
        assert withdrawals.pull_listmonk() == 1
        assert withdrawals.pull_listmonk() == 0  # seen again (the overlap), but nothing changes twice
    pulls = listmonk.seen("GET", "/api/subscribers")
    assert pulls[-1].query["list_id"] == ["3"] and pulls[-1].query["order_by"] == ["updated_at"]
    assert status_of(listmonk_app) == SubscriberStatus.UNSUBSCRIBED
    assert withdrawals_of(listmonk_app) == [("withdrawn in listmonk", "unsubscribed")]
    # The next export for the tool no longer holds them, so a re-import cannot subscribe them again.
    assert "ada@example.com" not in export(listmonk_app, "listmonk")
    assert "ada@example.com" not in export(listmonk_app, "mailchimp")


def test_listmonk_address_it_knows_is_confirmed_on_our_lists(listmonk_app, listmonk, smtp_server):
    listmonk.subscribers[7] = {"id": 7, "email": ADA, "name": "Ada", "attribs": {}, "status": "enabled",
                               "updated_at": "2026-01-01T00:00:00+00:00", "lists": []}
    confirm(listmonk_app, smtp_server)
    assert [r.query["query"] for r in listmonk.seen("GET", "/api/subscribers")] == [
        ["subscribers.email = 'ada@example.com'"]]
    (change,) = listmonk.seen("PUT", "/api/subscribers/lists")
    assert change.body == {"ids": [7], "action": "add", "target_list_ids": [3], "status": "confirmed"}
    assert pushes(listmonk_app) == [("subscribe", PushStatus.SENT, 1)]


def test_listmonk_unsubscribe_and_erasure_here_reach_it(listmonk_app, listmonk, smtp_server):
    confirm(listmonk_app, smtp_server)
    welcome = by_subject(smtp_server, "Welcome")
    unsubscribe = path_of(link(welcome, "/newsletter/unsubscribe/"))
    assert listmonk_app.test_client().post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    run_jobs(listmonk_app)
    (change,) = listmonk.seen("PUT", "/api/subscribers/lists")
    assert change.body == {"ids": [1], "action": "unsubscribe", "target_list_ids": [3]}
    assert listmonk.by_email(ADA)["lists"][0]["subscription_status"] == "unsubscribed"

    result = listmonk_app.test_cli_runner().invoke(args=["subscribers", "erase", ADA, "--yes"])
    assert result.exit_code == 0, result.output
    run_jobs(listmonk_app)
    assert [r.path for r in listmonk.seen("DELETE", r".*")] == ["/api/subscribers/1"]
    assert listmonk.by_email(ADA) is None
    with listmonk_app.app_context():
        (erasure,) = db.session.scalars(select(SyncPush))  # the person's own pushes went with them
        assert erasure.status == PushStatus.SENT and erasure.email is None  # the address is forgotten once done


# Mailchimp --------------------------------------------------------------------------------------------------


def member_path(email: str = ADA) -> str:
    return f"/3.0/lists/a1b2c3d4e5/members/{hashlib.md5(email.encode()).hexdigest()}"


def test_mailchimp_confirmed_signup_appears_and_an_unsubscribe_there_comes_back(mailchimp_app, mailchimp,
                                                                                 smtp_server):
    """Done means: a confirmed signup appears in (the stand-in) Mailchimp, and its webhook brings leaving back."""
    confirm(mailchimp_app, smtp_server)
    (put,) = mailchimp.seen("PUT", member_path())
    assert put.headers["Authorization"] == basic("salaryguide", mailchimp.key)
    body = put.body
    assert body["email_address"] == ADA and body["status_if_new"] == body["status"] == "subscribed"
    assert body["merge_fields"] == {"SOURCE": "twitter"}
    assert body["ip_opt"] == "198.51.100.4" and body["ip_signup"] == "127.0.0.1"
    assert body["timestamp_signup"].endswith("Z") and body["timestamp_opt"] >= body["timestamp_signup"]
    assert body["marketing_permissions"] == [{"marketing_permission_id": "perm-email", "enabled": True}]
    (tags,) = mailchimp.seen("POST", member_path() + "/tags")
    assert tags.body == {"tags": [{"name": "salary-guide-2026", "status": "active"}]}
    assert mailchimp.members[member_path().rsplit("/", 1)[1]]["status"] == "subscribed"

    client = mailchimp_app.test_client()
    hook = f"/hooks/mailchimp/{SECRET}"
    form = {"type": "unsubscribe", "fired_at": "2026-12-01 10:00:00", "data[action]": "unsub",
            "data[reason]": "manual", "data[id]": "8a25ff1d98", "data[list_id]": mailchimp.audience,
            "data[email]": ADA, "data[email_type]": "html", "data[merges][EMAIL]": ADA}
    answer = client.post(hook, data=form)  # form-encoded, no CSRF token, as Mailchimp posts
    assert answer.status_code == 200 and answer.text == "unsubscribe: withdrawn\n"
    assert client.post(hook, data=form).text == "unsubscribe: no change\n"  # Mailchimp retries: one event
    assert status_of(mailchimp_app) == SubscriberStatus.UNSUBSCRIBED
    assert withdrawals_of(mailchimp_app) == [("withdrawn in mailchimp", "unsubscribe")]
    with mailchimp_app.app_context():
        at = db.session.scalars(select(ConsentEvent.created_at).where(ConsentEvent.kind == ConsentKind.WITHDRAWN)).one()
        assert at.replace(tzinfo=None) == datetime(2026, 12, 1, 10, 0)
    assert ADA not in export(mailchimp_app, "mailchimp")


def test_mailchimp_webhook_secret_validation_get_and_events(mailchimp_app, mailchimp, smtp_server):
    client = mailchimp_app.test_client()
    assert client.get(f"/hooks/mailchimp/{SECRET}").status_code == 200  # Mailchimp's validation GET
    for wrong in ("nope", SECRET[:-1], SECRET + "x"):
        assert client.get(f"/hooks/mailchimp/{wrong}").status_code == 404
        posted = client.post(f"/hooks/mailchimp/{wrong}", data={"type": "unsubscribe", "data[email]": ADA})
        assert posted.status_code == 404
    confirm(mailchimp_app, smtp_server)
    hook = f"/hooks/mailchimp/{SECRET}"
    other = client.post(hook, data={"type": "unsubscribe", "data[list_id]": "zzzz9999", "data[email]": ADA})
    assert other.text == "another audience\n" and status_of(mailchimp_app) == SubscriberStatus.SUBSCRIBED
    assert client.post(hook, data={"type": "profile", "data[email]": ADA}).text == "profile: nothing to do\n"
    moved = client.post(hook, data={"type": "upemail", "data[list_id]": mailchimp.audience,
                                    "data[old_email]": ADA, "data[new_email]": "Ada.L@Example.com"})
    assert moved.text == "upemail: address changed\n"
    assert status_of(mailchimp_app, "ada.l@example.com") == SubscriberStatus.SUBSCRIBED
    cleaned = client.post(hook, data={"type": "cleaned", "data[list_id]": mailchimp.audience,
                                      "data[email]": "ada.l@example.com", "data[reason]": "hard"})
    assert cleaned.text == "cleaned: withdrawn\n"
    assert withdrawals_of(mailchimp_app, "ada.l@example.com") == [("withdrawn in mailchimp", "cleaned hard")]


def test_mailchimp_erasure_deletes_permanently(mailchimp_app, mailchimp, smtp_server):
    confirm(mailchimp_app, smtp_server)
    result = mailchimp_app.test_cli_runner().invoke(args=["subscribers", "erase", ADA, "--yes"])
    assert result.exit_code == 0, result.output
    run_jobs(mailchimp_app)
    assert len(mailchimp.seen("POST", member_path() + "/actions/delete-permanent")) == 1
    assert mailchimp.members == {}


# Retries ----------------------------------------------------------------------------------------------------


def test_429_waits_for_retry_after_then_succeeds(mailchimp_app, mailchimp, smtp_server):
    mailchimp.fail("PUT", member_path(), 429, Retry_After="120")
    confirm(mailchimp_app, smtp_server)
    assert pushes(mailchimp_app) == [("subscribe", PushStatus.PENDING, 1)]
    with mailchimp_app.app_context():
        (row,) = db.session.scalars(select(SyncPush))
        wait = row.next_attempt_at.replace(tzinfo=UTC) - datetime.now(UTC)
        assert timedelta(seconds=100) < wait <= timedelta(seconds=120)  # the tool's Retry-After, not our backoff
        assert "HTTP 429" in row.last_error
        assert push.retry_due() == 0  # not yet
        assert push.retry_due(datetime.now(UTC) + timedelta(seconds=121)) == 1
    run_jobs(mailchimp_app)
    assert pushes(mailchimp_app) == [("subscribe", PushStatus.SENT, 2)]
    assert len(mailchimp.seen("PUT", member_path())) == 2


def test_5xx_backs_off_doubling_and_gives_up_after_the_last_attempt(listmonk_app, listmonk, smtp_server):
    listmonk_app.config.update(SYNC_MAX_ATTEMPTS=3, SYNC_RETRY_BASE=30)
    listmonk.fail("POST", "/api/subscribers", 503, times=5)
    confirm(listmonk_app, smtp_server)
    waits = []
    for _ in range(2):
        with listmonk_app.app_context():
            (row,) = db.session.scalars(select(SyncPush))
            waits.append(round((row.next_attempt_at.replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds(), -1))
            assert push.retry_due(datetime.now(UTC) + timedelta(hours=2)) == 1
        run_jobs(listmonk_app)
    assert waits == [30, 60]
    assert pushes(listmonk_app) == [("subscribe", PushStatus.FAILED, 3)]
    assert len(listmonk.seen("POST", "/api/subscribers")) == 3
    with listmonk_app.app_context():
        assert push.retry_due(datetime.now(UTC) + timedelta(days=1)) == 0


def test_a_refused_push_fails_at_once_with_the_tools_reason(mailchimp_app, mailchimp, smtp_server):
    mailchimp.fail("PUT", member_path(), 400)
    confirm(mailchimp_app, smtp_server)
    with mailchimp_app.app_context():
        (row,) = db.session.scalars(select(SyncPush))
        assert row.status == PushStatus.FAILED and row.attempts == 1 and "HTTP 400" in row.last_error


def test_a_push_run_twice_with_the_same_key_changes_the_tool_once(listmonk_app, listmonk, smtp_server):
    confirm(listmonk_app, smtp_server)
    with listmonk_app.app_context():
        (row,) = db.session.scalars(select(SyncPush))
        subscriber = db.session.get(Subscriber, row.subscriber_id)
        assert push.confirmed(subscriber) == []  # the same change again: same key, no second push
        assert push.run(row.id) == "not claimed"  # a duplicate job finds it sent
        row.status = PushStatus.PENDING  # as if the first try had died before recording that it was sent
        db.session.commit()
        assert push.run(row.id) == "confirmed"  # the second try finds the address and confirms it again
    assert len(listmonk.subscribers) == 1
    assert [(i["id"], i["subscription_status"]) for i in listmonk.by_email(ADA)["lists"]] == [(3, "confirmed")]


def test_a_worker_killed_mid_push_leaves_one_member_after_the_retry(mailchimp_app, mailchimp, smtp_server):
    """A real forked worker (`flask worker run`) is killed with SIGKILL while its push waits on the stand-in;
    the sweep queues the push again once it is stale, and the tool ends with one member, subscribed."""
    import json
    import os
    import signal
    import subprocess
    import sys

    mailchimp.hang_pattern = member_path()
    mailchimp.hang.set()
    client = mailchimp_app.test_client()
    sign_up(client, utm_source="twitter")
    run_email_jobs(mailchimp_app)
    confirm_url = path_of(link(by_subject(smtp_server, "Please confirm"), "/newsletter/confirm/"))
    assert client.post(confirm_url).status_code == 200
    config = mailchimp_app.config
    names = ("DATABASE_URL", "REDIS_URL", "INSTANCE_PATH", "SECRET_KEY", "SMTP_URL", "SYNC", "MAILCHIMP_URL",
             "MAILCHIMP_API_KEY", "MAILCHIMP_LIST_ID", "MAILCHIMP_WEBHOOK_SECRET",
             "MAILCHIMP_MARKETING_PERMISSION_IDS", "MAILCHIMP_MERGE_FIELDS")
    env = {**os.environ, "FLASK_APP": "wsgi",
           **{f"SALARYGUIDE_{n}": config[n] if isinstance(config[n], str) else json.dumps(config[n]) for n in names}}
    flask = str(Path(sys.executable).parent / "flask")
    worker = subprocess.Popen([flask, "--app", "wsgi", "worker", "run", "default"], env=env,
                              cwd=Path(__file__).resolve().parent.parent, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert mailchimp.arrived.wait(120), "the worker never reached the stand-in"
    finally:
        # RQ's work horse runs in a session of its own (setsid), so kill it by pid, then the worker.
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        for pid in [*map(int, children), worker.pid]:
            os.kill(pid, signal.SIGKILL)
        worker.wait(30)
    assert children, "the worker had forked no work horse"
    assert pushes(mailchimp_app) == [("subscribe", PushStatus.SENDING, 1)]
    mailchimp.hang.clear()
    mailchimp.release.set()  # the stand-in finishes the first PUT: the change happened, unrecorded here

    with mailchimp_app.app_context():
        assert push.retry_due() == 0  # not stale yet
        later = datetime.now(UTC) + timedelta(seconds=config["SYNC_STALE_AFTER"] + 1)
        assert push.retry_due(later) == 1
    run_jobs(mailchimp_app)
    assert pushes(mailchimp_app) == [("subscribe", PushStatus.SENT, 2)]
    first, second = mailchimp.seen("PUT", member_path())
    assert first.body == second.body  # the same change, sent again under the same key
    assert [m["status"] for m in mailchimp.members.values()] == ["subscribed"]


def test_dashboard_shows_each_tool_last_sync_pushes_error_and_withdrawals(mailchimp_app, mailchimp, smtp_server):
    from service.sync import status
    from tests.people import TOKEN

    confirm(mailchimp_app, smtp_server)
    smtp_server.clear()
    mailchimp.fail("PUT", member_path("grace@example.com"), 400)
    confirm(mailchimp_app, smtp_server, "grace@example.com")
    mailchimp.fail("PUT", member_path("linus@example.com"), 429, Retry_After="60")
    smtp_server.clear()
    confirm(mailchimp_app, smtp_server, "linus@example.com")
    client = mailchimp_app.test_client()
    client.post(f"/hooks/mailchimp/{SECRET}", data={"type": "unsubscribe", "data[list_id]": mailchimp.audience,
                                                     "data[email]": ADA})
    with mailchimp_app.app_context():
        (figures,) = status.tools()
        assert (figures.name, figures.active, figures.pending, figures.failed, figures.withdrawals) == (
            "Mailchimp", True, 1, 1, 1)
        assert "HTTP 429" in figures.last_error and figures.last_sync_at is not None
    mailchimp_app.config["ADMIN_TOKEN"] = TOKEN
    page = client.get("/admin/", headers={"Authorization": f"Bearer {TOKEN}"}).text
    section = page[page.index('id="sync"'):page.index('id="export"')]
    cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", section, re.S)]
    assert cells[0] == "Mailchimp" and cells[2:5] == ["1", "1", "1"] and "HTTP 429" in cells[5]


LISTMONK_ENV = {"SALARYGUIDE_SYNC": "listmonk", "SALARYGUIDE_LISTMONK_URL": "https://lists.example.com/",
                "SALARYGUIDE_LISTMONK_USER": "api", "SALARYGUIDE_LISTMONK_TOKEN": "tok",
                "SALARYGUIDE_LISTMONK_LIST_IDS": "[3,4]"}
MAILCHIMP_ENV = {"SALARYGUIDE_SYNC": "mailchimp", "SALARYGUIDE_MAILCHIMP_API_KEY": "abc123-us21",
                 "SALARYGUIDE_MAILCHIMP_LIST_ID": "a1b2c3d4e5", "SALARYGUIDE_MAILCHIMP_WEBHOOK_SECRET": SECRET}


def settings_from(environ: dict[str, str]):
    from service import config
    from service.sync.settings import SyncSettings

    return SyncSettings.from_config(config.load(environ=environ))


def test_settings_come_from_the_environment():
    assert settings_from({}).tool == "none"
    lm = settings_from(LISTMONK_ENV)
    assert (lm.base_url, lm.list_ids) == ("https://lists.example.com/api", (3, 4))
    assert lm.authorization == basic("api", "tok")
    assert settings_from({**LISTMONK_ENV, "SALARYGUIDE_LISTMONK_LIST_IDS": "3"}).list_ids == (3,)
    mc = settings_from(MAILCHIMP_ENV)
    assert (mc.base_url, mc.list_ids, mc.webhook_secret) == ("https://us21.api.mailchimp.com/3.0", ("a1b2c3d4e5",),
                                                             SECRET)


@pytest.mark.parametrize("environ,message", [
    ({"SALARYGUIDE_SYNC": "hubspot"}, "SALARYGUIDE_SYNC must be one of"),
    ({**LISTMONK_ENV, "SALARYGUIDE_LISTMONK_TOKEN": ""}, "LISTMONK_TOKEN must be set"),
    ({**LISTMONK_ENV, "SALARYGUIDE_LISTMONK_LIST_IDS": "[]"}, "LISTMONK_LIST_IDS"),
    ({**LISTMONK_ENV, "SALARYGUIDE_LISTMONK_LIST_IDS": "news"}, "LISTMONK_LIST_IDS"),
    ({**LISTMONK_ENV, "SALARYGUIDE_LISTMONK_URL": "lists.example.com"}, "LISTMONK_URL"),
    ({**MAILCHIMP_ENV, "SALARYGUIDE_MAILCHIMP_API_KEY": "abc123"}, "MAILCHIMP_API_KEY"),
    ({**MAILCHIMP_ENV, "SALARYGUIDE_MAILCHIMP_LIST_ID": ""}, "MAILCHIMP_LIST_ID"),
    ({**MAILCHIMP_ENV, "SALARYGUIDE_MAILCHIMP_WEBHOOK_SECRET": "short"}, "WEBHOOK_SECRET"),
    ({**MAILCHIMP_ENV, "SALARYGUIDE_MAILCHIMP_MERGE_FIELDS": '{"FNAME": "name"}'}, "MERGE_FIELDS"),
])
def test_the_service_refuses_to_start_with_unusable_sync_settings(environ, message, tmp_path, monkeypatch):
    from service import create_app

    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=message):
        create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True})


def test_retry_after_is_read_as_seconds_or_an_http_date():
    from service.sync.http import wait_seconds

    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert wait_seconds("120", now) == 120
    assert wait_seconds("Tue, 01 Dec 2026 10:01:30 GMT", now) == 90
    assert wait_seconds("Tue, 01 Dec 2026 09:00:00 GMT", now) == 0
    assert wait_seconds("soon", now) is None and wait_seconds(None, now) is None


def test_mailchimp_member_who_unsubscribed_there_comes_back_as_pending(mailchimp_app, mailchimp, smtp_server):
    """Resubscribing here: Mailchimp refuses `subscribed` for someone it holds as unsubscribed, so the push
    asks for `pending` (Mailchimp's own confirmation) instead of failing."""
    confirm(mailchimp_app, smtp_server)
    mailchimp.members[member_path().rsplit("/", 1)[1]]["status"] = "unsubscribed"
    unsubscribe = path_of(link(by_subject(smtp_server, "Welcome"), "/newsletter/unsubscribe/"))
    client = mailchimp_app.test_client()
    assert client.post(unsubscribe).status_code == 200
    run_jobs(mailchimp_app)
    resubscribe = unsubscribe.replace("/unsubscribe/", "/resubscribe/")
    assert client.post(resubscribe).status_code == 200
    run_jobs(mailchimp_app)
    assert [p[:2] for p in pushes(mailchimp_app)] == [("subscribe", PushStatus.SENT), ("unsubscribe", PushStatus.SENT),
                                                      ("subscribe", PushStatus.SENT)]
    last, retried = mailchimp.seen("PUT", member_path())[-2:]
    assert (last.body["status"], retried.body["status"]) == ("subscribed", "pending")
    assert mailchimp.members[member_path().rsplit("/", 1)[1]]["status"] == "pending"


def test_the_webhook_is_not_there_unless_mailchimp_is_synced(client):
    assert client.get(f"/hooks/mailchimp/{SECRET}").status_code == 404
    assert client.post(f"/hooks/mailchimp/{SECRET}", data={"type": "unsubscribe"}).status_code == 404


def test_a_push_whose_job_redis_lost_is_sent_by_the_sweep(listmonk_app, listmonk, smtp_server, redis_server):
    import redis

    client = listmonk_app.test_client()
    sign_up(client)
    run_email_jobs(listmonk_app)
    confirm_url = path_of(link(by_subject(smtp_server, "Please confirm"), "/newsletter/confirm/"))
    assert client.post(confirm_url).status_code == 200
    redis.Redis.from_url(redis_server.url).flushall()  # the queued push is gone from Redis
    with listmonk_app.app_context():
        assert push.retry_due() == 0  # young rows are left alone
        later = datetime.now(UTC) + timedelta(seconds=listmonk_app.config["SYNC_STALE_AFTER"] + 1)
        assert push.retry_due(later) == 1
    run_jobs(listmonk_app)
    assert pushes(listmonk_app) == [("subscribe", PushStatus.SENT, 1)]
    assert listmonk.by_email(ADA) is not None
