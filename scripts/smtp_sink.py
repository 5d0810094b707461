#!/usr/bin/env python3
"""The local SMTP sink `make run` starts: listens where SALARYGUIDE_SMTP_URL points, keeps mail in <instance>/mail/."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service import config  # noqa: E402
from service.mail import sink  # noqa: E402

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def main() -> None:
    settings = config.load()
    url = urlsplit(settings["SMTP_URL"])
    if url.scheme != "smtp" or url.hostname not in LOOPBACK:
        # A real relay is configured: nothing to do, but stay up so supervisord does not restart it again and again.
        print(f"SMTP_URL points at {url.hostname}; the local sink is not started", flush=True)
        threading.Event().wait()
    sink.serve(url.hostname, url.port or 25, Path(settings["INSTANCE_PATH"]) / "mail")


if __name__ == "__main__":
    main()
