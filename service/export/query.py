"""The subscribers an export holds, read in keyset batches with everything each row needs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Row, bindparam, exists, func, select

from service.export.filters import ExportQuery
from service.extensions import db
from service.models import ConsentEvent, ConsentKind, GuideRequest, Subscriber

NEWSLETTER_KINDS = (ConsentKind.NEWSLETTER_OPT_IN, ConsentKind.RESUBSCRIBE)
COLUMNS = (Subscriber.id, Subscriber.uuid, Subscriber.email, Subscriber.status, Subscriber.created_at,
           Subscriber.updated_at)


@dataclass
class Person:
    """One subscriber as an export sees them: the row, their consent events and editions."""

    subscriber: Row[Any]
    consents: list[Row[Any]] = field(default_factory=list)
    editions: list[int] = field(default_factory=list)

    def latest(self, *kinds: ConsentKind) -> Row[Any] | None:
        """The most recent consent event of the given kinds."""
        found = [c for c in self.consents if c.kind in kinds]
        return found[-1] if found else None


def _midnight(day: Any) -> datetime:
    """The start of a calendar day in UTC."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def conditions(query: ExportQuery) -> list[ColumnElement[bool]]:
    """The WHERE clauses for the filters; every value is a bound parameter."""
    where: list[ColumnElement[bool]] = []
    if query.status is not None:
        where.append(Subscriber.status.in_(sorted(query.status)))
    if query.since:
        where.append(Subscriber.created_at >= _midnight(query.since))
    if query.until:
        where.append(Subscriber.created_at < _midnight(query.until + timedelta(days=1)))
    if query.newsletter is not None:
        opted_in = _consent_exists(ConsentEvent.kind.in_(NEWSLETTER_KINDS))
        where.append(opted_in if query.newsletter else ~opted_in)
    for name in ("utm_source", "utm_medium", "utm_campaign"):
        if getattr(query, name):
            where.append(_consent_exists(getattr(ConsentEvent, name) == getattr(query, name)))
    if query.referrer:
        where.append(_consent_exists(ConsentEvent.referrer.contains(query.referrer, autoescape=True)))
    if query.edition:
        where.append(exists().where(GuideRequest.subscriber_id == Subscriber.id,
                                    GuideRequest.edition_year == query.edition))
    return where


def _consent_exists(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Whether the subscriber has a consent event matching the condition."""
    return exists().where(ConsentEvent.subscriber_id == Subscriber.id, condition)


def count(query: ExportQuery) -> int:
    """How many rows the export will hold."""
    total = db.session.scalar(select(func.count()).select_from(Subscriber).where(*conditions(query))) or 0
    return min(total, query.limit) if query.limit else total


def batches(query: ExportQuery, size: int) -> Iterator[list[Person]]:
    """The matching subscribers in id order, `size` at a time (WHERE id > :last ORDER BY id LIMIT :n)."""
    # Built once and run with new parameters per batch: statements made per batch leave reference cycles
    # (bound parameters holding the batch's ids) that only the garbage collector's full passes free.
    page = (select(*COLUMNS).where(Subscriber.id > bindparam("last"), *conditions(query))
            .order_by(Subscriber.id).limit(bindparam("n")))
    last, remaining = 0, query.limit
    while remaining is None or remaining > 0:
        n = size if remaining is None else min(size, remaining)
        rows = db.session.execute(page, {"last": last, "n": n}).all()
        if not rows:
            return
        yield _people(rows)
        last = rows[-1].id
        remaining = None if remaining is None else remaining - len(rows)
        if len(rows) < n:
            return


_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
CONSENTS = select(*ConsentEvent.__table__.c).where(ConsentEvent.subscriber_id.in_(_IDS)).order_by(ConsentEvent.id)
EDITIONS = (select(GuideRequest.subscriber_id, GuideRequest.edition_year).distinct()
            .where(GuideRequest.subscriber_id.in_(_IDS)).order_by(GuideRequest.edition_year))


def _people(rows: Sequence[Any]) -> list[Person]:
    """Attach each batch's consent events and editions with one query each."""
    people = {row.id: Person(row) for row in rows}
    ids = {"ids": list(people)}
    for event in db.session.execute(CONSENTS, ids).all():
        people[event.subscriber_id].consents.append(event)
    editions: dict[int, list[int]] = defaultdict(list)
    for subscriber_id, year in db.session.execute(EDITIONS, ids).all():
        editions[subscriber_id].append(year)
    for subscriber_id, years in editions.items():
        people[subscriber_id].editions = years
    return list(people.values())
