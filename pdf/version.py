"""A version string for the guide's templates, derived from the files themselves."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = PACKAGE_DIR.parent / "templates" / "guide"


def _inputs() -> list[tuple[str, Path]]:
    """Every file whose change can change the PDF, named relative to its folder."""
    templates = [(f"templates/{p.relative_to(TEMPLATE_DIR).as_posix()}", p)
                 for p in TEMPLATE_DIR.rglob("*") if p.is_file()]
    code = [(f"pdf/{p.name}", p) for p in PACKAGE_DIR.glob("*.py")]
    return sorted(templates + code)


@cache
def template_version() -> str:
    """Return a short content hash of templates, CSS, fonts and this package; computed once per process.

    The render cache keys PDFs on this value, so it also covers the filters
    (they shape every number) and the WeasyPrint version (it shapes the layout).
    """
    # The installed version from its metadata, not `weasyprint.__version__`: reading the template version
    # must not import WeasyPrint (the web process never loads the renderer).
    digest = hashlib.sha256(f"weasyprint {metadata.version('weasyprint')}\n".encode())
    for name, path in _inputs():
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return f"tpl-{digest.hexdigest()[:16]}"
