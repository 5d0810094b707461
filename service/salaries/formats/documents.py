"""Reading feed documents within limits: a JSON document, JSON lines, or HTML with JSON-LD blocks."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.salaries.sources import MAX_LINE, SourceError, numbered_lines

Record = tuple[int, dict[str, Any] | str]  # (record number, native fields) or (number, why not)
MAX_DOCUMENT = 200 * 1024 * 1024  # bytes: the download limit, for local files too
HEAD = 64 * 1024
_LD_JSON = re.compile(r"<script\b[^>]*\btype\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script\s*>",
                      re.IGNORECASE | re.DOTALL)


def head(path: Path) -> str:
    """The file's first 64 KiB as text, for guessing its format."""
    with path.open("rb") as handle:
        return handle.read(HEAD).decode("utf-8", errors="replace").lstrip("\ufeff")


def _size_checked(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_DOCUMENT:
        raise SourceError(f"{path.name} is {size:,} bytes, over the {MAX_DOCUMENT:,} byte limit")


def _text(path: Path) -> str:
    _size_checked(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as problem:
        raise SourceError(f"{path.name} is not UTF-8: {problem}") from problem


def first_line_is_json(path: Path) -> bool:
    """Whether the first non-blank line is a JSON value by itself (JSON lines), not part of a document."""
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        while line := handle.readline(MAX_LINE + 1):
            if line.strip():
                try:
                    json.loads(line)
                except json.JSONDecodeError:
                    return False
                return True
    return False


def load_json(path: Path, expected: str) -> Any:
    """One JSON document; HTML, truncated or malformed JSON fail the whole feed with the reason."""
    text = _text(path)
    stripped = text.lstrip()
    if stripped.startswith("<"):
        raise SourceError(f"HTML where JSON was expected ({expected}): is the URL the board's API "
                          f"rather than its web page? It starts {stripped[:60]!r}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as problem:
        if problem.pos >= len(text.rstrip()) - 1:
            raise SourceError(f"truncated JSON: the document ends at line {problem.lineno} column "
                              f"{problem.colno} before it is complete ({problem.msg})") from problem
        raise SourceError(f"malformed JSON at line {problem.lineno} column {problem.colno}: "
                          f"{problem.msg}") from problem


def json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, value) per non-blank line; a line over the limit or a cut-off last line fails the feed."""
    _size_checked(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, line in numbered_lines(handle):
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as problem:
                if not line.endswith("\n") and not handle.read(1):
                    raise SourceError(f"truncated JSON: the last line ({number}) is cut off "
                                      f"({problem.msg})") from problem
                yield number, f"unparseable JSON: {problem.msg}"


def board_jobs(path: Path, board: str) -> Iterator[tuple[int, Any]]:
    """(number, job) of each entry of a board API response's jobs[] list; anything else fails the feed."""
    document = load_json(path, f"{board} jobs")
    jobs = document.get("jobs") if isinstance(document, dict) else None
    if not isinstance(jobs, list):
        raise SourceError(f"not a response of the {board} job board API: no jobs[] list")
    yield from enumerate(jobs, start=1)


def ld_json_blocks(path: Path) -> Iterator[tuple[int, Any]]:
    """(block number, value) of every <script type="application/ld+json"> block of an HTML page."""
    text = _text(path)
    for number, match in enumerate(_LD_JSON.finditer(text), start=1):
        body = match.group(1).strip()
        if body.startswith("<!--"):
            body = body.removeprefix("<!--").removesuffix("-->")
        try:
            yield number, json.loads(body)
        except json.JSONDecodeError:
            try:
                yield number, json.loads(html.unescape(body))
            except json.JSONDecodeError as problem:
                yield number, f"unparseable JSON-LD block: {problem.msg}"


def first(value: Any) -> Any:
    """The first item of a list, or the value itself."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def name_of(value: Any) -> str:
    """A schema.org Thing's name, or the text itself."""
    value = first(value)
    if isinstance(value, dict):
        return str(value.get("name") or value.get("@id") or "")
    return "" if value is None else str(value)
