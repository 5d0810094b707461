"""Exports: each layout read back with the csv module, filters, formula escaping, bad input, the record kept."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from service.export.cells import TRIGGERS, neutralise, restore
from service.extensions import db
from service.models import ExportRecord
from tests.people import STAFF_EMAIL, TOKEN, add_staff, cast, sign_in

AUTH = {"Authorization": f"Bearer {TOKEN}"}
FORMULA_EMAIL = "=cmd|' /C calc'!A0@example.com"
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture
def client(app):
    app.config["ADMIN_TOKEN"] = TOKEN
    cast(app)
    return app.test_client()


def export(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/admin/subscribers.csv{query}", headers=AUTH)
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text, newline="")))


def emails(rows: list[dict[str, str]], column: str = "email") -> set[str]:
    return {restore(row[column]) for row in rows}


def test_plain_layout_holds_everyone_with_every_field(client):
    response = client.get("/admin/subscribers.csv", headers=AUTH)
    header = next(csv.reader(io.StringIO(response.text)))
    assert header[:6] == ["email", "status", "uuid", "signed_up_at", "updated_at", "editions"]
    rows = {restore(r["email"]): r for r in csv.DictReader(io.StringIO(response.text, newline=""))}
    assert set(rows) == {"ada@example.com", "grace@example.com", "linus@example.com", "barbara@example.com",
                         FORMULA_EMAIL}
    ada = rows["ada@example.com"]
    assert ada["status"] == "subscribed" and len(ada["uuid"]) == 36
    assert ada["signed_up_at"] == "2026-01-05T12:00:00Z" and ISO.match(ada["updated_at"])
    assert ada["editions"] == "2025 2026"
    assert (ada["delivery_consent_at"], ada["delivery_consent_form"], ada["delivery_consent_form_version"],
            ada["delivery_consent_text_hash"]) == ("2026-01-05T12:00:00Z", "salary-guide-landing", "2026.1",
                                                   "sha256:guide_delivery")
    assert (ada["newsletter_consent_at"], ada["newsletter_consent_form_version"], ada["newsletter_consent_text_hash"],
            ada["newsletter_consent_ip"], ada["newsletter_consent_user_agent"]) == (
        "2026-01-05T13:00:00Z", "2026.1", "sha256:newsletter_opt_in", "203.0.113.7", "Firefox")
    assert (ada["confirmed_at"], ada["unsubscribed_at"]) == ("2026-01-05T14:00:00Z", "")
    assert (ada["utm_source"], ada["utm_medium"], ada["utm_campaign"], ada["referrer"]) == (
        "twitter", "social", "launch", "")
    linus = rows["linus@example.com"]
    assert (linus["status"], linus["newsletter_consent_at"]) == ("guide_only", "")
    assert linus["referrer"] == "https://news.example/item?id=1"
    assert rows["barbara@example.com"]["unsubscribed_at"] == "2026-01-08T15:00:00Z"


def test_mailchimp_layout_holds_confirmed_subscribers_in_their_columns(client):
    response = client.get("/admin/subscribers.csv?layout=mailchimp", headers=AUTH)
    reader = csv.reader(io.StringIO(response.text, newline=""))
    assert next(reader) == ["Email Address", "First Name", "Last Name", "Tags", "Signup Date", "Source"]
    rows = {row[0]: row for row in reader}
    assert set(rows) == {"ada@example.com"}  # the formula address has a file of its own
    assert rows["ada@example.com"] == ["ada@example.com", "", "", "salary-guide-2025,salary-guide-2026", "2026-01-05",
                                       "twitter"]
    pending = export(client, "?layout=mailchimp&status=pending,unsubscribed")
    assert emails(pending, "Email Address") == {"grace@example.com", "barbara@example.com"}


def test_listmonk_layout_is_their_import_csv(client):
    response = client.get("/admin/subscribers.csv?layout=listmonk", headers=AUTH)
    assert response.text.startswith("email,name,attributes\r\n")
    rows = {r["email"]: r for r in csv.DictReader(io.StringIO(response.text, newline=""))}
    assert set(rows) == {"ada@example.com"}
    ada = rows["ada@example.com"]
    assert ada["name"] == ""  # listmonk fills it from the address
    attributes = json.loads(ada["attributes"])
    assert attributes["status"] == "subscribed" and attributes["editions"] == [2025, 2026]
    assert attributes["source"] == {"utm_source": "twitter", "utm_medium": "social", "utm_campaign": "launch"}
    assert attributes["consent"] == {"at": "2026-01-05T13:00:00Z", "form": "salary-guide-landing",
                                     "form_version": "2026.1", "text_hash": "sha256:newsletter_opt_in",
                                     "confirmed_at": "2026-01-05T14:00:00Z"}


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx", "\0x", "'=1", "''-x",
                                   "'plain", "plain", "", "a=b", "ünïcode", "''", "'"])
def test_neutralise_is_safe_and_reversible(value):
    cell = neutralise(value)
    assert cell[:1] not in TRIGGERS or cell == ""
    assert restore(cell) == value
    if value[:1] in TRIGGERS and value:
        assert cell == "'" + value


def test_no_exported_cell_starts_a_formula(client):
    for layout in ("plain", "mailchimp", "listmonk"):
        response = client.get(f"/admin/subscribers.csv?layout={layout}&status=subscribed", headers=AUTH)
        cells = [cell for row in csv.reader(io.StringIO(response.text, newline="")) for cell in row]
        assert not [cell for cell in cells if cell[:1] in TRIGGERS and cell], layout
    plain = client.get("/admin/subscribers.csv?status=subscribed", headers=AUTH).text
    assert "'" + FORMULA_EMAIL in plain  # plain guards the email column too
    assert '=HYPERLINK("http://evil.example")' in {restore(r["utm_source"]) for r in export(client)}


TOOL_ADDRESSES = ["-bob@example.com", "+bob@example.com", "=bob@example.com", "'bob@example.com",
                  "'-bob@example.com", "bob-@example.com"]


@pytest.mark.parametrize("layout,column", [("mailchimp", "Email Address"), ("listmonk", "email")])
def test_tool_layouts_carry_every_address_exactly_and_formula_ones_apart(app, client, layout, column):
    """The rule (docs/marketing.md): a tool file never changes an address; rows whose address a spreadsheet
    would run as a formula are left out of it and go, unchanged, into a file of their own."""
    from service.models import SubscriberStatus
    from tests.people import person

    with app.app_context():
        for i, address in enumerate(TOOL_ADDRESSES):
            person(address, SubscriberStatus.SUBSCRIBED, 10 + i, newsletter=True, confirmed=True,
                   utm_source="=HYPERLINK(1)")
        db.session.commit()
    main = export(client, f"?layout={layout}")
    apart = client.get(f"/admin/subscribers.csv?layout={layout}&formula_rows=only", headers=AUTH)
    assert "formula-addresses-do-not-open-in-a-spreadsheet" in apart.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(apart.text, newline="")))
    assert {r[column] for r in main} == {"ada@example.com", "'bob@example.com", "bob-@example.com"}
    assert {r[column] for r in rows} == {FORMULA_EMAIL, "-bob@example.com", "+bob@example.com",
                                         "=bob@example.com", "'-bob@example.com"}
    others = [cell for r in main + rows for name, cell in r.items() if name != column]
    assert not [cell for cell in others if cell[:1] in TRIGGERS and cell]  # other cells are still guarded
    assert client.get("/admin/subscribers.csv?formula_rows=only", headers=AUTH).status_code == 400
    assert client.get(f"/admin/subscribers.csv?layout={layout}&formula_rows=x", headers=AUTH).status_code == 400


def test_cli_export_says_what_it_left_out(app, client, tmp_path):
    result = app.test_cli_runner().invoke(args=["subscribers", "export", "--layout", "mailchimp",
                                                "--out", str(tmp_path / "m.csv")])
    assert result.exit_code == 0, result.output
    assert "Exported 1 row(s)" in result.stderr and "Left out 1 row(s)" in result.stderr
    apart = app.test_cli_runner().invoke(args=["subscribers", "export", "--layout", "mailchimp",
                                               "--formula-rows", "only"])
    assert FORMULA_EMAIL in apart.stdout and "never open it in a spreadsheet" in apart.stderr


FILTERS = [
    ("?status=subscribed", {"ada@example.com", FORMULA_EMAIL}),
    ("?status=pending&status=guide_only", {"grace@example.com", "linus@example.com"}),
    ("?newsletter=yes", {"ada@example.com", "grace@example.com", "barbara@example.com", FORMULA_EMAIL}),
    ("?newsletter=no", {"linus@example.com"}),
    ("?since=2026-01-07", {"linus@example.com", "barbara@example.com", FORMULA_EMAIL}),
    ("?until=2026-01-06", {"ada@example.com", "grace@example.com"}),
    ("?since=2026-01-06&until=2026-01-07", {"grace@example.com", "linus@example.com"}),
    ("?utm_source=twitter", {"ada@example.com"}),
    ("?utm_source=twitter&utm_medium=social&utm_campaign=launch", {"ada@example.com"}),
    ("?utm_campaign=other", set()),
    ("?referrer=news.example", {"linus@example.com"}),
    ("?referrer=%25", set()),  # a LIKE wildcard is matched literally
    ("?edition=2025", {"ada@example.com", FORMULA_EMAIL}),
    ("?edition=2026&status=subscribed", {"ada@example.com"}),
    ("?layout=listmonk&status=pending", {"grace@example.com"}),
    ("?utm_source=x'%20OR%20'1'%3D'1", set()),  # values are bound, never spliced into SQL
    ("?status=", {"ada@example.com", "grace@example.com", "linus@example.com", "barbara@example.com",
                  FORMULA_EMAIL}),
]


def test_filters_choose_the_rows(client):
    for query, expected in FILTERS:
        assert emails(export(client, query)) == expected, query


def test_limit_keeps_the_first_rows_by_id(client):
    rows = export(client, "?limit=2")
    assert [restore(r["email"]) for r in rows] == ["ada@example.com", "grace@example.com"]


BAD = [
    ("?status=everyone", "Unknown status 'everyone'"),
    ("?layout=excel", "Unknown layout 'excel'"),
    ("?since=2026-13-01", "'since' must be a date written YYYY-MM-DD"),
    ("?until=yesterday", "'until' must be a date written YYYY-MM-DD"),
    ("?since=20260101", "'since' must be a date written YYYY-MM-DD"),
    ("?since=2026-02-01&until=2026-01-01", "'since' must not be after 'until'"),
    ("?limit=-1", "'limit' must be a whole number from 1 to 10000000"),
    ("?limit=0", "'limit' must be a whole number"),
    ("?limit=99999999999999999999", "'limit' must be a whole number"),
    ("?limit=1e3", "'limit' must be a whole number"),
    ("?edition=26", "'edition' must be a whole number from 2000 to 2100"),
    ("?newsletter=maybe", "'newsletter' is yes or no"),
    ("?utm_source=" + "x" * 200, "'utm_source' must be at most 128"),
    ("?utm_source=a%0Db", "'utm_source' must be at most 128 printable"),
    ("?layout=plain&layout=listmonk", "Give 'layout' once"),
    ("?stauts=subscribed", "Unknown filter 'stauts'"),
]


def test_bad_filters_are_400_with_a_clear_message(client, app):
    for query, message in BAD:
        response = client.get(f"/admin/subscribers.csv{query}", headers=AUTH)
        assert response.status_code == 400, query
        assert message in response.text, (query, response.text)
        assert response.mimetype == "text/plain"
    add_staff(app)
    staff = app.test_client()
    sign_in(staff)
    page = staff.get("/admin/subscribers.csv?status=everyone")  # a person in a browser gets a page
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert "Unknown status &#39;everyone&#39;" in page.text
    with app.app_context():
        assert db.session.scalars(select(ExportRecord)).all() == []  # refused exports are not recorded


def test_response_is_a_private_attachment(client):
    response = client.get("/admin/subscribers.csv?layout=mailchimp", headers=AUTH)
    assert response.mimetype == "text/csv"
    assert re.fullmatch(r'attachment; filename="subscribers-mailchimp-\d{8}-\d{6}\.csv"',
                        response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "no-store"
    assert response.is_streamed


def test_each_export_is_recorded_with_who_filters_and_rows(client, app):
    export(client, "?layout=mailchimp&since=2026-01-01")
    add_staff(app)
    staff = app.test_client()
    sign_in(staff)
    response = staff.get("/admin/subscribers.csv?status=pending")
    assert response.status_code == 200 and "grace@example.com" in response.text  # reading the body ends the stream
    with app.app_context():
        token_export, staff_export = db.session.scalars(select(ExportRecord).order_by(ExportRecord.id)).all()
        assert (token_export.actor, token_export.layout, token_export.row_count) == ("token", "mailchimp", 1)
        assert token_export.filters == {"layout": "mailchimp", "status": ["subscribed"], "since": "2026-01-01",
                                        "formula_rows": "exclude"}  # the formula address is not in this file
        assert token_export.finished_at is not None
        assert (staff_export.actor, staff_export.row_count, staff_export.filters["status"]) == (
            STAFF_EMAIL, 1, ["pending"])


def test_cli_export_writes_a_file_with_progress_on_stderr(app, tmp_path):
    cast(app)
    app.config["EXPORT_BATCH_SIZE"] = 2
    out = tmp_path / "list.csv"
    result = app.test_cli_runner().invoke(args=["subscribers", "export", "--out", str(out), "--layout", "listmonk",
                                                "--status", "subscribed", "--status", "pending"])
    assert result.exit_code == 0, result.output
    assert "Exporting: 2/3 rows (66%)" in result.stderr and "Exporting: 3/3 rows (100%)" in result.stderr
    assert "Exported 2 row(s) in the listmonk layout." in result.stderr
    assert "Left out 1 row(s) whose address a spreadsheet would run as a formula" in result.stderr
    with out.open(newline="", encoding="utf-8") as file:
        assert file.readline() == "email,name,attributes\r\n"
        rows = list(csv.DictReader(file, fieldnames=["email", "name", "attributes"]))
    assert {row["email"] for row in rows} == {"ada@example.com", "grace@example.com"}
    with app.app_context():
        record = db.session.scalars(select(ExportRecord)).one()
        assert (record.actor, record.row_count, record.filters["status"]) == ("cli", 2, ["pending", "subscribed"])


def test_cli_export_to_stdout_and_bad_options(app):
    cast(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["subscribers", "export", "--since", "2026-01-09"])
    assert result.exit_code == 0
    assert [restore(r["email"]) for r in csv.DictReader(io.StringIO(result.stdout))] == [FORMULA_EMAIL]
    bad = runner.invoke(args=["subscribers", "export", "--limit", "-5"])
    assert bad.exit_code == 2 and "'limit' must be a whole number" in bad.stderr
