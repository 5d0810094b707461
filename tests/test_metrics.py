"""GET /metrics: what a signup, a render and an email expose; who may read it; gunicorn's workers summed."""

from __future__ import annotations

import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import csrf_token, run_jobs
from tests.stack import Stack

PERSONAL = {"role": "Data Scientist", "seniority": "senior", "salary": "90000", "currency": "EUR", "city": "lisbon"}
TOKEN = "m" * 40


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample by name and labels."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def scrape(app) -> dict:
    response = app.test_client().get("/metrics")
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/plain" and response.headers["Cache-Control"] == "no-store"
    return samples(response.text)


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_a_signup_a_render_and_an_email_are_counted(sample_app, smtp_server):
    smtp_server.clear()
    sample_app.config["SMTP_URL"] = smtp_server.url
    before = scrape(sample_app)
    client = sample_app.test_client()
    response = client.post("/guide", data={"csrf_token": csrf_token(client.get("/").text),
                                           "email": "ada@example.com", **PERSONAL})
    assert response.status_code == 303
    after_signup = scrape(sample_app)
    assert value(after_signup, "salaryguide_queue_depth", queue="render") == 1
    assert value(after_signup, "salaryguide_queue_depth", queue="email") == 1
    run_jobs(sample_app)
    found = scrape(sample_app)
    assert value(found, "salaryguide_signups_total", outcome="queued") == \
        value(before, "salaryguide_signups_total", outcome="queued") + 1
    post = dict(route="/guide", method="POST", status="303")
    assert value(found, "salaryguide_http_request_duration_seconds_count", **post) == \
        value(before, "salaryguide_http_request_duration_seconds_count", **post) + 1
    # The personal guide was merged into a freshly rendered base: one of each, timed.
    assert value(found, "salaryguide_renders_total", path="personal_base") == 1
    assert value(found, "salaryguide_renders_total", path="personal") == 1
    assert value(found, "salaryguide_render_seconds_count", path="personal") == 1
    assert value(found, "salaryguide_render_seconds_bucket", path="personal", le="+Inf") == 1
    assert value(found, "salaryguide_render_seconds_sum", path="personal_base") > 0
    assert value(found, "salaryguide_emails_total", status="sent") == 1
    assert value(found, "salaryguide_queue_depth", queue="render") == 0
    assert value(found, "salaryguide_queue_failed_jobs", queue="render") == 0
    assert value(found, "salaryguide_data_snapshot_age_seconds") > 0
    assert value(found, "salaryguide_processes_alive", role="scheduler") == 0  # none runs in this test


def test_an_export_counts_its_rows(sample_app):
    sample_app.config["ADMIN_TOKEN"] = TOKEN
    client = sample_app.test_client()
    client.post("/guide", data={"csrf_token": csrf_token(client.get("/").text), "email": "bo@example.com"})
    before = value(scrape(sample_app), "salaryguide_export_rows_total")
    export = client.get("/admin/subscribers.csv", headers={"Authorization": f"Bearer {TOKEN}"})
    assert export.status_code == 200 and export.text.count("\n") == 2
    assert value(scrape(sample_app), "salaryguide_export_rows_total") == before + 1


def test_metrics_are_hidden_from_other_addresses_and_bound_to_the_token_when_configured(sqlite_app):
    client = sqlite_app.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404
    sqlite_app.config.update(METRICS_ACCESS="token", ADMIN_TOKEN=TOKEN)
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 40}).status_code == 404
    allowed = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"},
                         environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert allowed.status_code == 200 and "salaryguide_queue_depth" in allowed.text


@pytest.mark.slow
def test_gunicorn_workers_are_summed_in_multiprocess_mode(tmp_path, redis_server):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    stack = Stack(tmp_path, redis_server.url, LOG_LEVEL="WARNING")
    stack.env["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    try:
        stack.flask("db", "upgrade")
        stack.start_web()  # two gunicorn workers; start_web's readiness probe requests "/" too
        for _ in range(20):
            urllib.request.urlopen(stack.url + "/healthz", timeout=10).close()
        counts = set()
        for _ in range(4):  # whichever worker answers, it reports all of them
            with urllib.request.urlopen(stack.url + "/metrics", timeout=10) as response:
                found = samples(response.read().decode())
            counts.add(value(found, "salaryguide_http_request_duration_seconds_count",
                             route="/healthz", method="GET", status="200"))
        assert counts == {20}, stack.logs()
        assert len(list(folder.glob("histogram_*.db"))) >= 1
    finally:
        stack.stop()
