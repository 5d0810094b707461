"""Salary Guide: the lead-magnet service behind the Remote Salary Guide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from service import config

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, then each subsystem's init_app, then the blueprints."""
    settings = config.flask_config(config.load(test_config))
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from service import database, logs, queue, storage
    from service.extensions import csrf, limiter
    from service.web import errors, guide

    logs.init_app(app)
    database.init_app(app)
    queue.init_app(app)
    storage.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    errors.init_app(app)
    app.register_blueprint(guide.bp)
    _register_commands(app)
    return app


def _register_commands(app: Flask) -> None:
    """Attach the operator's CLI groups."""
    from service import commands

    commands.init_app(app)
