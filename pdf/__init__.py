"""The Remote Salary Guide as a pure function: context dict in, PDF bytes out.

No Flask, Redis or database here; see docs/pdf.md and docs/guide-context.md. The renderer (and with it
WeasyPrint, about 33 MB and 0.4 s) is imported on first use, so a process that only needs the template
version, such as the web tier, never loads it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import template_version

if TYPE_CHECKING:
    from .merge import PersonalBase, merge_personal, placeholder_index
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

_LAZY = {
    "PersonalBase": ".merge",
    "merge_personal": ".merge",
    "placeholder_index": ".merge",
    "INSERT_PAGES": ".render",
    "PERSONAL_PAGES": ".render",
    "build_html": ".render",
    "render_guide": ".render",
    "render_html": ".render",
    "render_personal_base": ".render",
    "render_personal_insert": ".render",
    "warm_up": ".render",
}

__all__ = [
    "INSERT_PAGES",
    "PERSONAL_PAGES",
    "PersonalBase",
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


def __getattr__(name: str) -> Any:
    """`TEMPLATE_VERSION` computed on first use; the renderer's functions imported on first use."""
    if name == "TEMPLATE_VERSION":
        return template_version()
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
