"""A real SMTP server on loopback (the project's own sink) and helpers to read what it received."""

from __future__ import annotations

import re
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

from service.mail import sink
from tests.services import free_port

URL = re.compile(r"https?://[^\s<>\"']+")


class Mailbox:
    """An aiosmtpd server keeping every message as an .eml file, with its envelope."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.controller, self.store = sink.start("127.0.0.1", self.port, directory)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def clear(self) -> None:
        self.store.received.clear()

    def envelopes(self) -> list[sink.Received]:
        return list(self.store.received)

    def messages(self) -> list[EmailMessage]:
        """Every message received, parsed back with the standard library (as UTF-8: SMTPUTF8 mail is)."""
        raw = [r.path.read_bytes().decode("utf-8") for r in self.store.received]
        return [message_from_string(text, policy=policy.default) for text in raw]  # type: ignore[misc]

    def stop(self) -> None:
        self.controller.stop()


def bodies(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML bodies."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None, "the message lacks a text or an HTML body"
    return text.get_content(), html.get_content()


def link(message: EmailMessage, marker: str) -> str:
    """The one URL containing `marker` in the plain-text body (the HTML body must carry the same one)."""
    text, html = bodies(message)
    found = sorted({url for url in URL.findall(text) if marker in url})
    assert len(found) == 1, f"expected one {marker} link, found {found}"
    assert f'href="{found[0]}"' in html, "the HTML body lacks the link"
    return found[0]


def path_of(url: str, public_url: str = "http://127.0.0.1:8000") -> str:
    """A public URL as a path the Flask test client can follow."""
    assert url.startswith(public_url + "/"), url
    return url[len(public_url):]


def run_email_jobs(app) -> None:  # type: ignore[no-untyped-def]
    """Run the jobs queued on the `email` queue (only), with a real RQ worker in burst mode."""
    from rq import SimpleWorker

    from service.extensions import rq

    with app.app_context():
        queue = rq.get_queue("email")
        SimpleWorker([queue], connection=queue.connection, job_class=queue.job_class).work(burst=True)
