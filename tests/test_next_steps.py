"""After the download: the reader's headline result (checked against the PDF's own page), the newsletter
reminder, jobs for their role; and the emails that carry them, each with a preheader, Reply-To and the
postal address in both parts."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from sqlalchemy import select

from service import links, storage
from service.extensions import db
from service.guide import context, next_steps
from service.models import Edition, GuideRequest
from tests.conftest import csrf_token, run_jobs
from tests.test_editions import invoke
from tests.test_pdf import pdftotext, squash

PERSONAL = {"role": "Data Scientist", "seniority": "senior", "salary": "95000", "currency": "EUR", "city": "lisbon"}
POSTAL = "RemNavi, 1 Example Street, 10115 Berlin, Germany"


def _sign_up(client, **fields):
    data = {"csrf_token": csrf_token(client.get("/").text), **fields}
    answer = client.post("/guide", data=data)
    assert answer.status_code == 303
    return answer.headers["Location"]


def _parts(message):
    return (message.get_body("plain").get_content().replace("\r\n", "\n"),
            message.get_body("html").get_content().replace("\r\n", "\n"))


def test_a_personal_reader_sees_their_result_and_gets_it_by_email(sample_app, smtp_server, tmp_path):
    smtp_server.clear()
    sample_app.config["SMTP_URL"] = smtp_server.url
    invoke(sample_app, "guide", "render", "--year", "2026")
    client = sample_app.test_client()
    path = _sign_up(client, email="reader@example.com", newsletter="y", **PERSONAL)
    run_jobs(sample_app)  # the render, then the emails
    with sample_app.app_context():
        guide = db.session.scalars(select(GuideRequest)).one()
        edition = db.session.scalars(select(Edition)).one()
        inputs = {**PERSONAL, "salary": 95000.0, "period": "year"}
        expected = next_steps.phrase(context.build(2026, personal=inputs)["personal"], edition.personal_page)
        pages = pdftotext(storage.store().read(guide.pdf_sha256), tmp_path, layout=False)
    assert guide.headline == expected and re.match(r"\d+(st|nd|rd|th) percentile for Senior Data Scientist in "
                                                   r"Europe — page \d+$", expected)
    ordinal, page = expected.split(" ", 1)[0], int(expected.rsplit(" ", 1)[1])
    assert "Your personal page" in pages[page - 1] and f"{ordinal} percentile" in squash(pages[page - 1])

    thanks = client.get(path).text
    assert f"Your result:\n    <strong>{expected}</strong>" in thanks
    assert re.search(r'<p class="confirm" id="confirm" >', thanks)  # shown: this form ticked the newsletter
    jobs = re.search(r'id="jobs" href="([^"]+)"', thanks).group(1).replace("&amp;", "&")
    assert jobs == "https://remnavi.example/remote-jobs?q=Data+Scientist&utm_source=salary-guide&utm_medium=thank-you"
    status = json.loads(client.get(path + "/status").data)
    assert status["next"] == {"headline": expected, "confirm_newsletter": True, "jobs_url": jobs,
                              "role": "Data Scientist"}

    delivery = next(m for m in smtp_server.messages() if m["Subject"] == "Your Remote Salary Guide 2026")
    text, html = _parts(delivery)
    assert text.startswith(f"Your result: {expected}\n")  # the preview line, said once
    assert re.search(rf'<div style="display:none[^>]*>{re.escape(expected)}</div>', html)
    assert f"<strong>{expected}</strong>" in html and "/d/" in text and "/d/" in html
    assert delivery["Reply-To"] == "guide@remnavi.example"
    for message in smtp_server.messages():
        text, html = _parts(message)
        assert POSTAL in text and POSTAL in html and message["Reply-To"]
        assert re.search(r'<div style="display:none[^>]*>[^<]{20,}</div>', html)  # a preheader in every one


def test_the_welcome_email_repeats_the_download_link(sample_app, smtp_server):
    smtp_server.clear()
    sample_app.config["SMTP_URL"] = smtp_server.url
    client = sample_app.test_client()
    _sign_up(client, email="welcome@example.com", newsletter="y")
    run_jobs(sample_app)
    confirmation = next(m for m in smtp_server.messages() if "confirm" in m["Subject"])
    confirm = re.search(r"https?://\S+/newsletter/confirm/\S+", _parts(confirmation)[0]).group(0)
    client.post(urlsplit(confirm).path)
    run_jobs(sample_app)
    welcome = next(m for m in smtp_server.messages() if m["Subject"].startswith("Welcome"))
    delivery = next(m for m in smtp_server.messages() if m["Subject"].startswith("Your Remote"))
    text, html = _parts(welcome)
    again = re.search(r"https?://\S+/d/(\S+)", text)
    assert again and again.group(0) in html
    with sample_app.app_context():  # the same guide request as the delivery email's link, signed afresh
        sent = re.search(r"/d/(\S+)", _parts(delivery)[0]).group(1)
        assert links.load("download", again.group(1)) == links.load("download", sent)
    assert text.startswith("You are subscribed. Here is your guide's link again.")
    served = client.get(urlsplit(again.group(0)).path)
    assert served.status_code == 200 and served.mimetype == "application/pdf"
    served.close()


def test_without_personal_inputs_or_newsletter_only_the_jobs_link(sample_app):
    invoke(sample_app, "guide", "render", "--year", "2026")
    client = sample_app.test_client()
    path = _sign_up(client, email="plain@example.com")
    thanks = client.get(path).text
    assert '<div class="after" id="after" >' in thanks  # ready at once: shown
    assert re.search(r'<p class="headline" id="headline" hidden>', thanks)
    assert re.search(r'<p class="confirm" id="confirm" hidden>', thanks)
    assert 'href="https://remnavi.example/remote-jobs?utm_source=salary-guide&amp;utm_medium=thank-you"' in thanks
    assert json.loads(client.get(path + "/status").data)["next"]["headline"] is None
