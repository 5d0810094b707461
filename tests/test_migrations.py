"""Migrations: they match the models, and go down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from service.extensions import db


def flask_db(app, *args):
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output
    return result.output


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_the_models_and_the_migrations_agree(app):
    flask_db(app, "check")  # exits non-zero when autogenerate would write a migration


def test_downgrade_to_nothing_and_upgrade_again(app):
    expected = set(db.metadata.tables)
    assert tables(app) == expected
    flask_db(app, "downgrade", "base")
    assert tables(app) == set()
    flask_db(app, "upgrade")
    assert tables(app) == expected
