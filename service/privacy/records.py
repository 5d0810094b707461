"""Everything the database holds about one person, found by following foreign keys from their subscriber row."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select

from service.extensions import db
from service.models import Base, Subscriber


@dataclass
class Held:
    """The person's rows, table by table, in dependency order (parents first)."""

    email: str
    rows: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)

    def ids(self, table_name: str) -> set[Any]:
        """The primary keys held in one table."""
        for table, rows in self.rows.items():
            if table.name == table_name:
                key = primary_key_name(table)
                return {row[key] for row in rows}
        return set()

    def strings(self) -> set[str]:
        """Identifying strings: the address, the public uuid and every guide token."""
        found = {self.email}
        for table, rows in self.rows.items():
            for name in ("uuid", "token"):
                if name in table.c:
                    found |= {row[name] for row in rows if row[name]}
        return found


def primary_key_name(table: Table) -> str:
    """The single-column primary key every table reachable from subscribers has."""
    (column,) = table.primary_key.columns
    return column.name


def find(email: str) -> Subscriber | None:
    """The subscriber with this (normalised) address."""
    return db.session.scalars(select(Subscriber).where(Subscriber.email == email.strip().lower())).first()


def held(subscriber: Subscriber) -> Held:
    """Walk every table that points, directly or through another, at this subscriber."""
    result = Held(subscriber.email)
    ids: dict[str, set[Any]] = {}
    for table in Base.metadata.sorted_tables:  # parents come before the tables that reference them
        rows = list(_rows_pointing_at(table, ids)) if table.name != "subscribers" else [_one(table, subscriber.id)]
        if rows:
            result.rows[table] = rows
            ids[table.name] = {row[primary_key_name(table)] for row in rows}
    return result


def _one(table: Table, key: int) -> dict[str, Any]:
    """One row as a dict."""
    return dict(db.session.execute(select(table).where(table.c.id == key)).mappings().one())


def _rows_pointing_at(table: Table, ids: dict[str, set[Any]]) -> Iterator[dict[str, Any]]:
    """Rows of `table` whose foreign keys name any row already found, each once."""
    seen: set[Any] = set()
    for fk in table.foreign_keys:
        parents = ids.get(fk.column.table.name)
        if not parents:
            continue
        for row in db.session.execute(select(table).where(fk.parent.in_(sorted(parents)))).mappings():
            if row[primary_key_name(table)] not in seen:
                seen.add(row[primary_key_name(table)])
                yield dict(row)


def plain(value: Any) -> Any:
    """A value as JSON can carry it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def as_json(found: Held, outbox: list[dict[str, Any]], jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole record, table by table, ready for json.dumps."""
    tables = {table.name: [{k: plain(v) for k, v in row.items()} for row in rows] for table, rows in found.rows.items()}
    return {"email": found.email, "tables": tables, "outbox": outbox, "queued_jobs": jobs}
