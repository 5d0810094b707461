"""The content key covers everything the PDF prints: change any part and a new PDF is made, not an old one served."""

from __future__ import annotations

import shutil

import pytest

from service.extensions import db
from service.guide import rendering
from service.models import DataSnapshot
from service.reference import tables

PERSONAL = {"role": "Data Scientist", "seniority": "senior", "salary": 90000.0, "period": "year",
            "currency": "EUR", "city": "lisbon"}
SETTINGS = {"snapshot_hash": "sha256:a", "reference": "sha256:r", "brand": ["RemNavi", "https://remnavi.example"],
            "threshold": 20, "window_months": 24}


@pytest.mark.parametrize(("part", "value"), [
    ("snapshot_hash", "sha256:b"), ("reference", "sha256:s"), ("brand", ["Other", "https://remnavi.example"]),
    ("brand", ["RemNavi", "https://other.example"]), ("threshold", 21), ("window_months", 12),
])
def test_each_printed_setting_changes_the_key(part, value):
    base = rendering.content_key("t1", 1, 2026, None, SETTINGS)
    assert base == rendering.content_key("t1", 1, 2026, None, dict(SETTINGS))
    assert rendering.content_key("t1", 1, 2026, None, {**SETTINGS, part: value}) != base


@pytest.mark.parametrize(("field", "value"), [
    ("role", "Data Engineer"), ("seniority", "staff"), ("salary", 90001.0), ("period", "month"),
    ("currency", "USD"), ("city", "tokyo"),
])
def test_each_personal_input_changes_the_key(field, value):
    base = rendering.content_key("t1", 1, 2026, PERSONAL, SETTINGS)
    assert rendering.content_key("t1", 1, 2026, {**PERSONAL, field: value}, SETTINGS) != base


def test_the_template_snapshot_and_year_change_the_key():
    base = rendering.content_key("t1", 1, 2026, None, SETTINGS)
    others = {rendering.content_key("t2", 1, 2026, None, SETTINGS),
              rendering.content_key("t1", 2, 2026, None, SETTINGS),
              rendering.content_key("t1", 1, 2027, None, SETTINGS)}
    assert base not in others and len(others) == 3


def test_the_reference_hash_follows_the_files(tmp_path):
    same, changed = tmp_path / "same", tmp_path / "changed"
    shutil.copytree(tables.DATA, same)
    shutil.copytree(tables.DATA, changed)
    with (changed / "cities.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert tables.data_hash(same) == tables.data_hash()  # the name of the folder is not part of it
    assert tables.data_hash(changed) != tables.data_hash()


@pytest.mark.parametrize(("setting", "value"), [
    ("BRAND_NAME", "Elsewhere"), ("BRAND_URL", "https://elsewhere.example"), ("BAND_THRESHOLD", 30),
    ("WINDOW_MONTHS", 12),
])
def test_a_changed_setting_gets_a_new_pdf(sample_app, setting, value):
    with sample_app.app_context():
        before = rendering.ensure_pdf(2026, None)
        key, sha = before.content_key, before.sha256
        sample_app.config[setting] = value
        after = rendering.ensure_pdf(2026, None)
        assert after.content_key != key and after.sha256 != sha


def test_a_changed_snapshot_hash_changes_the_current_key(sample_app):
    with sample_app.app_context():
        before = rendering.current_key(2026, None)
        snapshot = db.session.get(DataSnapshot, db.session.query(DataSnapshot.id).scalar())
        snapshot.content_hash = "sha256:" + "0" * 64
        db.session.commit()
        assert rendering.current_key(2026, None) != before
