"""The daily refresh's feeds: several feeds, each imported in its own transaction, failures reported."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from service.extensions import db
from service.models import FeedRun
from service.salaries import importer, sources

log = logging.getLogger(__name__)
FEED_KEYS = ("url", "format", "source", "licence")


class FeedConfigError(ValueError):
    """SALARYGUIDE_FEEDS is not a list of {url, format, source, licence}."""


@dataclass(frozen=True)
class Feed:
    """One configured feed."""

    url: str
    format: str | None = None  # None: guessed from the file
    source: str | None = None  # the listings' source name (feed formats); None: the format's name
    licence: str | None = None


@dataclass
class RefreshSummary:
    """What one refresh did, per feed."""

    feeds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(not feed["ok"] for feed in self.feeds)

    @property
    def snapshot_changed(self) -> bool:
        return any(feed.get("snapshot_created") for feed in self.feeds)

    def __str__(self) -> str:
        if not self.feeds:
            return "no feed configured (SALARYGUIDE_FEEDS or SALARYGUIDE_FEED_URL)"
        parts = [f"{feed['source']}: {feed['summary']}" for feed in self.feeds]
        return f"{len(self.feeds) - self.failed} of {len(self.feeds)} feeds imported; " + "; ".join(parts)


def configured(config: Mapping[str, Any]) -> list[Feed]:
    """SALARYGUIDE_FEEDS, else SALARYGUIDE_FEED_URL as a one-feed list, else none."""
    entries = config.get("FEEDS") or []
    if isinstance(entries, str):
        try:
            entries = json.loads(entries)
        except json.JSONDecodeError as problem:
            raise FeedConfigError(f"SALARYGUIDE_FEEDS is not JSON: {problem}") from problem
    if not entries:
        return [Feed(str(config["FEED_URL"]))] if config.get("FEED_URL") else []
    if not isinstance(entries, list):
        raise FeedConfigError("SALARYGUIDE_FEEDS must be a JSON list of {url, format, source, licence}")
    return [_feed(entry, number) for number, entry in enumerate(entries, start=1)]


def _feed(entry: Any, number: int) -> Feed:
    if not isinstance(entry, dict) or not entry.get("url"):
        raise FeedConfigError(f"SALARYGUIDE_FEEDS entry {number} needs at least a url")
    unknown = set(entry) - set(FEED_KEYS)
    if unknown:
        raise FeedConfigError(f"SALARYGUIDE_FEEDS entry {number} has unknown keys: {', '.join(sorted(unknown))}")
    if entry.get("format") and entry["format"] not in importer.LAYOUTS:
        raise FeedConfigError(f"SALARYGUIDE_FEEDS entry {number}: unknown format {entry['format']!r}")
    return Feed(str(entry["url"]), entry.get("format") or None, entry.get("source") or None,
                entry.get("licence") or None)


def refresh(config: Mapping[str, Any]) -> RefreshSummary:
    """Import every configured feed, each in its own transaction; a failing one is logged, recorded
    (feed_runs, shown on the dashboard) and does not stop the others."""
    summary = RefreshSummary()
    for feed in configured(config):
        summary.feeds.append(_import(feed, float(config.get("FEED_TIMEOUT") or sources.TIMEOUT)))
    return summary


def _import(feed: Feed, timeout: float) -> dict[str, Any]:
    """One feed's import and its feed_runs row."""
    name = feed.source or feed.format or "feed"
    try:
        report = importer.import_file(feed.url, feed.format, progress=False, source=feed.source,
                                      timeout=timeout, licence=feed.licence)
    except Exception as problem:  # any failure of this feed is reported, and the next feed still runs
        db.session.rollback()
        log.error("feed %s (%s) failed, nothing was changed: %s", name, feed.url, problem)
        outcome = {"source": name, "url": feed.url, "ok": False, "summary": f"failed: {problem}"}
    else:
        text = (f"read {report.rows_read}, imported {report.imported}, updated {report.updated}, "
                f"rejected {report.rejected}, cross-posted {report.cross_posted}, snapshot {report.snapshot_id}")
        log.info("feed %s (%s): %s", name, feed.url, text)
        outcome = {"source": name, "url": feed.url, "ok": True, "summary": text,
                   "snapshot_id": report.snapshot_id, "snapshot_created": report.snapshot_created}
    db.session.add(FeedRun(source=name[:64], url=feed.url[:512], ok=outcome["ok"], summary=outcome["summary"],
                           snapshot_id=outcome.get("snapshot_id")))
    db.session.commit()
    return outcome

