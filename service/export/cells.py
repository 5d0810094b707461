"""Spreadsheet formula neutralisation (OWASP CSV injection), applied to every cell of every export."""

from __future__ import annotations

import re
from typing import Any

# A spreadsheet reads a cell starting with one of these as a formula (or a control character).
TRIGGERS = "=+-@\t\r\n\0"
# A cell needs a guard when, after any quotes already there, it starts with a trigger. Guarding
# quote-led cells too makes the escape reversible: restore() strips exactly one quote.
_NEEDS_GUARD = re.compile("^'*[" + re.escape(TRIGGERS) + "]")
_GUARDED = re.compile("^'+[" + re.escape(TRIGGERS) + "]")
_MAY_NEED_GUARD = frozenset(TRIGGERS + "'")  # a cell starting with anything else never needs one


def neutralise(value: Any) -> str:
    """The cell's text, with a leading ' when a spreadsheet would otherwise run it as a formula."""
    text = "" if value is None else str(value)
    if not text or text[0] not in _MAY_NEED_GUARD:  # most cells: no regular expression needed (a million rows)
        return text
    return "'" + text if _NEEDS_GUARD.match(text) else text


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would run the text as a formula (so neutralise() would change it)."""
    return bool(_NEEDS_GUARD.match(text))


def restore(text: str) -> str:
    """The original value of a neutralised cell (for tools that read our exports back)."""
    return text[1:] if _GUARDED.match(text) else text


def row(values: list[Any]) -> list[str]:
    """Every cell of a row, neutralised."""
    return [neutralise(value) for value in values]


def tool_row(values: list[Any]) -> list[str]:
    """A tool layout's row: the address (first) exactly as written, every other cell neutralised."""
    return [str(values[0]), *row(values[1:])]
