"""Admin access: a staff session or the bearer token, nothing else; failures are 401 or the login page, never 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.extensions import db
from service.models import StaffUser
from tests.conftest import csrf_token, make_app
from tests.people import STAFF_EMAIL, STAFF_PASSWORD, TOKEN, add_staff, cast, sign_in

PAGES = ["/admin/", "/admin/subscribers.csv", "/admin/subscribers.csv?layout=listmonk"]


@pytest.fixture
def admin_app(app):
    app.config["ADMIN_TOKEN"] = TOKEN
    cast(app)
    add_staff(app)
    return app


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize("path", PAGES)
def test_no_credentials_redirects_to_login(admin_app, path):
    response = admin_app.test_client().get(path)
    assert _is_login_redirect(response)
    assert "ada@example.com" not in response.text


@pytest.mark.parametrize("header", [
    "Bearer wrong-token-of-the-right-length-xxxxxxxxxxxxxxx",
    "Bearer " + TOKEN[:-1],  # a prefix
    "Bearer " + TOKEN + "x",  # a suffix
    "Bearer x" + TOKEN,
    "Bearer " + TOKEN.upper(),
    "Bearer ",
    "Bearer",
    "Basic " + TOKEN,
    TOKEN,
    "Bearer " + TOKEN[:-1] + "é",  # non-ASCII must not crash the constant-time compare
])
def test_wrong_tokens_are_401(admin_app, header):
    for path in PAGES:
        response = admin_app.test_client().get(path, headers={"Authorization": header})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
        assert "ada@example.com" not in response.text


@pytest.mark.parametrize("query", [f"token={TOKEN}", f"access_token={TOKEN}", f"api_key={TOKEN}",
                                   f"Authorization=Bearer%20{TOKEN}"])
def test_token_in_the_query_string_is_ignored(admin_app, query):
    response = admin_app.test_client().get(f"/admin/?{query}")
    assert _is_login_redirect(response)
    export = admin_app.test_client().get(f"/admin/subscribers.csv?{query}")
    assert _is_login_redirect(export)


def test_right_token_opens_dashboard_and_export(admin_app):
    client = admin_app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    page = client.get("/admin/", headers=headers)
    assert page.status_code == 200 and "How the guide performs" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    export = client.get("/admin/subscribers.csv", headers=headers)
    assert export.status_code == 200 and "ada@example.com" in export.text


def test_no_token_configured_means_no_token_access(app):
    cast(app)
    response = app.test_client().get("/admin/", headers={"Authorization": "Bearer "})
    assert response.status_code == 401
    assert app.test_client().get("/admin/", headers={"Authorization": "Bearer None"}).status_code == 401


def test_a_short_token_refuses_to_start(sqlite_app, redis_server, tmp_path):
    with pytest.raises(RuntimeError, match="ADMIN_TOKEN"):
        make_app(sqlite_app.config["DATABASE_URL"], redis_server.url, tmp_path / "i", ADMIN_TOKEN="short")


def test_numeric_looking_token_from_the_environment_still_works(sqlite_app):
    digits = "1234567890" * 4
    sqlite_app.config["ADMIN_TOKEN"] = int(digits)  # SALARYGUIDE_ADMIN_TOKEN is parsed as JSON
    response = sqlite_app.test_client().get("/admin/", headers={"Authorization": f"Bearer {digits}"})
    assert response.status_code == 200


def test_sign_in_and_out(admin_app):
    client = admin_app.test_client()
    response = sign_in(client, next="/admin/subscribers.csv?layout=mailchimp")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/subscribers.csv?layout=mailchimp"
    page = client.get("/admin/")
    assert page.status_code == 200 and STAFF_EMAIL in page.text
    with admin_app.app_context():
        assert db.session.scalars(select(StaffUser)).one().last_login_at is not None
    # Sign-out needs the form's CSRF token: a bare POST (or a cross-site form) changes nothing.
    assert client.post("/admin/logout").status_code == 400
    assert client.get("/admin/").status_code == 200
    assert client.post("/admin/logout", data={"csrf_token": csrf_token(page.text)}).status_code == 303
    assert _is_login_redirect(client.get("/admin/"))


@pytest.mark.parametrize(("email", "password"), [
    (STAFF_EMAIL, "wrong password!"), (STAFF_EMAIL, ""), ("nobody@remnavi.example", STAFF_PASSWORD),
    (STAFF_EMAIL, STAFF_PASSWORD.upper()), (STAFF_EMAIL, STAFF_PASSWORD + " "),
])
def test_wrong_password_or_address_is_401_and_no_session(admin_app, email, password):
    client = admin_app.test_client()
    response = sign_in(client, email, password)
    assert response.status_code in (400, 401)
    assert "How the guide performs" not in response.text
    assert _is_login_redirect(client.get("/admin/"))


def test_unknown_address_and_wrong_password_look_the_same(admin_app):
    client = admin_app.test_client()
    unknown = sign_in(client, "nobody@remnavi.example", "whatever password")
    wrong = sign_in(client, STAFF_EMAIL, "whatever password")
    assert unknown.status_code == wrong.status_code == 401
    assert "do not match a staff account" in unknown.text and "do not match a staff account" in wrong.text


def test_sign_in_without_csrf_token_is_refused(admin_app):
    client = admin_app.test_client()
    response = client.post("/admin/login", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    assert response.status_code == 400 and "form expired" in response.text
    assert _is_login_redirect(client.get("/admin/"))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/admin", "/\\evil.example",
                                    "javascript:alert(1)", "/guide/x"])
def test_next_never_leaves_admin(admin_app, target):
    response = sign_in(admin_app.test_client(), next=target)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"


def test_failed_sign_ins_are_limited_per_account(app):
    app.config.update(ADMIN_ACCOUNT_RATE_LIMIT="3 per minute", ADMIN_LOGIN_RATE_LIMIT="100 per minute")
    add_staff(app)
    client = app.test_client()
    assert [sign_in(client, password="nope nope nope").status_code for _ in range(3)] == [401, 401, 401]
    limited = sign_in(client)  # even the right password waits once the account is locked
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    # From another IP too: the limit follows the account, not the address it comes from.
    other = app.test_client()
    token = csrf_token(other.get("/admin/login").text)
    response = other.post("/admin/login", environ_base={"REMOTE_ADDR": "10.9.9.9"},
                          data={"csrf_token": token, "email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    assert response.status_code == 429


def test_failed_sign_ins_are_limited_per_ip_and_successes_do_not_count(app):
    app.config.update(ADMIN_ACCOUNT_RATE_LIMIT="100 per minute", ADMIN_LOGIN_RATE_LIMIT="3 per minute")
    add_staff(app)
    client = app.test_client()
    assert [sign_in(client).status_code for _ in range(4)] == [303] * 4
    codes = [sign_in(client, f"guess{i}@remnavi.example", "nope nope nope").status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]


def test_public_pages_show_no_admin_data(admin_app):
    client = admin_app.test_client()
    landing = client.get("/").text
    assert "/admin" not in landing and "ada@example.com" not in landing


def test_create_user_prompts_twice_and_stores_only_a_hash(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["admin", "create-user", "Ops@RemNavi.example"],
                           input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(select(StaffUser)).one()
        assert user.email == "ops@remnavi.example"
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:")) and "long enough" not in user.password_hash
    assert sign_in(app.test_client(), "ops@remnavi.example", "a long enough password").status_code == 303


def test_create_user_from_stdin_and_its_refusals(app):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["admin", "create-user", "a@remnavi.example", "--password-stdin"],
                       input="from stdin password\n")
    assert ok.exit_code == 0
    duplicate = runner.invoke(args=["admin", "create-user", "a@remnavi.example", "--password-stdin"],
                              input="from stdin password\n")
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
    short = runner.invoke(args=["admin", "create-user", "b@remnavi.example", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "at least 12" in short.output
    mismatch = runner.invoke(args=["admin", "create-user", "c@remnavi.example"],
                             input="first password one\nsecond password two\n")
    assert mismatch.exit_code != 0
    bad = runner.invoke(args=["admin", "create-user", "not-an-address", "--password-stdin"], input="x" * 20 + "\n")
    assert bad.exit_code == 2
    with app.app_context():
        assert db.session.scalars(select(StaffUser.email)).all() == ["a@remnavi.example"]
