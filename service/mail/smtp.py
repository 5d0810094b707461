"""The SMTP connection, configured by one URL: smtp://[user:pass@]host:port or smtps://…"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand messages over."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None
    timeout: float

    @classmethod
    def from_config(cls, config: Any) -> SmtpSettings:
        """Read SMTP_URL, SMTP_STARTTLS and SMTP_TIMEOUT; a malformed URL raises ValueError."""
        url = urlsplit(config["SMTP_URL"])
        if url.scheme not in PORTS or not url.hostname:
            raise ValueError("SALARYGUIDE_SMTP_URL must look like smtp://host:port or smtps://user:pass@host:465")
        return cls(
            host=url.hostname,
            port=url.port or PORTS[url.scheme],
            implicit_tls=url.scheme == "smtps",
            starttls=bool(config["SMTP_STARTTLS"]),
            username=unquote(url.username) if url.username else None,
            password=unquote(url.password) if url.password else None,
            timeout=float(config["SMTP_TIMEOUT"]),
        )

    def connect(self) -> smtplib.SMTP:
        """An open connection, upgraded to TLS and logged in as configured."""
        context = ssl.create_default_context()
        if self.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls and not self.implicit_tls:
            client.starttls(context=context)
        if self.username:
            client.login(self.username, self.password or "")
        return client


def send(settings: SmtpSettings, message: EmailMessage, sender: str, recipient: str) -> None:
    """Send one message to exactly one envelope recipient, whatever its headers say."""
    with settings.connect() as client:
        client.send_message(message, from_addr=sender, to_addrs=[recipient])
