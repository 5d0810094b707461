"""Export: 1M subscribers to CSV with `flask subscribers export`, against PostgreSQL COPY of the same rows."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import psycopg

from bench.common import BIN, ROOT, Line
from bench.site import Run, Site

NAME = "export"

# A third opted in to the newsletter (half of those confirmed), one in five came from a campaign;
# every subscriber asked for the guide once: the shape the plain layout reads.
GENERATE = """
INSERT INTO subscribers (id, uuid, email, status, created_at, updated_at)
SELECT i, md5(i::text)::uuid::text, 'reader' || i || '@example.com',
       CASE WHEN i % 6 = 0 THEN 'subscribed' WHEN i % 3 = 0 THEN 'pending' ELSE 'guide_only' END,
       now() - i * interval '1 minute', now()
FROM generate_series(1, N_ROWS) AS i;
SELECT setval(pg_get_serial_sequence('subscribers', 'id'), N_ROWS);
INSERT INTO consent_events (subscriber_id, kind, form, form_version, consent_text_hash, ip, user_agent,
                            utm_source, utm_medium, utm_campaign, created_at)
SELECT i, k.kind, 'salary-guide-landing', '2026.1', 'sha256:' || md5(k.kind), '203.0.113.' || (i % 250),
       'Mozilla/5.0 (X11; Linux x86_64) bench', CASE WHEN i % 5 = 0 THEN 'newsletter' END,
       CASE WHEN i % 5 = 0 THEN 'email' END, CASE WHEN i % 5 = 0 THEN 'salary-guide-2026' END,
       now() - i * interval '1 minute' + k.after
FROM generate_series(1, N_ROWS) AS i
JOIN (VALUES ('guide_delivery', 0, interval '0'), ('newsletter_opt_in', 3, interval '1 second'),
             ('confirmation', 6, interval '1 hour')) AS k(kind, every, after)
  ON k.every = 0 OR i % k.every = 0;
INSERT INTO guide_requests (token, subscriber_id, edition_year, status, created_at, updated_at)
SELECT md5('token' || i), i, 2026, 'ready', now() - i * interval '1 minute', now()
FROM generate_series(1, N_ROWS) AS i;
ANALYZE;
"""

# The plain layout's columns, computed by the database alone (no formula escaping: the floor, not a rival).
COPY = """
COPY (
  SELECT s.email, s.status, s.uuid, s.created_at, s.updated_at, e.editions,
         d.created_at, d.form, d.form_version, d.consent_text_hash,
         n.created_at, n.form, n.form_version, n.consent_text_hash, n.ip, n.user_agent,
         c.created_at, u.created_at, f.utm_source, f.utm_medium, f.utm_campaign, f.referrer
  FROM subscribers s
  LEFT JOIN LATERAL (SELECT string_agg(DISTINCT g.edition_year::text, ' ') AS editions
                     FROM guide_requests g WHERE g.subscriber_id = s.id) e ON true
  LEFT JOIN LATERAL (SELECT * FROM consent_events x WHERE x.subscriber_id = s.id
                     AND x.kind = 'guide_delivery' ORDER BY x.id DESC LIMIT 1) d ON true
  LEFT JOIN LATERAL (SELECT * FROM consent_events x WHERE x.subscriber_id = s.id
                     AND x.kind IN ('newsletter_opt_in', 'resubscribe') ORDER BY x.id DESC LIMIT 1) n ON true
  LEFT JOIN LATERAL (SELECT * FROM consent_events x WHERE x.subscriber_id = s.id
                     AND x.kind = 'confirmation' ORDER BY x.id DESC LIMIT 1) c ON true
  LEFT JOIN LATERAL (SELECT * FROM consent_events x WHERE x.subscriber_id = s.id
                     AND x.kind = 'unsubscribe' ORDER BY x.id DESC LIMIT 1) u ON true
  LEFT JOIN LATERAL (SELECT * FROM consent_events x WHERE x.subscriber_id = s.id
                     ORDER BY x.id LIMIT 1) f ON true
  ORDER BY s.id
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def _connect(site: Site) -> psycopg.Connection:
    return psycopg.connect(site.database_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def _lines(path: Path) -> int:
    """Lines in a file (no generated cell holds a newline)."""
    with open(path, "rb") as file:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))


def _export(site: Site, out: Path) -> tuple[float, int]:
    """`flask subscribers export --out FILE` as the operator runs it: seconds, and its own peak RSS in KiB.

    The peak is the process's VmHWM (/proc), read every 20 ms while it runs: the kernel's figure for its own
    memory since exec. wait4's ru_maxrss would not do: it also counts the pages the process shared with this
    one between fork and exec, so after the other benchmarks it reported this process's size (about 220 MiB),
    not the export's.
    """
    started, errors = time.perf_counter(), out.with_suffix(".stderr")
    with errors.open("wb") as stderr:  # a file, not a pipe: the progress bar must never fill one and stall it
        process = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "subscribers", "export", "--out", str(out)],
                                   cwd=ROOT, env=site.env, stdout=subprocess.DEVNULL, stderr=stderr)
    status, peak_kb = Path(f"/proc/{process.pid}/status"), 0
    while process.poll() is None:
        try:
            hwm = next((line for line in status.read_text().splitlines() if line.startswith("VmHWM:")), "")
        except OSError:  # it ended between poll() and the read
            break
        peak_kb = max(peak_kb, int(hwm.split()[1]) if hwm else 0)
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(f"export failed: {errors.read_text()[-2000:]}")
    errors.unlink()
    return seconds, peak_kb


def _copy(site: Site, out: Path) -> float:
    """COPY of the same rows and columns to a file through psycopg: seconds."""
    started = time.perf_counter()
    with _connect(site) as connection, connection.cursor() as cursor, open(out, "wb") as file:
        with cursor.copy(COPY) as copy:
            for data in copy:
                file.write(data)
    return time.perf_counter() - started


def run(bench: Run) -> list[Line]:
    count = 100_000 if bench.quick else 1_000_000
    site = Site(bench, "export", bench.postgres_database("export")).prepare(data=False)
    started = time.perf_counter()
    with _connect(site) as connection:
        connection.execute(GENERATE.replace("N_ROWS", str(count)).encode())
    generated = time.perf_counter() - started
    ours, copied = site.dir / "export.csv", site.dir / "copy.csv"
    seconds, peak_kb = _export(site, ours)
    rows = _lines(ours) - 1
    copy_seconds = _copy(site, copied)
    copy_rows = _lines(copied) - 1
    ours.unlink()
    copied.unlink()
    ratio = rows / seconds / (copy_rows / copy_seconds)
    return [
        Line(NAME, f"generated {count:,} subscribers (+ consent, requests) with generate_series", f"{generated:.0f} s"),
        Line(NAME, "flask subscribers export (plain layout), rows/s", f"{rows / seconds:,.0f} /s  ({seconds:.0f} s)"),
        Line(NAME, "  its peak memory (VmHWM of the process)", f"{peak_kb / 1024:.0f} MiB"),
        Line(NAME, "PostgreSQL COPY of the same rows and columns, rows/s",
             f"{copy_rows / copy_seconds:,.0f} /s  ({copy_seconds:.0f} s)"),
        Line(NAME, "export / COPY (rows/s)", f"{ratio:.2f} x", ">= 0.3 x", ratio >= 0.3),
        Line(NAME, "rows written by the export and by COPY", f"{rows:,} / {copy_rows:,}", f"both {count:,}",
             rows == copy_rows == count),
    ]
