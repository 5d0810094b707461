"""Salary Guide: the lead-magnet service behind the Remote Salary Guide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from service import config
from service.redis_breaker import BREAKER

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
    if settings["PROXY_HOPS"]:
        # Behind nginx: the client's address and scheme come from the proxy's headers (per-IP limits, consent).
        hops = int(settings["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    from service import admin, database, logs, mail, metrics, newsletter, outbox, storage, sync
    from service.extensions import csrf, limiter
    from service.web import admin as admin_views
    from service.web import api, embed, embedding, errors, guide, headers, hooks, pages
    from service.web import delivery as delivery_views
    from service.web import health as health_views
    from service.web import newsletter as newsletter_views

    logs.init_app(app)
    metrics.init_app(app)
    database.init_app(app)
    outbox.init_app(app)
    BREAKER.pause = float(app.config["REDIS_BREAKER_SECONDS"])
    storage.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    embedding.check_settings(app.config)
    admin.init_app(app)
    mail.init_app(app)
    newsletter.init_app(app)
    sync.init_app(app)
    app.register_blueprint(guide.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(delivery_views.bp)
    app.register_blueprint(newsletter_views.bp)
    app.register_blueprint(health_views.bp)
    app.register_blueprint(hooks.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(embed.bp)
    _register_commands(app)
    return app


def _register_commands(app: Flask) -> None:
    """Attach the operator's CLI groups."""
    from service import commands

    commands.init_app(app)
