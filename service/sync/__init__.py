"""Keeping a mailing tool (listmonk or Mailchimp) in step: pushes through the outbox, withdrawals back."""

from __future__ import annotations

from flask import Flask, current_app

from service.sync.settings import SyncSettings


def init_app(app: Flask) -> None:
    """Refuse to start with sync settings a push or a pull could not use."""
    app.extensions["salaryguide_sync"] = SyncSettings.from_config(app.config)


def current() -> SyncSettings:
    """The checked settings of the running app."""
    return current_app.extensions["salaryguide_sync"]
