"""Which jobs (outbox rows, RQ jobs) carry a person's data: their ids by parameter name, or their strings."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from werkzeug.utils import import_string

from service.privacy.records import Held

log = logging.getLogger(__name__)
# A job parameter named <entity>_id holds a row id of this table; "<entity>s" is tried otherwise.
TABLE_FOR = {"request": "guide_requests", "email": "sent_emails", "consent": "consent_events",
             "consent_event": "consent_events", "push": "sync_pushes"}


@dataclass(frozen=True)
class Matcher:
    """The ids and strings that identify one person, and the test of a job's arguments against them."""

    ids: Mapping[str, frozenset[Any]]
    strings: frozenset[str]

    @classmethod
    def of(cls, found: Held) -> Matcher:
        """Build the matcher from everything held about the person."""
        tables = {table.name for table in found.rows}
        return cls({name: frozenset(found.ids(name)) for name in tables},
                   frozenset(s.lower() for s in found.strings()))

    def matches(self, func_name: str, args: Sequence[Any], kwargs: Mapping[str, Any] | None = None) -> bool:
        """Whether a call of `func_name` with these arguments concerns the person."""
        kwargs = kwargs or {}
        if any(isinstance(v, str) and v.lower() in self.strings for v in _flatten([*args, *kwargs.values()])):
            return True
        for name, value in _named(func_name, args, kwargs):
            table = _table(name)
            if table and isinstance(value, int) and value in self.ids.get(table, ()):
                return True
        return False


def _table(parameter: str) -> str | None:
    """The table a parameter named <entity>_id points into."""
    if not parameter.endswith("_id"):
        return None
    entity = parameter[: -len("_id")]
    return TABLE_FOR.get(entity, entity + "s")


def _named(func_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The arguments by parameter name, from the job function's signature."""
    signature = _signature(func_name)
    if signature is None:
        return list(kwargs.items())
    try:
        return list(signature.bind_partial(*args, **kwargs).arguments.items())
    except TypeError:
        return list(kwargs.items())


@cache
def _signature(func_name: str) -> inspect.Signature | None:
    """The signature of a job function given by dotted path, or None when it cannot be imported."""
    try:
        return inspect.signature(import_string(func_name))
    except (ImportError, AttributeError, TypeError, ValueError):
        log.warning("cannot inspect job %s; matching its arguments by value only", func_name)
        return None


def _flatten(values: Sequence[Any]) -> Iterator[Any]:
    """Every scalar inside nested lists and dicts."""
    for value in values:
        if isinstance(value, list | tuple):
            yield from _flatten(value)
        elif isinstance(value, dict):
            yield from _flatten(list(value.values()))
        else:
            yield value
