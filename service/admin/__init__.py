"""Marketing's side: staff sign-in, the dashboard, and the CLI for exports and privacy requests."""

from __future__ import annotations

from flask import Flask

MIN_TOKEN_LENGTH = 32


def init_app(app: Flask) -> None:
    """Bind the login manager, add the CLI groups, and refuse an admin token too short to be a secret."""
    from service.admin.auth import login_manager
    from service.admin.cli import admin_cli, subscribers_cli

    token = app.config.get("ADMIN_TOKEN")
    if token is not None and len(str(token)) < MIN_TOKEN_LENGTH:
        raise RuntimeError(f"SALARYGUIDE_ADMIN_TOKEN must be at least {MIN_TOKEN_LENGTH} characters")
    login_manager.init_app(app)
    app.cli.add_command(admin_cli)
    app.cli.add_command(subscribers_cli)
