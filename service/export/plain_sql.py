"""The plain layout computed by PostgreSQL: every cell shaped and guarded in SQL, read from a server-side cursor.

`layouts.plain` over `query.batches` is the portable path and the definition; this one must write the same
bytes (a test compares them). A million rows spend most of their time in per-row Python on that path (the
person objects, the layout, the guard on 22 cells), so here the database does all three and Python only
hands its tuples to the CSV writer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    String,
    Table,
    Text,
    case,
    cast,
    func,
    literal,
    select,
    true,
    type_coerce,
)
from sqlalchemy.sql.selectable import LateralFromClause

from service.export import cells
from service.export.filters import ExportQuery
from service.export.query import NEWSLETTER_KINDS, conditions
from service.extensions import db
from service.models import ConsentEvent, ConsentKind, GuideRequest, Subscriber

# cells.neutralise's rule as a regular expression; PostgreSQL text cannot hold a NUL, so that trigger goes.
_IN_BRACKET = "".join(t for t in cells.TRIGGERS if t not in "-\0")
if not set(_IN_BRACKET) <= set("=+@\t\r\n"):  # a new trigger such as ] \ ^ would change the bracket's meaning
    raise RuntimeError(f"plain_sql cannot put {_IN_BRACKET!r} in a bracket expression unescaped")
_GUARD = "^'*[" + _IN_BRACKET + "-]"
_ISO = 'YYYY-MM-DD"T"HH24:MI:SS"Z"'  # layouts.timestamp: seconds, UTC, truncated like isoformat


def applies(export: ExportQuery) -> bool:
    """Whether this path writes the export: the plain layout on PostgreSQL."""
    return export.layout == "plain" and db.engine.dialect.name == "postgresql"


def rows(export: ExportQuery, size: int) -> Iterator[Sequence[Any]]:
    """The rows, `size` at a time, from one server-side cursor (memory stays flat), closed as soon as the stream
    ends or is dropped (a client gone mid-download), so PostgreSQL lets go of the statement's snapshot then."""
    with db.session.execute(statement(export), execution_options={"yield_per": size}) as result:
        yield from result.partitions()


def statement(export: ExportQuery) -> Select[*tuple[Any, ...]]:
    """One SELECT holding the plain layout's 22 cells, in id order, with the export's filters."""
    s: Table = Subscriber.__table__  # type: ignore[assignment]  # declared as FromClause on the mapped class
    delivery = _event(s, "delivery", ConsentKind.GUIDE_DELIVERY)
    newsletter = _event(s, "newsletter", *NEWSLETTER_KINDS)
    confirmed = _event(s, "confirmed", ConsentKind.CONFIRMATION)
    unsubscribed = _event(s, "unsubscribed", ConsentKind.UNSUBSCRIBE, ConsentKind.WITHDRAWN)
    first = _event(s, "first")
    editions = _editions(s)
    values = [
        s.c.email, s.c.status, s.c.uuid, _timestamp(s.c.created_at), _timestamp(s.c.updated_at), editions.c.years,
        _timestamp(delivery.c.created_at), delivery.c.form, delivery.c.form_version, delivery.c.consent_text_hash,
        _timestamp(newsletter.c.created_at), newsletter.c.form, newsletter.c.form_version,
        newsletter.c.consent_text_hash, newsletter.c.ip, newsletter.c.user_agent,
        _timestamp(confirmed.c.created_at), _timestamp(unsubscribed.c.created_at),
        first.c.utm_source, first.c.utm_medium, first.c.utm_campaign, first.c.referrer,
    ]
    joined: FromClause = s
    for lateral in (editions, delivery, newsletter, confirmed, unsubscribed, first):
        joined = joined.outerjoin(lateral, true())
    query = select(*(_guarded(value) for value in values)).select_from(joined).where(*conditions(export))
    query = query.order_by(s.c.id)
    return query.limit(export.limit) if export.limit else query


def _event(s: Table, name: str, *kinds: ConsentKind) -> LateralFromClause:
    """The subscriber's latest consent event of these kinds, or the very first event when no kind is given."""
    events = ConsentEvent.__table__.alias(f"{name}_event")
    chosen = select(events).where(events.c.subscriber_id == s.c.id)
    if kinds:
        chosen = chosen.where(events.c.kind.in_(kinds))
    order = events.c.id.desc() if kinds else events.c.id
    return chosen.order_by(order).limit(1).lateral(name)


def _editions(s: Table) -> LateralFromClause:
    """The editions the subscriber asked for, distinct, oldest first, joined by spaces."""
    requests = GuideRequest.__table__.alias("requests")
    years = (select(requests.c.edition_year).distinct().where(requests.c.subscriber_id == s.c.id)
             .correlate(s).subquery("years"))
    year = cast(years.c.edition_year, Text)
    return select(func.string_agg(year, literal(" ")).aggregate_order_by(years.c.edition_year).label("years")).lateral(
        "editions"
    )


def _timestamp(column: ColumnElement[Any]) -> ColumnElement[str]:
    """layouts.timestamp in SQL: ISO 8601 in UTC to the second."""
    return func.to_char(func.timezone("UTC", column), _ISO)


def _guarded(value: ColumnElement[Any]) -> ColumnElement[str]:
    """cells.neutralise in SQL: a leading ' when a spreadsheet would run the cell as a formula."""
    text = type_coerce(value, String)
    return case((text.regexp_match(_GUARD), literal("'") + text), else_=text)
