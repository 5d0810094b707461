"""The PDF store in an S3-compatible bucket (SALARYGUIDE_PDF_STORE=s3://bucket/prefix), through boto3.

Objects are named by their SHA-256 like the folder store's files, so a write is idempotent, and an S3 PUT
is atomic: a reader sees the whole object or none. Downloads go to a short-lived presigned URL, so no
web thread carries the file (docs/design.md).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import urlsplit

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from service.storage import MEDIA_TYPES, digest_path

KNOWN_LIMIT = 10_000  # digests remembered per process
# Probes and renders should not hang on an unreachable endpoint.
CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=30, retries={"max_attempts": 2, "mode": "standard"})


class S3Store:
    """PDFs as objects at <prefix>/<first two hex digits>/<sha256>.pdf in one bucket."""

    def __init__(self, url: str, client: Any) -> None:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"not an s3://bucket/prefix URL: {url!r}")
        self.bucket, self.prefix, self.client = parts.netloc, parts.path.strip("/"), client
        # Digests seen stored: an object is never rewritten, so a signup need not ask the bucket each time.
        self._known: set[str] = set()

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> S3Store:
        """A store with a boto3 client for the configured endpoint (credentials from boto3's usual chain)."""
        import boto3

        client = boto3.client("s3", endpoint_url=config["S3_ENDPOINT_URL"] or None,
                              region_name=config["S3_REGION"] or None, config=CLIENT_CONFIG)
        return cls(config["PDF_STORE"], client)

    def key_for(self, sha256: str, suffix: str = ".pdf") -> str:
        """The object key of the file with this digest."""
        return "/".join(part for part in (self.prefix, digest_path(sha256, suffix)) if part)

    def check(self) -> str:
        """"ok" when the bucket answers, else why not."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            return f"bucket {self.bucket}: {exc.response.get('Error', {}).get('Code', 'error')}"
        except BotoCoreError as exc:
            return f"unreachable: {type(exc).__name__}"
        return "ok"

    def exists(self, sha256: str, suffix: str = ".pdf") -> bool:
        """Whether the file is stored (remembered once seen: objects are only ever added)."""
        key = self.key_for(sha256, suffix)
        if key in self._known:
            return True
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        self._remember(key)
        return True

    def _remember(self, key: str) -> None:
        if len(self._known) >= KNOWN_LIMIT:
            self._known.clear()
        self._known.add(key)

    def put(self, data: bytes, suffix: str = ".pdf") -> str:
        """Store the bytes under their digest (one atomic PUT, checked by MD5) and return the digest."""
        sha256 = hashlib.sha256(data).hexdigest()
        if self.exists(sha256, suffix):
            return sha256
        md5 = base64.b64encode(hashlib.md5(data).digest()).decode()  # noqa: S324 (S3's integrity header)
        self.client.put_object(Bucket=self.bucket, Key=self.key_for(sha256, suffix), Body=data, ContentMD5=md5,
                               ContentType=MEDIA_TYPES[suffix], Metadata={"sha256": sha256})
        self._remember(self.key_for(sha256, suffix))
        return sha256

    def read(self, sha256: str, suffix: str = ".pdf") -> bytes:
        """The stored file's bytes."""
        return self.client.get_object(Bucket=self.bucket, Key=self.key_for(sha256, suffix))["Body"].read()

    def url(self, sha256: str, download_name: str, seconds: int) -> str:
        """A presigned GET that works for `seconds` and downloads as an attachment named `download_name`."""
        return self.client.generate_presigned_url("get_object", ExpiresIn=seconds, Params={
            "Bucket": self.bucket, "Key": self.key_for(sha256), "ResponseContentType": "application/pdf",
            "ResponseContentDisposition": f"attachment; filename={download_name}",
            "ResponseCacheControl": "private, max-age=3600"})
