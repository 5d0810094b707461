"""The embeds, in-process: framing, the salary box against the API and the PDF, the form's prefill, its
signed token instead of a session cookie, and the signup it makes (the same one as POST /guide)."""

from __future__ import annotations

import re

import redis
from sqlalchemy import select

from pdf.filters import money_k
from service.extensions import db
from service.models import ConsentEvent, GuideRequest
from tests.conftest import csrf_token, make_app

HOST = "https://remnavi.example"
ROLE_PAGE = HOST + "/remote-jobs/staff-ml-engineer?ref=nav"


def _policy(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))


def _token(html: str) -> str:
    match = re.search(r'name="embed_token" value="([^"]+)"', html)
    assert match, "the embedded form has no token"
    return match.group(1)


def _text(html: str) -> str:
    """The page's words, tags dropped and spacing collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#160;", " ").replace("&amp;", "&").split())


def test_only_the_listed_origins_may_frame_the_embeds(sqlite_app):
    sqlite_app.config["EMBED_ORIGINS"] = ["https://remnavi.example", "http://127.0.0.1:8123/ignored-path"]
    client = sqlite_app.test_client()
    for path in ("/embed/salary-index?role=Data+Scientist", "/embed/guide-form"):
        assert _policy(client.get(path))["frame-ancestors"] == "http://127.0.0.1:8123 https://remnavi.example"
    assert _policy(client.get("/"))["frame-ancestors"] == "'none'"


def test_the_salary_box_shows_the_apis_figures_and_names_the_role(sample_app):
    client = sample_app.test_client()
    answer = client.get("/api/v1/salary-index", query_string={"role": "Senior Data Scientist"}).json
    assert answer["own_band"] is True
    box = _text(client.get("/embed/salary-index", query_string={"role": "Senior Data Scientist"}).text)
    assert "Typical Senior Data Scientist salary" in box
    assert f"{money_k(answer['p25'])}–{money_k(answer['p75'])} typical range" in box
    assert f"median {money_k(answer['p50'])}" in box and f"{answer['n']:,} remote listings" in box
    mix = [r for r in answer["regions"] if r["p50"] is not None and r["own_band"]]
    assert all(f"{r['region']} {money_k(r['p50'])}" not in box for r in answer["regions"] if not r["own_band"])
    assert mix and all(f"{r['region']} {money_k(r['p50'])} median (n {r['n']:,})" in box for r in mix)


def test_below_the_threshold_the_box_says_it_is_the_categorys(sample_app):
    client = sample_app.test_client()
    answer = client.get("/api/v1/salary-index", query_string={"role": "Staff ML Engineer"}).json
    assert answer["fallback"] == "category"
    box = _text(client.get("/embed/salary-index", query_string={"role": "Staff ML Engineer"}).text)
    assert "Typical Machine Learning & AI salary Category benchmark for Staff Machine Learning Engineer" in box
    assert (f"Per-role salary data for Staff Machine Learning Engineer will appear here once 20 salary-disclosed "
            f"listings accumulate ({answer['own_n']} so far)") in box
    assert f"{money_k(answer['p25'])}–{money_k(answer['p75'])}" in box


def test_a_role_the_guide_does_not_know_still_gets_named(sample_app):
    client = sample_app.test_client()
    box = _text(client.get("/embed/salary-index", query_string={"role": "Basket Weaver",
                                                                "category": "Software Engineering"}).text)
    category = client.get("/api/v1/salary-index", query_string={"category": "Software Engineering"}).json
    assert "Typical Basket Weaver salary" in box and money_k(category["p50"]) in box
    # The site's own category for a role may differ from the guide's: the role's band wins.
    filed = _text(client.get("/embed/salary-index", query_string={"role": "Senior Data Scientist",
                                                                  "category": "Software Engineering"}).text)
    assert "Typical Senior Data Scientist salary" in filed
    unknown = client.get("/embed/salary-index", query_string={"category": "Astrology"})
    assert unknown.status_code == 404 and "no category" in unknown.text


def test_the_form_prefills_the_role_and_carries_the_source(sqlite_app):
    page = sqlite_app.test_client().get("/embed/guide-form", query_string={"role": "Staff ML Engineer",
                                                                           "utm_campaign": "role-pages"},
                                        headers={"Referer": ROLE_PAGE}).text
    assert re.search(r'<option selected value="Machine Learning Engineer">', page)
    assert re.search(r'<option selected value="staff">', page)
    assert 'name="utm_source" type="hidden" value="remnavi.example"' in page
    assert 'name="utm_medium" type="hidden" value="embed"' in page
    assert 'name="utm_campaign" type="hidden" value="role-pages"' in page
    assert f'name="referrer" type="hidden" value="{ROLE_PAGE}"' in page.replace("&amp;", "&")
    assert 'name="csrf_token"' not in page  # no session token: it would need a cookie the iframe may not get


def _submit(client, **fields):
    page = client.get("/embed/guide-form", headers={"Referer": ROLE_PAGE}).text
    form = {"embed_token": _token(page), "utm_source": "remnavi.example", "utm_medium": "embed",
            "referrer": ROLE_PAGE, **fields}
    return client.post("/embed/guide", data=form)


def test_the_embedded_signup_is_the_same_signup(sqlite_app):
    client = sqlite_app.test_client()
    answer = _submit(client, email="Embedded@Example.com", newsletter="y")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/embed/guide/")
    again = _submit(client, email="embedded@example.com")  # a known address gets the same kind of answer
    assert again.status_code == 303 and again.headers["Location"] != answer.headers["Location"]
    thanks = client.get(answer.headers["Location"])
    assert thanks.status_code == 200 and _policy(thanks)["frame-ancestors"] == HOST
    with sqlite_app.app_context():
        requests = db.session.scalars(select(GuideRequest)).all()
        events = db.session.scalars(select(ConsentEvent).order_by(ConsentEvent.id)).all()
        assert len(requests) == 2 and {r.subscriber.email for r in requests} == {"embedded@example.com"}
        assert [e.kind.value for e in events][:2] == ["guide_delivery", "newsletter_opt_in"]
        assert {(e.referrer, e.utm_source, e.utm_medium) for e in events} == {(ROLE_PAGE, "remnavi.example", "embed")}


def test_the_form_needs_its_signed_token(sqlite_app):
    client = sqlite_app.test_client()
    missing = client.post("/embed/guide", data={"email": "a@example.com"})
    assert missing.status_code == 400 and "could not be checked" in missing.text and _token(missing.text)
    forged = client.post("/embed/guide", data={"email": "a@example.com", "embed_token": "x" + _token(missing.text)})
    assert forged.status_code == 400
    sqlite_app.config["EMBED_FORM_MAX_AGE"] = -1
    expired = _submit(client, email="a@example.com")
    assert expired.status_code == 400 and "expired" in expired.text
    with sqlite_app.app_context():
        assert db.session.scalars(select(GuideRequest)).all() == []


def test_bad_input_gets_the_form_again_with_a_message(sqlite_app):
    answer = _submit(sqlite_app.test_client(), email="not an address")
    assert answer.status_code == 422 and "look right" in answer.text and _token(answer.text)


def test_the_form_and_the_landing_page_share_one_limit(redis_server, sqlite_template, tmp_path):
    import shutil

    shutil.copyfile(sqlite_template, tmp_path / "db.sqlite")
    redis.Redis.from_url(redis_server.url).flushall()
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", redis_server.url, tmp_path, SIGNUP_RATE_LIMIT="2 per minute")
    client = app.test_client()
    landing = client.post("/guide", data={"csrf_token": csrf_token(client.get("/").text), "email": "l@example.com"})
    assert landing.status_code == 303
    assert _submit(client, email="e1@example.com").status_code == 303
    limited = _submit(client, email="e2@example.com")
    assert limited.status_code == 429 and "Too many requests" in limited.text


def test_the_prefilled_role_alone_asks_for_no_personal_page(sqlite_app):
    client = sqlite_app.test_client()
    plain = _submit(client, email="plain@example.com", role="Data Scientist", seniority="senior")
    personal = _submit(client, email="mine@example.com", role="Data Scientist", seniority="senior",
                       salary="95000", currency="EUR", city="lisbon")
    assert plain.status_code == personal.status_code == 303
    with sqlite_app.app_context():
        made = {r.subscriber.email: r.personal for r in db.session.scalars(select(GuideRequest))}
    assert made["plain@example.com"] is None
    assert made["mine@example.com"]["role"] == "Data Scientist" and made["mine@example.com"]["city"] == "lisbon"
