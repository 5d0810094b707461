"""wrk: requests/s, latency percentiles and errors, as JSON from a Lua `done` hook."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

THREADS, CONNECTIONS = 2, 16

# Prints one JSON line at the end; wrk counts 3xx as success, so a 303 after a signup is not an error.
DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nBENCH {"requests": %d, "seconds": %f, "bytes": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "p50_ms": %f, "p99_ms": %f}\\n',
    summary.requests, summary.duration / 1e6, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""

# A unique address per request (thread number, counter, run tag), posted with one session's CSRF token.
POST = """
local made = 0
function setup(thread)
  made = made + 1
  thread:set("tid", made)
end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "%(cookie)s"
function request()
  n = n + 1
  local body = "csrf_token=%(token)s&email=w" .. tid .. "-" .. n .. "-%(tag)s%%40bench.example"
  return wrk.format(nil, "%(path)s", nil, body)
end
"""


@dataclass
class Result:
    """One wrk run's summary."""

    requests: int
    seconds: float
    bytes: int
    errors: int
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def megabytes_per_second(self) -> float:
        return self.bytes / self.seconds / 1e6


def available() -> bool:
    return shutil.which("wrk") is not None


def run(url: str, seconds: float, folder: Path, post: dict[str, str] | None = None) -> Result:
    """GET url (or POST a signup to it, with post={"token", "cookie"}) for `seconds` with 16 connections."""
    script = folder / f"wrk-{uuid.uuid4().hex[:8]}.lua"
    lua = DONE
    if post is not None:
        path = "/" + url.split("/", 3)[3]
        fields = {"cookie": post["cookie"], "token": post["token"], "tag": uuid.uuid4().hex[:8], "path": path}
        lua = POST % fields + DONE
    script.write_text(lua)
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds:.0f}s", "--timeout", "10s",
               "-s", str(script), url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    found = next((line for line in done.stdout.splitlines() if line.startswith("BENCH ")), None)
    if found is None:
        raise RuntimeError(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")
    data = json.loads(found[6:])
    errors = sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))
    return Result(data["requests"], data["seconds"], data["bytes"], errors, data["p50_ms"], data["p99_ms"])
