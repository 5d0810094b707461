"""A visitor as a script sees it: one keep-alive connection, the session cookie, the form's CSRF token."""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse

CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
_DROPPED = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class Visitor:
    """Requests on one connection; redirects are not followed, so each step can be timed."""

    def __init__(self, base_url: str) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.token = ""

    def send(self, method: str, path: str, body: bytes | None = None) -> http.client.HTTPResponse:
        """Send a request and return the response with its body unread (reconnecting once if the server hung up)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                break
            except _DROPPED:
                self.connection.close()
                if attempt == 2:
                    raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response

    def get(self, path: str) -> tuple[int, bytes]:
        response = self.send("GET", path)
        return response.status, response.read()

    def open_form(self) -> str:
        """GET / once: the session cookie and the form's CSRF token (valid for this cookie)."""
        status, page = self.get("/")
        found = CSRF.search(page)
        if status != 200 or found is None:
            raise RuntimeError(f"GET / answered {status} without a CSRF token")
        self.token = found.group(1).decode()
        return self.token

    def submit(self, **fields: str) -> str:
        """POST /guide and return the thank-you page's path from the 303."""
        body = urllib.parse.urlencode({"csrf_token": self.token, **fields}).encode()
        response = self.send("POST", "/guide", body)
        response.read()
        location = response.headers.get("Location", "")
        if response.status != 303 or "/guide/" not in location:
            raise RuntimeError(f"POST /guide answered {response.status}, Location {location!r}")
        return urllib.parse.urlsplit(location).path

    def first_byte(self, path: str) -> tuple[float, int, str, int]:
        """GET path: when the first body byte arrived (perf_counter), status, content type, body size."""
        response = self.send("GET", path)
        first = response.read(1)
        arrived = time.perf_counter()
        rest = response.read()
        return arrived, response.status, response.headers.get("Content-Type", ""), len(first) + len(rest)

    def close(self) -> None:
        self.connection.close()
