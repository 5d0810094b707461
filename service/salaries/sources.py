"""Salary files as numbered rows: CSV or JSON lines, from a path or an http(s) URL."""

from __future__ import annotations

import csv
import json
import math
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
MAX_DOWNLOAD = 200 * 1024 * 1024  # bytes; the 33,629-row sample is under 2 MB
TIMEOUT = 30.0  # seconds per network operation, and for the whole download
MAX_LINE = 1024 * 1024  # characters in one JSON line: a listing is a few KB; a 50 MB line is a broken feed
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")

Record = tuple[int, dict[str, Any] | str]  # (row number, fields) or (row number, why unreadable)


class SourceError(Exception):
    """The file as a whole cannot be read: bad URL, too large, not CSV or JSON lines."""


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s), so a feed cannot point us at ftp: or file:."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme not in SCHEMES:
            raise SourceError(f"refusing redirect to {newurl!r}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, max_bytes: int = MAX_DOWNLOAD, timeout: float = TIMEOUT) -> Path:
    """Download a URL to a temporary file (the caller deletes it), refusing oversize bodies."""
    if urlsplit(url).scheme not in SCHEMES:
        raise SourceError(f"only http and https URLs can be imported, not {url!r}")
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    suffix = Path(urlsplit(url).path).suffix
    deadline = time.monotonic() + timeout
    try:
        with opener.open(url, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise SourceError(f"{url} is {int(declared):,} bytes, over the {max_bytes:,} limit")
            return _save(response, suffix, max_bytes, deadline)
    except TimeoutError as problem:
        raise SourceError(f"{url} timed out (no data for {timeout:g} s)") from problem
    except urllib.error.URLError as problem:
        if isinstance(problem.reason, TimeoutError):
            raise SourceError(f"{url} timed out (no answer for {timeout:g} s)") from problem
        raise


def _save(response: IO[bytes], suffix: str, max_bytes: int, deadline: float = math.inf) -> Path:
    """Copy a response to a temporary file, stopping once it passes the size or the time limit."""
    handle, name = tempfile.mkstemp(prefix="salaries-", suffix=suffix)
    total = 0
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := response.read(1 << 16):
                total += len(chunk)
                if total > max_bytes:
                    raise SourceError(f"download passed the {max_bytes:,} byte limit")
                if time.monotonic() > deadline:
                    raise SourceError(f"download timed out: {total:,} bytes read before the time limit")
                out.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


@contextmanager
def local_copy(path_or_url: str, timeout: float = TIMEOUT) -> Iterator[Path]:
    """A local path for a path or an http(s) URL; a downloaded copy is deleted afterwards."""
    if urlsplit(path_or_url).scheme not in SCHEMES:
        yield Path(path_or_url)
        return
    path = fetch(path_or_url, timeout=timeout)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def file_format(path: Path) -> str:
    """"jsonl" or "csv": by suffix, else by whether the first non-blank character is "{"."""
    if path.suffix.lower() in JSON_SUFFIXES:
        return "jsonl"
    if path.suffix.lower() == ".csv":
        return "csv"
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        start = handle.read(4096).lstrip()
    return "jsonl" if start.startswith("{") else "csv"


def read_rows(path: Path, fmt: str | None = None) -> Generator[Record, None, None]:
    """Every data row with the line number it starts on (the CSV header is line 1)."""
    fmt = fmt or file_format(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        try:
            yield from (_json_rows(handle) if fmt == "jsonl" else _csv_rows(handle))
        except (csv.Error, UnicodeDecodeError) as problem:
            raise SourceError(f"{path.name}: {problem}") from problem


def _csv_rows(handle: IO[str]) -> Iterator[Record]:
    """CSV records as dicts keyed by the header; a row of the wrong width is reported, not read."""
    reader = csv.reader(handle)
    header = [name.strip() for name in next(reader, [])]
    start = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            if len(cells) == len(header):
                yield start, dict(zip(header, cells, strict=True))
            else:
                yield start, f"expected {len(header)} columns, found {len(cells)}"
        start = reader.line_num + 1


def numbered_lines(handle: IO[str]) -> Iterator[tuple[int, str]]:
    """Each non-blank line with its number; a line over MAX_LINE fails the whole file."""
    number = 0
    while line := handle.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise SourceError(f"line {number} is over the {MAX_LINE:,} character line limit")
        if line.strip():
            yield number, line


def _json_rows(handle: IO[str]) -> Iterator[Record]:
    """One JSON object per line; blank lines are skipped, anything else is reported."""
    for number, line in numbered_lines(handle):
        try:
            fields = json.loads(line)
        except json.JSONDecodeError as problem:
            yield number, f"unparseable JSON: {problem.msg}"
            continue
        yield number, fields if isinstance(fields, dict) else "line is not a JSON object"


def first_columns(path: Path, fmt: str | None = None) -> list[str]:
    """The column names of the first row (for guessing the layout)."""
    with closing(read_rows(path, fmt)) as rows:
        return list(next((f for _, f in rows if isinstance(f, dict)), {}))


def count_lines(path: Path) -> int:
    """Lines in the file, fast: an upper bound of its rows, for a progress bar."""
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
