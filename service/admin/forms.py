"""The staff sign-in and sign-out forms (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """Email and password; `next` is where to go afterwards, checked before use."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    next = HiddenField(validators=[Length(max=512)])


class LogoutForm(FlaskForm):
    """Sign-out is a POST with a CSRF token, so no link or image can sign anyone out."""
