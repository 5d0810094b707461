"""The whole service as separate processes on loopback: gunicorn, an RQ worker, the scheduler."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.services import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class Stack:
    """Processes sharing one SQLite database and one Redis, with logs under `directory`."""

    def __init__(self, directory: Path, redis_url: str, **settings: str) -> None:
        self.directory = directory
        self.port = free_port()
        self.env = {
            **os.environ,
            "SALARYGUIDE_INSTANCE_PATH": str(directory / "instance"),
            "SALARYGUIDE_REDIS_URL": redis_url,
            "SALARYGUIDE_SECRET_KEY": "e2e-secret",
            "SALARYGUIDE_RELAY_INTERVAL": "1",
            "SALARYGUIDE_RELAY_GRACE": "0",
            "SALARYGUIDE_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            "SALARYGUIDE_SMTP_URL": "smtp://127.0.0.1:9",  # nowhere, unless a test passes its mailbox
            "FLASK_APP": "wsgi",
            **{f"SALARYGUIDE_{k}": v for k, v in settings.items()},
        }
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.log_files: list = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def flask(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run a `flask --app wsgi` command to completion, `input` on its stdin."""
        return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=self.env, input=input,
                              capture_output=True, text=True, check=True, timeout=300)

    def start(self, name: str, *command: str) -> None:
        """Start one long-running process, its output in <directory>/<name>.log."""
        log = open(self.directory / f"{name}.log", "ab")  # noqa: SIM115 (closed in stop())
        self.log_files.append(log)
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)

    def start_web(self) -> None:
        self.start("web", str(BIN / "gunicorn"), "-b", f"127.0.0.1:{self.port}", "-w", "2", "--threads", "4",
                   "-k", "gthread", "--control-socket", str(self.directory / "gunicorn.ctl"), "wsgi:app")
        wait_until(self._answers, timeout=30, what="gunicorn")

    def start_worker(self) -> None:
        self.start("worker", str(BIN / "flask"), "--app", "wsgi", "worker", "run", "render", "email", "default")

    def start_scheduler(self) -> None:
        self.start("scheduler", str(BIN / "flask"), "--app", "wsgi", "scheduler", "run")

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(self.url + "/", timeout=5).close()
            return True
        except OSError:  # refused while booting, or a slow first answer
            return False

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in self.directory.glob("*.log"))

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
        for log in self.log_files:
            log.close()
        self.log_files.clear()


class Visitor:
    """A plain HTTP client with cookies, as a browser without JavaScript would be."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies)
        self.no_redirect = urllib.request.build_opener(cookies, _NoRedirect)

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        try:
            with self.opener.open(self.base_url + path, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def submit(self, **fields: str) -> str:
        """Fill the landing form and return the thank-you page's path."""
        return self.submit_within(30, **fields)

    def submit_within(self, timeout: float, **fields: str) -> str:
        """Fill the landing form, the POST answered within `timeout` seconds, and return the thank-you page's path.

        The POST's own answer is read (its 303's Location), so a committed signup is counted even if the
        thank-you page it points to fails to load; any other answer raises HTTPError.
        """
        status, headers, page = self.get("/")
        if status != 200:
            raise urllib.error.HTTPError(self.base_url + "/", status, "landing page", headers, None)  # type: ignore[arg-type]
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
        try:
            self.no_redirect.open(self.base_url + "/guide", data=body, timeout=timeout).close()
        except urllib.error.HTTPError as answer:
            if answer.code != 303:
                raise
            return urllib.parse.urlsplit(answer.headers["Location"]).path
        raise AssertionError("the signup was not answered with a redirect")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand a redirect back as an HTTPError, so its Location can be read."""

    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None
