"""The landing-page form and its validation."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from service.mail import addresses
from service.personal_form import PersonalFields

MAX_EMAIL = 254  # RFC 5321's path limit less the brackets


def _valid_email(form: FlaskForm, field: EmailField) -> None:
    """Check the syntax with email-validator (no DNS lookups) and keep the normalised form."""
    try:
        result = validate_email(field.data or "", check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(f"That email address doesn't look right: {exc}") from exc
    # Valid by RFC 5322 yet unfit for a mail header: encoded words, mangled bytes (service/mail/addresses.py).
    if unsafe := addresses.problem(result.normalized):
        raise ValidationError(f"That email address doesn't look right ({unsafe}).")
    field.data = result.normalized.lower()


class GuideForm(PersonalFields, FlaskForm):
    """Email, the separate newsletter opt-in, optional personal inputs, a honeypot, and the visit's source."""

    email = EmailField(
        "Email",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired("Please enter your email address."),
            Length(max=MAX_EMAIL, message="That email address is too long."),
            _valid_email,
        ],
    )
    newsletter = BooleanField(default=False)
    # Hidden from people by CSS; bots fill every field they find.
    website = StringField("Leave this empty", validators=[Length(max=200)])
    utm_source = HiddenField(validators=[Length(max=128)])
    utm_medium = HiddenField(validators=[Length(max=128)])
    utm_campaign = HiddenField(validators=[Length(max=128)])
    referrer = HiddenField(validators=[Length(max=512)])

    def validate_for(self, year: int) -> bool:
        """Validate every field, then the personal inputs as a whole."""
        valid = self.validate()
        self.form_errors.extend(self.personal_errors(year) if valid else [])
        return valid and not self.form_errors

    def is_bot(self) -> bool:
        """Whether the honeypot was filled."""
        return bool((self.website.data or "").strip())

    def utm(self) -> dict[str, str]:
        """The UTM fields that were given."""
        fields = (self.utm_source, self.utm_medium, self.utm_campaign)
        return {f.name: f.data.strip() for f in fields if f.data and f.data.strip()}
