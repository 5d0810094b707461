"""A content-addressed PDF store: a file is named by its SHA-256 and is never partial.

Two kinds share one interface (`check`, `exists`, `put`, `read`): a folder (the default) and an
S3-compatible bucket when SALARYGUIDE_PDF_STORE is s3://bucket/prefix (service/objectstore.py).
The edition's preview images live beside the PDFs, named the same way with their own suffix (".png").
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol

from flask import Flask, Response, current_app, send_file

_HEX64 = frozenset("0123456789abcdef")
# The kinds of file the store holds, by suffix, with their media type.
MEDIA_TYPES = {".pdf": "application/pdf", ".png": "image/png"}


def digest_path(sha256: str, suffix: str = ".pdf") -> str:
    """<first two hex digits>/<sha256><suffix>, for a well-formed digest and a known suffix only."""
    if len(sha256) != 64 or not set(sha256) <= _HEX64:
        raise ValueError("not a SHA-256 hex digest")
    if suffix not in MEDIA_TYPES:
        raise ValueError(f"not a stored kind of file: {suffix!r}")
    return f"{sha256[:2]}/{sha256}{suffix}"


class Store(Protocol):
    """What rendering, editions and readiness use of a store."""

    def check(self) -> str: ...
    def exists(self, sha256: str, suffix: str = ".pdf") -> bool: ...
    def put(self, data: bytes, suffix: str = ".pdf") -> str: ...
    def read(self, sha256: str, suffix: str = ".pdf") -> bytes: ...


class PdfStore:
    """PDFs in a folder, at <root>/<first two hex digits>/<sha256>.pdf."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str, suffix: str = ".pdf") -> Path:
        """Where the file with this digest lives (whether or not it exists)."""
        return self.root / digest_path(sha256, suffix)

    def read(self, sha256: str, suffix: str = ".pdf") -> bytes:
        """The stored file's bytes."""
        return self.path_for(sha256, suffix).read_bytes()

    def check(self) -> str:
        """"ok" when the store's folder is there and writable, else why not."""
        if not self.root.is_dir():
            return f"missing: {self.root} is not a folder"
        if not os.access(self.root, os.W_OK | os.X_OK):
            return f"not writable: {self.root}"
        return "ok"

    def exists(self, sha256: str, suffix: str = ".pdf") -> bool:
        """Whether the file is stored."""
        return self.path_for(sha256, suffix).is_file()

    def put(self, data: bytes, suffix: str = ".pdf") -> str:
        """Store the bytes under their digest, atomically, and return the digest."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha256, suffix)
        if target.is_file():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename: readers see the whole file or none of it.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=suffix)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o640)  # readable by the service's group, e.g. an nginx sending it by X-Accel-Redirect
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256


def init_app(app: Flask) -> None:
    """Make the app's store from SALARYGUIDE_PDF_STORE: a folder, or s3://bucket/prefix."""
    location = app.config["PDF_STORE"]
    if location.startswith("s3://"):
        from service.objectstore import S3Store

        app.extensions["pdf_store"] = S3Store.from_config(app.config)
        return
    app.extensions["pdf_store"] = PdfStore(location)
    Path(location).mkdir(parents=True, exist_ok=True)


def store() -> Store:
    """The current app's PDF store: a PdfStore, or an S3Store for s3:// (service/objectstore.py)."""
    return current_app.extensions["pdf_store"]


def send_pdf(sha256: str, download_name: str) -> Response:
    """A stored PDF as an attachment: by the web server when it is set up for it, else streamed by Flask.

    With a bucket the answer is a redirect to a presigned URL that expires after SALARYGUIDE_PDF_URL_TTL.
    Behind nginx, SALARYGUIDE_ACCEL_REDIRECT names an internal location that maps to the store; the app
    answers with headers only and nginx sends the file (with its own ETag and ranges), several times
    faster than Python can (docs/benchmarks.md).
    """
    prefix, found = current_app.config["ACCEL_REDIRECT"], store()
    if not isinstance(found, PdfStore):  # a bucket: the visitor fetches it by a short-lived presigned URL
        from service.objectstore import S3Store

        assert isinstance(found, S3Store)
        response = Response(status=302)
        response.headers["Location"] = found.url(sha256, download_name, current_app.config["PDF_URL_TTL"])
        response.headers["Cache-Control"] = "private, no-store"
        return response
    path = found.path_for(sha256)
    if prefix:
        response = Response(status=200, mimetype="application/pdf")
        response.headers["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{sha256[:2]}/{sha256}.pdf"
        response.headers["Content-Disposition"] = f"attachment; filename={download_name}"
    else:
        response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=download_name,
                             etag=sha256, conditional=True, max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
