"""The newsletter: consent records, double opt-in, unsubscribe; and the consent wording the pages show."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app


def init_app(app: Flask) -> None:
    """Check the settings and give every template the exact consent wording (whose hash we record)."""
    from service.newsletter import consent

    consent.check_settings(app.config)
    app.context_processor(_consent_wording)


def _consent_wording() -> dict[str, Any]:
    """The wording beside the landing form's button and checkbox, as recorded in consent events."""
    from service.newsletter import wording

    shown = wording.landing(current_app.config["BRAND_NAME"])
    return {"delivery_consent_text": shown["delivery"], "newsletter_consent_text": shown["newsletter"]}
