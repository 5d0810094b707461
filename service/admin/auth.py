"""Who may see admin pages: a signed-in staff user (session) or a script holding the API token."""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from flask import current_app, g, redirect, request, url_for
from flask_login import LoginManager, current_user
from sqlalchemy import select
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized
from werkzeug.security import check_password_hash, generate_password_hash

from service.extensions import db
from service.models import StaffUser

F = TypeVar("F", bound=Callable[..., Any])
MIN_PASSWORD = 12
login_manager = LoginManager()
login_manager.login_view = "admin.login"
login_manager.session_protection = "strong"
# Checked against when the address is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password-anyone-has")


@login_manager.user_loader
def _load(user_id: str) -> StaffUser | None:
    """The staff user a session names."""
    return db.session.get(StaffUser, int(user_id)) if user_id.isdigit() else None


def hash_password(password: str) -> str:
    """A salted, slow hash (werkzeug's default: scrypt)."""
    return generate_password_hash(password)


def authenticate(email: str, password: str) -> StaffUser | None:
    """The staff user with this address and password, in the same time whether or not the address exists."""
    user = db.session.scalars(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()
    if not check_password_hash(user.password_hash if user else _DUMMY_HASH, password) or user is None:
        return None
    user.last_login_at = datetime.now(UTC)
    return user


def account_key() -> str:
    """The per-account rate-limit key for a login attempt (a hash, so no address sits in Redis)."""
    email = (request.form.get("email") or "").strip().lower()
    return "staff-login:" + hashlib.sha256(email.encode()).hexdigest()[:24]


def token_valid(given: str) -> bool:
    """Whether a bearer token matches the configured one, compared in constant time."""
    expected = current_app.config.get("ADMIN_TOKEN")
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), str(expected).encode("utf-8"))


def actor() -> str:
    """Who is acting, for the export record: the staff address, or "token"."""
    return "token" if g.get("admin_by_token") else cast(StaffUser, current_user).email


def require_staff(view: F) -> F:
    """Let a signed-in staff user or a valid bearer token through; 401 for a bad token, else the login page."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # Only the Authorization header counts: a token in a URL ends up in logs and browser history.
        if "Authorization" in request.headers:
            credentials = request.authorization
            if credentials is None or credentials.type != "bearer" or not token_valid(credentials.token or ""):
                raise Unauthorized("A valid API token is required.", www_authenticate=WWWAuthenticate("bearer"))
            g.admin_by_token = True
            return view(*args, **kwargs)
        if not current_user.is_authenticated:
            return redirect(url_for("admin.login", next=request.full_path if request.args else request.path))
        return view(*args, **kwargs)

    return cast(F, wrapper)
