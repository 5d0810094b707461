"""`flask admin create-user` and `flask subscribers export|erase|show`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from service import outbox
from service.admin import auth
from service.export import filters, query, stream
from service.extensions import db, rq
from service.models import ExportRecord, StaffUser
from service.privacy import erase, records
from service.privacy.job_matching import Matcher

admin_cli = AppGroup("admin", help="Staff accounts for /admin.")
subscribers_cli = AppGroup("subscribers", help="Export subscribers; show or erase one person.")


@admin_cli.command("create-user")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def create_user(email: str, password_stdin: bool) -> None:
    """Create a staff account; the password is prompted for twice unless given on stdin."""
    try:
        address = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from None
    if db.session.scalars(select(StaffUser).where(StaffUser.email == address)).first():
        raise click.ClickException(f"A staff account for {address} already exists.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    if len(password) < auth.MIN_PASSWORD:
        raise click.ClickException(f"The password must be at least {auth.MIN_PASSWORD} characters.")
    db.session.add(StaffUser(email=address, password_hash=auth.hash_password(password)))
    db.session.commit()
    click.echo(f"Staff account created for {address}.", err=True)


@subscribers_cli.command("export")
@click.option("--out", default="-", type=click.Path(dir_okay=False, allow_dash=True), help="File (default: stdout).")
@click.option("--layout", default="plain", help="plain, mailchimp or listmonk.")
@click.option("--status", multiple=True, help="guide_only, pending, subscribed or unsubscribed (repeatable).")
@click.option("--newsletter", help="yes or no: whether they opted in to the newsletter.")
@click.option("--since", help="Signed up on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Signed up on or before this date (YYYY-MM-DD).")
@click.option("--edition", help="Asked for this edition (year).")
@click.option("--utm-source")
@click.option("--utm-medium")
@click.option("--utm-campaign")
@click.option("--referrer", help="Part of the referring page's address.")
@click.option("--limit", help="At most this many rows.")
@click.option("--formula-rows", help="mailchimp/listmonk: exclude (default) or only the rows whose address a "
                                     "spreadsheet would run as a formula; see docs/marketing.md.")
def export_command(out: str, **options: str | tuple[str, ...] | None) -> None:
    """Write subscribers as CSV, with a progress bar on stderr."""
    params = {name: list(v) if isinstance(v, tuple) else [v] for name, v in options.items() if v}
    try:
        export = filters.parse(params)
    except filters.FilterError as exc:
        raise click.UsageError(str(exc)) from None
    record = stream.start("cli", export)
    db.session.commit()
    total = query.count(export)
    with _progress(total) as advance, _target(out) as target:
        chunks = stream.lines(export, current_app.config["EXPORT_BATCH_SIZE"], progress=advance)
        for chunk in stream.recorded(record.id, chunks):
            target.write(chunk)
    written = db.session.get_one(ExportRecord, record.id).row_count or 0
    click.echo(f"Exported {written} row(s) in the {export.layout} layout.", err=True)
    if export.formula_rows == "exclude" and written < total:
        click.echo(f"Left out {total - written} row(s) whose address a spreadsheet would run as a formula; export "
                   "them with --formula-rows only and import that file straight into the tool, never through a "
                   "spreadsheet.", err=True)
    elif export.formula_rows == "only" and written:
        click.echo("Warning: these addresses start with = + - or @. Import the file straight into the tool; "
                   "never open it in a spreadsheet.", err=True)


@contextmanager
def _target(out: str) -> Iterator[TextIO]:
    """The file to write (newline="" so the csv module's CRLF stays as written), or stdout for "-"."""
    if out == "-":
        yield sys.stdout
        return
    with open(out, "w", encoding="utf-8", newline="") as file:
        yield file


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; plain lines at each tenth otherwise (logs, pipes)."""
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar:
            yield bar.update
        return
    done, shown = 0, -1

    def advance(n: int) -> None:
        nonlocal done, shown
        done += n
        tenth = done * 10 // total if total else 10
        if tenth != shown:
            shown = tenth
            click.echo(f"Exporting: {done}/{total} rows ({done * 100 // max(total, 1)}%)", err=True)

    yield advance


def _person(email: str) -> records.Held:
    """Everything held about an address, or a clear error."""
    subscriber = records.find(email)
    if subscriber is None:
        raise click.ClickException("No subscriber has that address.")
    return records.held(subscriber)


@subscribers_cli.command("show")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for a subject access request).")
def show_command(email: str, as_json: bool) -> None:
    """Print everything held about one person: their rows, outbox entries and queued jobs."""
    found = _person(email)
    matcher = Matcher.of(found)
    outbox = [{"id": r.id, "job": r.job, "args": r.args} for r in erase.outbox_rows() if matcher.matches(r.job, r.args)]
    jobs = [erase.job_summary(job) for _queue, job in erase.queued_jobs(matcher)]
    data = records.as_json(found, outbox, jobs)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for table, rows in data["tables"].items():
        click.echo(f"{table} ({len(rows)})")
        for row in rows:
            click.echo("  " + ", ".join(f"{k}={v}" for k, v in row.items()))
    click.echo(f"outbox ({len(outbox)})\nqueued jobs ({len(jobs)})")


@subscribers_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_command(email: str, yes: bool) -> None:
    """Remove one person from every table, the outbox and the queues, keeping only an anonymous count."""
    found = _person(email)
    if not yes:
        click.confirm(f"Erase everything held about {found.email}? This cannot be undone", abort=True)
    matcher = Matcher.of(found)
    report = erase.erase_rows(found, matcher)
    db.session.commit()
    report.jobs = erase.erase_jobs(matcher)
    outbox.dispatch(report.pushes)  # after erase_jobs, which would not match them anyway (they carry an id only)
    report.redis_keys = erase.erase_redis_keys(rq.get_queue().connection, found.email)
    rows = ", ".join(f"{n} {table}" for table, n in report.rows.items())
    click.echo(f"Erased: {rows}; {report.outbox} outbox row(s); {report.jobs} queued job(s); "
               f"{report.redis_keys} Redis key(s).")
