"""The consent wording of the newsletter pages: shown from here, and hashed into the consent record."""

from __future__ import annotations

from service.newsletter.consent import Form

# The landing page's form: beside its button, the delivery consent; beside its checkbox, the newsletter opt-in.
LANDING_FORM = Form("salary-guide-landing", "2026.1")
DELIVERY_TEXT = "Enter your email and the PDF downloads instantly. We also email you a link to get it again."
NEWSLETTER_TEXT = (
    "Also send me the {brand} newsletter: remote salary news about once a month. "
    "Unsubscribe with one click at any time."
)

CONFIRM_FORM = Form("newsletter-confirm", "2026.1")
UNSUBSCRIBE_FORM = Form("newsletter-unsubscribe", "2026.1")
ONE_CLICK_FORM = Form("list-unsubscribe-one-click", "rfc8058")  # a mail client's POST, not a person's page
RESUBSCRIBE_FORM = Form("newsletter-resubscribe", "2026.1")

CONFIRM_BUTTON = "Yes, subscribe me to the {brand} newsletter"
UNSUBSCRIBE_BUTTON = "Unsubscribe me from the {brand} newsletter"
ONE_CLICK_BODY = "List-Unsubscribe=One-Click"  # what RFC 8058 clients POST; the "wording" they agree to
RESUBSCRIBE_BUTTON = "Subscribe me again"


def landing(brand: str) -> dict[str, str]:
    """The landing form's consent wording exactly as the page shows it, and as its hash is recorded."""
    return {"delivery": DELIVERY_TEXT, "newsletter": NEWSLETTER_TEXT.format(brand=brand)}
