"""The Remote Salary Guide as a pure function: context dict in, PDF bytes out.

No Flask, Redis or database here; see docs/pdf.md and docs/guide-context.md.
"""

from __future__ import annotations

from .merge import merge_personal, placeholder_index
from .render import (
    INSERT_PAGES,
    PERSONAL_PAGES,
    build_html,
    render_guide,
    render_html,
    render_personal_base,
    render_personal_insert,
    warm_up,
)
from .version import template_version

__all__ = [
    "INSERT_PAGES",
    "PERSONAL_PAGES",
    "TEMPLATE_VERSION",
    "build_html",
    "merge_personal",
    "placeholder_index",
    "render_guide",
    "render_html",
    "render_personal_base",
    "render_personal_insert",
    "template_version",
    "warm_up",
]


def __getattr__(name: str) -> str:
    """Compute `TEMPLATE_VERSION` on first use, so importing reads no files."""
    if name == "TEMPLATE_VERSION":
        return template_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
