"""Merge a personal insert onto the placeholder pages of a personal base PDF.

The base (`render_personal_base`) is the whole guide with the personal section printed as
PERSONAL_PAGES empty pages: its h1, bookmark, contents entry, running header and "Page X of Y"
are already right. The insert (`render_personal_insert`) is that section's body alone, on the
same page box. Each insert page is drawn over its placeholder page as a form XObject, so the
base's page objects, outline, links, named destinations and metadata are kept as they are, and
no content stream has to be parsed or renamed. The result is the base's bytes followed by one
incremental update (PDF 32000-1, 7.5.6): the changed pages and the insert's objects, nothing of
the base read beyond its pages and fonts, nothing rewritten. pypdf writes objects but not this:
its own incremental mode (`PdfWriter(incremental=True)`) loads and clones every object of the base
first, which is the cost avoided here. See docs/pdf.md, "Personal guides".
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject, PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
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


@dataclass(frozen=True)
class PersonalBase:
    """A personal base read once: its bytes, its parsed pages, its whole font programs and where its personal
    section starts. A merge changes nothing in it (every page it changes is a new object of the update), so one
    PersonalBase serves any number of merges, one at a time: reading loads objects through the reader's one
    stream, so it is not for threads to share. A warm worker parses the edition's before it forks (docs/pdf.md)."""

    data: bytes
    reader: PdfReader
    whole: dict[str, DictionaryObject]
    start: int

    @classmethod
    def parse(cls, data: bytes) -> PersonalBase:
        """Parse a personal base (about 30 ms for the 1.4 MB base of 22 pages: its cross-reference table
        and the walk through its fonts)."""
        reader = PdfReader(io.BytesIO(data))
        return cls(data, reader, fonts.whole_programs(reader.pages), placeholder_index(reader))


def merge_personal(base: bytes | PersonalBase, insert: bytes, first_page_index: int | None = None) -> bytes:
    """The base with the insert drawn in: its first page over the cover (the reader's headline), the
    others over the placeholder pages from `first_page_index` on (by default where the base's personal
    section starts).

    Fonts the base embeds whole (see pdf/fonts.py) are shared: the insert's own subsets of them
    are not copied, so each font program is in the result once.
    """
    parsed = base if isinstance(base, PersonalBase) else PersonalBase.parse(base)
    overlay = PdfReader(io.BytesIO(insert))
    start = parsed.start if first_page_index is None else first_page_index
    targets = _placeholders(parsed.reader, [COVER, *range(start, start + len(overlay.pages) - 1)], overlay.pages)
    fonts.detach_programs(fonts.font_dicts(overlay.pages), parsed.whole)
    fonts.attach_programs(fonts.font_dicts(overlay.pages), parsed.whole)  # now pointing into the base
    update = _Update(parsed.reader, overlay)
    for offset, (target, page) in enumerate(zip(targets, overlay.pages, strict=True)):
        _draw_over(update, target, page, NameObject(f"/PersonalInsert{offset + 1}"))
    return update.appended_to(parsed.data)


def _placeholders(reader: PdfReader, indexes: list[int], pages: Sequence[PageObject]) -> list[PageObject]:
    """The base's pages the insert pages go on, checked to exist and to have the same media box."""
    if len(indexes) != len(pages) or not all(COVER < i < len(reader.pages) for i in indexes[1:]):
        raise MergeError(f"{len(pages)} insert pages do not fit at page {indexes[1:2] or '?'} of {len(reader.pages)}")
    targets = [reader.pages[i] for i in indexes]
    for offset, (target, page) in enumerate(zip(targets, pages, strict=True)):
        if target.mediabox != page.mediabox:
            raise MergeError(f"insert page {offset + 1} is {page.mediabox}, its placeholder {target.mediabox}")
    return targets


def _draw_over(update: _Update, target: PageObject, page: PageObject, name: NameObject) -> None:
    """Turn `page` into a form XObject and draw it after `target`'s own content (a new version of
    `target`'s page object in the update)."""
    form = update.add(_as_form(update, page))
    changed = DictionaryObject(target)  # the base's values and references, as they are
    # WeasyPrint shares one resource dictionary between all pages: give this page its own copy.
    resources = DictionaryObject(target.get("/Resources", DictionaryObject()).get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[name] = form
    resources[NameObject("/XObject")] = xobjects
    changed[NameObject("/Resources")] = resources
    # The base's content runs between q and Q, so whatever graphics state it leaves behind does not
    # shift the insert; neither stream is decoded.
    contents = target.raw_get("/Contents") if "/Contents" in target else None
    if contents is None:
        own = []
    else:
        own = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
    changed[NameObject("/Contents")] = ArrayObject(
        [update.add(_stream(b"q\n")), *own, update.add(_stream(f"\nQ\nq {name} Do Q\n".encode()))])
    assert target.indirect_reference is not None  # a page of a parsed file always has one
    update.replace(target.indirect_reference, changed)


def _as_form(update: _Update, page: PageObject) -> StreamObject:
    """The page's content as a form XObject of the update, with the page's resources copied in."""
    content: Any = page["/Contents"].get_object()  # a stream or an array of them, by the PDF specification
    if isinstance(content, ArrayObject) or "/Filter" not in content:
        # One compressed stream: several are joined, an uncompressed one (the insert's) is deflated.
        joined: Any = page.get_contents()
        form = _stream(zlib.compress(joined.get_data()), NameObject("/FlateDecode"))
    else:
        form = update.copy(content)
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): page.mediabox,
        NameObject("/Resources"): update.copy(page["/Resources"]),
    })
    if "/Group" in page:
        form[NameObject("/Group")] = update.copy(page["/Group"])
    return form


def _stream(data: bytes, encoded_with: NameObject | None = None) -> StreamObject:
    """A stream holding `data` as it is to be written (already encoded with `encoded_with`, if given)."""
    stream = StreamObject()
    stream.set_data(data)  # StreamObject keeps bytes as given; its subclasses would decode or encode them
    if encoded_with is not None:
        stream[NameObject("/Filter")] = encoded_with
    return stream


class _Update:
    """The objects of one incremental update of the base: new ones numbered after the base's, and new
    versions of some of the base's. The base's own references are kept; the insert's are renumbered."""

    def __init__(self, base: PdfReader, insert: PdfReader) -> None:
        self.base, self.insert = base, insert
        size: Any = base.trailer["/Size"]
        self.size = int(size)
        self.objects: dict[int, tuple[int, PdfObject]] = {}  # object number -> (generation, object)
        self.copied: dict[int, IndirectObject] = {}  # the insert's object number -> its number here

    def add(self, value: PdfObject) -> IndirectObject:
        """A new object of the update."""
        reference = self._reserve()
        self.objects[reference.idnum] = (0, value)
        return reference

    def replace(self, reference: IndirectObject, value: PdfObject) -> None:
        """A new version of one of the base's objects."""
        self.objects[reference.idnum] = (reference.generation, value)

    def _reserve(self) -> IndirectObject:
        reference = IndirectObject(self.size, 0, None)
        self.size += 1
        return reference

    def copy(self, value: Any) -> Any:
        """A value of the insert for the update: each object of the insert it reaches copied in once, under a
        new number; references into the base (the shared font programs) left as they are."""
        if isinstance(value, IndirectObject):
            if value.pdf is not self.insert:
                return value
            if value.idnum not in self.copied:
                self.copied[value.idnum] = reference = self._reserve()  # before copying: references may cycle
                self.objects[reference.idnum] = (0, self.copy(value.get_object()))
            return self.copied[value.idnum]
        if isinstance(value, StreamObject):
            stream = _stream(value._data)  # the bytes as stored (still encoded): pypdf names them nowhere public
            stream.update({key: self.copy(item) for key, item in value.items() if key != "/Length"})
            return stream
        if isinstance(value, DictionaryObject):
            return DictionaryObject({key: self.copy(item) for key, item in value.items()})
        if isinstance(value, ArrayObject):
            return ArrayObject(self.copy(item) for item in value)
        return value

    def appended_to(self, base: bytes) -> bytes:
        """The base's bytes, then these objects, their cross-reference section and a trailer pointing back."""
        out = io.BytesIO()
        out.write(base)
        if not base.endswith(b"\n"):
            out.write(b"\n")
        offsets = {}
        for number in sorted(self.objects):
            generation, value = self.objects[number]
            offsets[number] = (out.tell(), generation)
            out.write(b"%d %d obj\n" % (number, generation))
            value.write_to_stream(out)
            out.write(b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n")
        for run in _runs(sorted(offsets)):
            out.write(b"%d %d\n" % (run[0], len(run)))
            for number in run:
                offset, generation = offsets[number]
                out.write(b"%010d %05d n\r\n" % (offset, generation))
        trailer = DictionaryObject({NameObject("/Size"): NumberObject(self.size),
                                    # Where the base's own section starts, as the reader found (and checked) it;
                                    # pypdf's incremental writer reads the same attribute.
                                    NameObject("/Prev"): NumberObject(self.base._startxref)})
        for key in ("/Root", "/Info", "/ID"):
            if key in self.base.trailer:
                trailer[NameObject(key)] = self.base.trailer.raw_get(key)
        out.write(b"trailer\n")
        trailer.write_to_stream(out)
        out.write(b"\nstartxref\n%d\n%%%%EOF\n" % xref)
        return out.getvalue()


def _runs(numbers: list[int]) -> list[list[int]]:
    """Sorted object numbers in runs of consecutive ones: the subsections of a cross-reference section."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][-1] == number - 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs

