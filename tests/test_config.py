"""Configuration: defaults that work with nothing set, SALARYGUIDE_* overrides, production safety."""

from __future__ import annotations

import pytest

from service import config, create_app


def test_defaults_work_with_nothing_set(tmp_path):
    settings = config.load(environ={"SALARYGUIDE_INSTANCE_PATH": str(tmp_path)})
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'salaryguide.db'}"
    assert settings["PDF_STORE"] == str(tmp_path / "pdfs")
    assert settings["REDIS_URL"].startswith("redis://127.0.0.1:")


def test_environment_overrides_are_parsed(tmp_path):
    environ = {
        "SALARYGUIDE_DATABASE_URL": "postgresql+psycopg://u@h/db",
        "SALARYGUIDE_EDITION_YEAR": "2027",
        "SALARYGUIDE_SIGNUP_RATE_LIMIT": "5 per minute",
        "SALARYGUIDE_SQL_ECHO": "true",
    }
    settings = config.load(environ=environ)
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u@h/db"
    assert settings["EDITION_YEAR"] == 2027
    assert settings["SIGNUP_RATE_LIMIT"] == "5 per minute"
    assert settings["SQL_ECHO"] is True


def test_a_test_dict_wins_over_the_environment():
    settings = config.load({"EDITION_YEAR": 2030}, environ={"SALARYGUIDE_EDITION_YEAR": "2027"})
    assert settings["EDITION_YEAR"] == 2030


def test_unprefixed_variables_are_ignored():
    assert config.load(environ={"EDITION_YEAR": "1999"})["EDITION_YEAR"] == config.DEFAULTS["EDITION_YEAR"]


def test_production_refuses_to_start_without_a_secret(tmp_path):
    with pytest.raises(RuntimeError, match="SALARYGUIDE_SECRET_KEY"):
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path)})


def test_production_starts_with_a_secret_and_secure_cookies(tmp_path):
    app = create_app({"ENV": "production", "SECRET_KEY": "s3cret", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "s3cret"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(tmp_path):
    direct = create_app({"INSTANCE_PATH": str(tmp_path)})
    proxied = create_app({"INSTANCE_PATH": str(tmp_path), "PROXY_HOPS": 1})
    for app in (direct, proxied):
        @app.get("/ip")
        def ip():
            from flask import request

            return request.remote_addr or ""

    headers = {"X-Forwarded-For": "203.0.113.7"}
    assert direct.test_client().get("/ip", headers=headers).text == "127.0.0.1"  # not trusted by default
    assert proxied.test_client().get("/ip", headers=headers).text == "203.0.113.7"
