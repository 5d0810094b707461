"""A local SMTP sink: every message it accepts is kept as an .eml file (for `make run` and the tests)."""

from __future__ import annotations

import os
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    """One accepted message: its envelope and the file it was written to."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    path: Path


class EmlStore:
    """An aiosmtpd handler writing each message, byte for byte, to <directory>/<time>-<id>.eml."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.received: list[Received] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(envelope.original_content)
        os.replace(partial, path)  # a reader never sees half a message
        self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), path))
        return "250 Message accepted for delivery"


def start(host: str, port: int, directory: Path) -> tuple[Controller, EmlStore]:
    """A running sink on host:port (in a thread of its own)."""
    store = EmlStore(directory)
    controller = Controller(store, hostname=host, port=port, enable_SMTPUTF8=True)
    controller.start()
    return controller, store


def serve(host: str, port: int, directory: Path) -> None:
    """Run a sink in the foreground until interrupted."""
    controller, _ = start(host, port, directory)
    print(f"SMTP sink on {host}:{port}, keeping mail in {directory}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
