"""GET /api/v1/salary-index: the PDF's own figures for a role, a category or everything, each fallback and
error, caching, CORS and the rate limit; and the running app checked against its OpenAPI description."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.guide import context

INDEX = "/api/v1/salary-index"
SITE = "https://remnavi.example"


def _guide(app: Flask) -> dict[str, Any]:
    """The context the PDF is rendered from."""
    with app.app_context():
        return context.build(int(app.config["EDITION_YEAR"]))


def _band(guide: dict[str, Any], role: str, seniority: str, region: str = "All") -> dict[str, Any]:
    bands = guide["bands"] if region == "All" else next(r for r in guide["regions"] if r["region"] == region)["bands"]
    return next(b for b in bands if b["role"] == role and b["seniority"] == seniority)


def _category(guide: dict[str, Any], category: str, region: str = "All") -> dict[str, Any]:
    found = guide["categories"] if region == "All" else next(
        r for r in guide["regions"] if r["region"] == region)["categories"]
    return next(c for c in found if c["category"] == category)


def _quartiles(item: dict[str, Any]) -> tuple[Any, ...]:
    return item["n"], item["p25"], item["p50"], item["p75"]


def test_a_role_with_its_own_band_answers_the_pdfs_band(sample_app):
    guide = _guide(sample_app)
    own = next(b for b in guide["bands"] if b["own_band"] and b["seniority"] == "senior")
    answer = sample_app.test_client().get(INDEX, query_string={"role": f"  senior   {own['role'].upper()} "}).json
    assert (answer["role"], answer["seniority"], answer["category"]) == (own["role"], "senior", own["category"])
    assert _quartiles(answer) == _quartiles(own)
    assert answer["own_band"] is True and answer["fallback"] is None and answer["currency"] == "USD"
    assert answer["threshold"] == guide["threshold"] == 20
    assert answer["snapshot"]["id"] == guide["snapshot"]["id"] and answer["window"] == guide["window"]
    for region in answer["regions"]:  # the same lookup per region, beside it
        if region["own_band"]:
            assert _quartiles(region) == _quartiles(_band(guide, own["role"], "senior", region["region"]))


def test_the_title_classifier_finds_the_role_and_its_level(sample_app):
    answer = sample_app.test_client().get(INDEX, query_string={"role": "Staff ML Engineer"}).json
    assert (answer["role"], answer["seniority"], answer["category"]) == (
        "Machine Learning Engineer", "staff", "Machine Learning & AI")
    override = sample_app.test_client().get(INDEX, query_string={"role": "Staff ML Engineer",
                                                                 "seniority": "Senior"}).json
    assert override["seniority"] == "senior"


def test_below_the_threshold_the_category_stands_in(sample_app):
    guide = _guide(sample_app)
    small = next(b for b in guide["bands"] if not b["own_band"] and b["n"] > 0
                 and _category(guide, b["category"])["n"] >= guide["threshold"])
    answer = sample_app.test_client().get(INDEX, query_string={"role": small["role"],
                                                               "seniority": small["seniority"]}).json
    category = _category(guide, small["category"])
    assert answer["fallback"] == "category" and answer["own_band"] is False
    assert _quartiles(answer) == _quartiles(category) and answer["own_n"] == small["n"]


def test_a_category_and_a_region(sample_app):
    guide = _guide(sample_app)
    answer = sample_app.test_client().get(INDEX, query_string={"category": "software engineering",
                                                               "region": "europe"}).json
    europe = _category(guide, "Software Engineering", "Europe")
    assert answer["region"] == "Europe" and answer["role"] is None and answer["regions"] == []
    assert answer["n"] == europe["n"]
    assert (answer["p50"] == europe["p50"]) if europe["n"] >= guide["threshold"] else answer["p50"] is None


def test_no_parameters_is_every_remote_listing(sample_app):
    guide = _guide(sample_app)
    answer = sample_app.test_client().get(INDEX).json
    assert answer["n"] == guide["listings_analysed"] and answer["p50"] == guide["overall"]["p50"]
    assert (answer["category"], answer["role"], answer["seniority"], answer["region"]) == (None, None, None, "All")
    assert [r["n"] for r in answer["regions"]] == [r["listings"] for r in guide["regions"]]


def test_a_region_below_the_threshold_shows_no_figure(sample_app):
    guide = _guide(sample_app)
    region, thin = next((r["region"], c) for r in guide["regions"] for c in r["categories"]
                        if 0 < c["n"] < guide["threshold"])
    answer = sample_app.test_client().get(INDEX, query_string={"category": thin["category"], "region": region}).json
    assert answer["n"] == thin["n"] and (answer["p25"], answer["p50"], answer["p75"]) == (None, None, None)
    assert answer["own_band"] is False and answer["fallback"] is None


@pytest.mark.parametrize(("query", "code", "words"), [
    ({"role": "Basket Weaver"}, 404, "no role"),
    ({"category": "Astrology"}, 404, "no category"),
    ({"region": "Mars"}, 400, "region must be"),
    ({"role": "Data Scientist", "seniority": "wizard"}, 400, "seniority must be"),
    ({"seniority": "senior"}, 400, "needs a role"),
    ({"role": "Data Scientist", "category": "Research"}, 400, "not Research"),
    ({"colour": "blue"}, 400, "unknown parameter"),
    ({"role": "x" * 121}, 400, "longer than"),
])
def test_errors_are_json_with_a_message(sample_app, query, code, words):
    response = sample_app.test_client().get(INDEX, query_string=query)
    assert response.status_code == code and words in response.json["error"]


def test_a_repeated_parameter_is_refused(sqlite_app):
    response = sqlite_app.test_client().get(INDEX + "?region=US&region=Europe")
    assert response.status_code == 400 and "more than once" in response.json["error"]


def test_without_data_the_api_says_so(sqlite_app):
    response = sqlite_app.test_client().get(INDEX)
    assert response.status_code == 503 and "no salary data" in response.json["error"]


def test_answers_carry_an_etag_and_may_be_cached(sample_app):
    client = sample_app.test_client()
    first = client.get(INDEX, query_string={"role": "Data Scientist"})
    assert first.headers["Cache-Control"] == "public, max-age=3600" and first.headers["ETag"]
    again = client.get(INDEX, query_string={"role": "Data Scientist"}, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other = client.get(INDEX, query_string={"role": "Data Engineer"})
    assert other.headers["ETag"] != first.headers["ETag"]


def test_cors_answers_the_listed_origins_only(sqlite_app):
    sqlite_app.config["EMBED_ORIGINS"] = "https://remnavi.example http://127.0.0.1:5000"
    client = sqlite_app.test_client()
    listed = client.get(INDEX, headers={"Origin": "http://127.0.0.1:5000"})
    assert listed.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:5000"
    assert "Origin" in listed.headers["Vary"]
    assert "Access-Control-Allow-Origin" not in client.get(INDEX, headers={"Origin": "https://evil.example"}).headers


def test_the_default_origin_is_the_brands_site(sqlite_app):
    response = sqlite_app.test_client().get(INDEX, headers={"Origin": SITE})
    assert response.headers["Access-Control-Allow-Origin"] == SITE


def test_the_api_is_rate_limited_per_address(sqlite_app):
    sqlite_app.config["API_RATE_LIMIT"] = "3 per minute"
    client = sqlite_app.test_client()
    codes = [client.get(INDEX, query_string={"region": "US"}).status_code for _ in range(4)]
    assert codes[:3] == [503] * 3 and codes[3] == 429  # no data yet, then the limit
    assert "Too many requests" in client.get(INDEX).json["error"]


def test_a_bad_origin_setting_stops_the_start(sqlite_app, redis_server, tmp_path):
    from tests.conftest import make_app

    with pytest.raises(RuntimeError, match="EMBED_ORIGINS"):
        make_app(sqlite_app.config["DATABASE_URL"], redis_server.url, tmp_path / "bad", EMBED_ORIGINS=["remnavi"])


@pytest.mark.slow
def test_the_app_answers_as_its_openapi_description_says(sample_app):
    """Generated queries, valid and not: every answer's status, headers and body match the description."""
    sample_app.config["API_RATE_LIMIT"] = "100000 per minute"
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", sample_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert [op.label for op in operations] == ["GET /api/v1/salary-index"]

    @given(case=operations[0].as_strategy())
    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def answers_as_described(case: Any) -> None:
        # Two rules join parameters, which OpenAPI 3.0 cannot state but the description says in words: a
        # seniority needs a role, and a role must be in the category given. Their 400s are tested above.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    answers_as_described()
