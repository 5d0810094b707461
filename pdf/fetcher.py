"""A WeasyPrint URL fetcher that serves packaged asset files and nothing else."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# OTF is not in every platform's mimetypes table; CSS must be text/css or
# WeasyPrint ignores a <link rel=stylesheet>.
_TYPES = {".css": "text/css", ".otf": "font/otf", ".ttf": "font/ttf", ".svg": "image/svg+xml"}


class AssetAccessDenied(PermissionError):
    """Raised for any URL that is not a file inside the assets folder."""


class AssetFetcher(URLFetcher):
    """Serve `file:` URLs under one folder; refuse every other URL.

    The document is rendered from templates fed with user input, so the PDF
    must never reach the network (SSRF) or read files outside its assets.
    `data:` URLs are refused too: the templates do not need them, and a
    smaller surface is easier to reason about. Nothing here goes through
    urllib's openers, so proxies, redirects and other schemes cannot happen.
    """

    def __init__(self, root: Path, **kwargs: object) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, **kwargs)
        self.root = Path(root).resolve(strict=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the asset behind `url`, or raise so WeasyPrint skips it."""
        try:
            path = self.resolve(url)
        except AssetAccessDenied as error:
            logger.warning("PDF asset refused: %s", error)
            raise
        content_type = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(
            url=path.as_uri(),
            body=path.read_bytes(),
            headers={"Content-Type": content_type or "application/octet-stream"},
        )

    def resolve(self, url: str) -> Path:
        """Map `url` to a regular file inside the root, following symlinks first."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file":
            raise AssetAccessDenied(f"scheme not allowed: {url[:200]}")
        if parts.netloc not in ("", "localhost"):
            raise AssetAccessDenied(f"remote file host not allowed: {url[:200]}")
        try:
            # resolve() collapses `..` and symlinks, so the check below sees
            # the real location, not the spelling of the URL.
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError, ValueError) as error:
            raise AssetAccessDenied(f"no such asset: {url[:200]}") from error
        if not path.is_relative_to(self.root) or not path.is_file():
            raise AssetAccessDenied(f"outside the assets folder: {url[:200]}")
        return path
