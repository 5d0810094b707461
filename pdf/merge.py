"""Merge a personal insert onto the placeholder pages of a personal base PDF.

The base (`render_personal_base`) is the whole guide with the personal section printed as
PERSONAL_PAGES empty pages: its h1, bookmark, contents entry, running header and "Page X of Y"
are already right. The insert (`render_personal_insert`) is that section's body alone, on the
same page box. Each insert page is drawn over its placeholder page as a form XObject, so the
base's page objects, outline, links, named destinations and metadata are kept as they are, and
no content stream has to be parsed or renamed. See docs/pdf.md, "Personal guides".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from . import fonts

ANCHOR = "personal"  # the id of the personal section: a named destination in the base
COVER = 0  # the page the insert's first page (the reader's headline) is drawn over


class MergeError(ValueError):
    """The insert does not fit the base's placeholder pages."""


def placeholder_index(base: bytes | PdfReader) -> int:
    """The 0-based page index where the base's personal section starts."""
    reader = base if isinstance(base, PdfReader) else PdfReader(io.BytesIO(base))
    destination = reader.named_destinations.get(ANCHOR)
    if destination is None:
        raise MergeError("the base has no personal section")
    page = reader.get_destination_page_number(destination)
    if page is None:
        raise MergeError("the personal section's anchor points at no page")
    return page


def merge_personal(base: bytes, insert: bytes, first_page_index: int | None = None) -> bytes:
    """The base with the insert drawn in: its first page over the cover (the reader's headline), the
    others over the placeholder pages from `first_page_index` on (by default where the base's personal
    section starts).

    Fonts the base embeds whole (see pdf/fonts.py) are shared: the insert's own subsets of them
    are not copied, so each font program is in the result once.
    """
    reader = PdfReader(io.BytesIO(base))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # WeasyPrint's "%PDF-1.7", not pypdf's default "%PDF-1.3"
    overlay = PdfReader(io.BytesIO(insert))
    start = placeholder_index(reader) if first_page_index is None else first_page_index
    targets = _placeholders(writer, [COVER, *range(start, start + len(overlay.pages) - 1)], overlay.pages)
    whole = fonts.whole_programs(writer.pages)
    fonts.detach_programs(fonts.font_dicts(overlay.pages), whole)
    for offset, (target, page) in enumerate(zip(targets, overlay.pages, strict=True)):
        _draw_over(writer, target, page, NameObject(f"/PersonalInsert{offset + 1}"))
    fonts.attach_programs(fonts.font_dicts(targets), whole)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _placeholders(writer: PdfWriter, indexes: list[int], pages: Sequence[PageObject]) -> list[PageObject]:
    """The base's pages the insert pages go on, checked to exist and to have the same media box."""
    if len(indexes) != len(pages) or not all(COVER < i < len(writer.pages) for i in indexes[1:]):
        raise MergeError(f"{len(pages)} insert pages do not fit at page {indexes[1:2] or '?'} of {len(writer.pages)}")
    targets = [writer.pages[i] for i in indexes]
    for offset, (target, page) in enumerate(zip(targets, pages, strict=True)):
        if target.mediabox != page.mediabox:
            raise MergeError(f"insert page {offset + 1} is {page.mediabox}, its placeholder {target.mediabox}")
    return targets


def _draw_over(writer: PdfWriter, target: PageObject, page: PageObject, name: NameObject) -> None:
    """Turn `page` into a form XObject and draw it after `target`'s own content."""
    form = _as_form(writer, page)
    # WeasyPrint shares one resource dictionary between all pages: give this page its own copy.
    resources = DictionaryObject(target.get("/Resources", DictionaryObject()).get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[name] = form.indirect_reference
    resources[NameObject("/XObject")] = xobjects
    target[NameObject("/Resources")] = resources
    # The base's content runs between q and Q, so whatever graphics state it leaves behind does not
    # shift the insert; neither stream is decoded.
    contents = target.get("/Contents")
    if contents is None:
        own = []
    else:
        own = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
    target[NameObject("/Contents")] = ArrayObject(
        [_stream(writer, b"q\n"), *own, _stream(writer, f"\nQ\nq {name} Do Q\n".encode())]
    )


def _as_form(writer: PdfWriter, page: PageObject) -> StreamObject:
    """A copy of a page's content stream in `writer`, made a form XObject with the page's resources."""
    content: Any = page["/Contents"].get_object()  # a stream or an array of them, by the PDF specification
    if isinstance(content, ArrayObject) or "/Filter" not in content:
        # One compressed stream: several are joined, an uncompressed one (the insert's) is deflated.
        joined = DecodedStreamObject()
        contents: Any = page.get_contents()
        joined.set_data(contents.get_data())
        content = joined.flate_encode()
    form: Any = content.clone(writer, force_duplicate=True)
    if getattr(form, "indirect_reference", None) is None:
        writer._add_object(form)
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): page.mediabox,
        NameObject("/Resources"): page["/Resources"].clone(writer),
    })
    if "/Group" in page:
        form[NameObject("/Group")] = page["/Group"].clone(writer)
    return form


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    """A small content stream added to `writer`, as an indirect reference (streams must be indirect)."""
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)  # pypdf has no public name for this
