"""SMTP settings from one URL, logging in to a real server, and the local sink `make run` starts."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from service import create_app
from service.mail import sink
from service.mail.smtp import SmtpSettings, send
from tests.services import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent


def settings(url: str, starttls: bool = False) -> SmtpSettings:
    return SmtpSettings.from_config({"SMTP_URL": url, "SMTP_STARTTLS": starttls, "SMTP_TIMEOUT": 5})


def test_the_url_gives_host_port_tls_and_credentials():
    plain = settings("smtp://127.0.0.1:8025")
    assert (plain.host, plain.port, plain.implicit_tls, plain.username) == ("127.0.0.1", 8025, False, None)
    relay = settings("smtps://apikey:p%40ss%3Aword@smtp.example.com")
    assert (relay.host, relay.port, relay.implicit_tls) == ("smtp.example.com", 465, True)
    assert (relay.username, relay.password) == ("apikey", "p@ss:word")
    assert settings("smtp://mail.example.com", starttls=True).starttls and settings("smtp://h").port == 25


@pytest.mark.parametrize("url", ["http://127.0.0.1:8025", "smtp://", "127.0.0.1:8025", ""])
def test_a_malformed_url_refuses_to_start(tmp_path, url):
    with pytest.raises(ValueError, match="SMTP_URL"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SMTP_URL": url})


def test_a_relative_public_url_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "PUBLIC_URL": "guide.example.com"})


def _authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ARG001
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"apikey", b"p@ss:word")
    return AuthResult(success=ok)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")  # loopback only
def test_credentials_from_the_url_log_in(tmp_path):
    store = sink.EmlStore(tmp_path)
    controller = Controller(store, hostname="127.0.0.1", port=free_port(), authenticator=_authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        message = EmailMessage()
        message["Subject"] = "hello"
        message.set_content("hello")
        send(settings(f"smtp://apikey:p%40ss%3Aword@127.0.0.1:{controller.port}"), message,
             "guide@remnavi.example", "ada@example.com")
    finally:
        controller.stop()
    # The server accepts only the exact, percent-decoded credentials (and refuses mail without them).
    assert [r.rcpt_tos for r in store.received] == [("ada@example.com",)]


def test_the_local_sink_keeps_every_message_as_an_eml_file(tmp_path):
    port = free_port()
    env = {**os.environ, "SALARYGUIDE_SMTP_URL": f"smtp://127.0.0.1:{port}",
           "SALARYGUIDE_INSTANCE_PATH": str(tmp_path / "instance")}
    process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "smtp_sink.py")], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: _accepts(port), what="the SMTP sink")
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "guide@remnavi.example", "ada@example.com", "Hi"
        message.set_content("Open the link: http://127.0.0.1:8000/d/abc")
        send(settings(f"smtp://127.0.0.1:{port}"), message, "guide@remnavi.example", "ada@example.com")
        [eml] = wait_until(lambda: list((tmp_path / "instance" / "mail").glob("*.eml")), what="an .eml file")
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
    assert b"Subject: Hi" in eml.read_bytes() and b"http://127.0.0.1:8000/d/abc" in eml.read_bytes()


def _accepts(port: int) -> bool:
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=1) as client:
            return client.noop()[0] == 250
    except OSError:
        return False
