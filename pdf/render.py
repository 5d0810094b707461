"""Render the guide: context dict -> HTML (Jinja) -> PDF bytes (WeasyPrint)."""

from __future__ import annotations

import atexit
import os
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import cffi_arrays, fonts, xhtml
from .fetcher import AssetFetcher
from .filters import FILTERS
from .version import TEMPLATE_DIR

ASSETS_DIR = TEMPLATE_DIR / "assets"
GENERATOR = f"WeasyPrint {weasyprint.__version__}"
# Tagged PDF (a structure tree, MarkInfo /Marked): screen readers follow the reading order, headings and
# tables; title and /Lang come from the HTML's <title> and lang. The insert is not tagged: it is drawn over
# the base's pages as artwork, so its text is read from the base's placeholder structure (docs/pdf.md).
TAGGED = {"pdf_tags": True}
# Pages the personal section always takes: the base PDF keeps this many placeholder pages
# and the insert must fill exactly this many (see docs/pdf.md, "Personal guides").
PERSONAL_PAGES = 2
# The insert also carries the reader's headline for the cover: one page drawn over the base's cover,
# before the PERSONAL_PAGES section pages.
INSERT_PAGES = 1 + PERSONAL_PAGES

cffi_arrays.install()


class InsertOverflow(RuntimeError):
    """The personal insert did not come out at exactly PERSONAL_PAGES pages."""


@cache
def environment() -> jinja2.Environment:
    """Return the guide's Jinja environment, built once per process."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,  # personal role and city names come from visitors
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.globals["generator"] = GENERATOR
    return env


@cache
def _styles() -> tuple[weasyprint.CSS, FontConfiguration]:
    """The guide's stylesheet parsed once per process, with its @font-face fonts registered once."""
    font_config = FontConfiguration()
    css = weasyprint.CSS(filename=str(ASSETS_DIR / "guide.css"), url_fetcher=AssetFetcher(ASSETS_DIR),
                         font_config=font_config)
    return css, font_config


def _keep_parent_fonts() -> None:
    """In a forked child: never delete the parent's font folder when the child's copy is collected."""
    if _styles.cache_info().currsize:
        _styles()[1]._folder = None


# Module-level hooks, holding no reference to the fonts: Pango and Fontconfig objects must be freed
# while the interpreter is whole (at exit), not in its final teardown, where freeing them crashes.
os.register_at_fork(after_in_child=_keep_parent_fonts)
atexit.register(_styles.cache_clear)


def build_html(context: dict[str, Any], link_stylesheet: bool = True, personal_slot: int | None = None) -> str:
    """Render the guide's HTML from a context dict (see docs/guide-context.md).

    `link_stylesheet` adds the <link> to guide.css (for previews and browsers; renders pass the parsed
    stylesheet instead); `personal_slot` prints the personal section as that many empty pages.
    """
    template = environment().get_template("guide.html")
    return template.render(**context, link_stylesheet=link_stylesheet, personal_slot=personal_slot)


def render_html(
    html: str, base_url: str | Path | None = None, fetcher: URLFetcher | None = None
) -> bytes:
    """Render an HTML string to PDF bytes, fetching only packaged assets."""
    fetcher = fetcher or AssetFetcher(ASSETS_DIR)
    base = _as_base_url(base_url or ASSETS_DIR)
    document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf


def _document(html: str) -> weasyprint.Document:
    """Lay out guide HTML with the cached stylesheet and fonts."""
    css, font_config = _styles()
    source = xhtml.parse(html, _as_base_url(ASSETS_DIR), AssetFetcher(ASSETS_DIR))
    return source.render(stylesheets=[css], font_config=font_config)


def render_guide(context: dict[str, Any]) -> bytes:
    """Render the full guide for `context` to PDF bytes (with its personal page when it has one)."""
    pdf: bytes = _document(build_html(context, link_stylesheet=False)).write_pdf(**TAGGED)
    return pdf


def render_personal_base(context: dict[str, Any]) -> bytes:
    """The guide with PERSONAL_PAGES empty pages where the personal section goes, for merge_personal.

    The shipped fonts are embedded whole (pdf/fonts.py), so every glyph an insert can use is already
    in the base and the merged PDF carries one program per font.
    """
    html = build_html({**context, "personal": None}, link_stylesheet=False, personal_slot=PERSONAL_PAGES)
    return fonts.embed_whole(_document(html).write_pdf(**TAGGED))


def render_personal_insert(context: dict[str, Any]) -> bytes:
    """The reader's cover headline (one page) and the personal section's body (PERSONAL_PAGES pages): INSERT_PAGES
    pages, same page box, no margin boxes."""
    html = environment().get_template("insert.html").render(**context, link_stylesheet=False)
    document = _document(html)
    if len(document.pages) != INSERT_PAGES:
        raise InsertOverflow(f"personal insert has {len(document.pages)} pages, expected {INSERT_PAGES}")
    # Uncompressed: it is only read by merge_personal, which compresses the two content streams it keeps
    # and drops the font programs (zlib over all of it would cost about 10 ms of a personal guide).
    pdf: bytes = document.write_pdf(uncompressed_pdf=True)
    return pdf


def warm_up() -> None:
    """Compile the templates, parse the stylesheet, load the fonts and render a small document in each
    weight, so a worker's first job (a full render or a personal insert) starts warm."""
    env = environment()
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)
    weights = "".join(f'<p style="font-weight: {w}">Warm-up 0123 <i>€ – ·</i></p>' for w in (400, 600, 700))
    _document(f'<html lang="en"><body>{weights}<table class="data"><tr><td class="num">1</td></tr></table>'
              f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text x="0" y="9" font-family="Inter">1'
              f'</text></svg></body></html>').write_pdf()


def _as_base_url(base: str | Path) -> str:
    """Turn a folder into a file URL ending in "/", so relative URLs resolve inside it."""
    if isinstance(base, str) and "://" not in base and not base.startswith("file:"):
        base = Path(base)
    if isinstance(base, Path):
        return base.resolve().as_uri() + "/"
    return base
