"""Recipient addresses checked once more before they reach a header or an SMTP envelope."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

MAX_ADDRESS = 254  # RFC 5321's path limit less the brackets


class UnsafeAddress(ValueError):
    """An address we refuse to put in a header or an envelope."""


def problem(address: str) -> str | None:
    """Why an address is unsafe for mail headers, or None when it is fine."""
    if len(address) > MAX_ADDRESS:
        return "too long"
    if any(unicodedata.category(c).startswith(("C", "Z")) for c in address):
        return "control or space characters"
    if "\ufffd" in address:
        return "bytes that were not valid UTF-8"
    if "=?" in address:
        return "an encoded word"  # RFC 2047 syntax a mail reader might decode into something else
    return None


def checked(address: str) -> str:
    """The address to send to (its domain in ASCII), or UnsafeAddress."""
    reason = problem(address)
    if reason:
        raise UnsafeAddress(f"refused recipient address: {reason}")
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise UnsafeAddress(f"refused recipient address: {exc}") from exc
    return result.ascii_email or result.normalized
