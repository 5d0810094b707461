"""The fonts embedded in a guide PDF: find them, and embed the shipped programs whole in a personal base.

WeasyPrint subsets each font to the glyphs a document uses, keeping the original glyph ids
(HarfBuzz RETAIN_GIDS), and names the subset "ABCDEF+Inter-Bold". A personal insert is rendered
later with glyphs the base never used, so the base carries the shipped programs whole: the insert's
text, drawn with the same glyph ids, then renders with the base's program, and the merged PDF holds
one program per font. The font dictionaries (widths, ToUnicode) stay WeasyPrint's own, so text
extraction and copy-paste keep working on both.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from .version import TEMPLATE_DIR

FONTS_DIR = TEMPLATE_DIR / "assets" / "fonts"
PROGRAM_KEYS = ("/FontFile3", "/FontFile2", "/FontFile")


def untagged(name: str) -> str:
    """A font name without its subset tag: "/ABCDEF+Inter-Bold" -> "/Inter-Bold"."""
    tag, plus, rest = name.partition("+")
    return "/" + rest if plus and len(tag) == 7 else name


def is_subset(name: str) -> bool:
    """Whether a font name carries a subset tag (PDF 32000-1, 9.6.4)."""
    return untagged(name) != name


def font_dicts(pages: Iterable[Any]) -> Iterator[DictionaryObject]:
    """Each Type0 font used on these pages (and in their form XObjects), once."""
    seen: set[int] = set()

    # pypdf types every value as PdfObject; these are dictionaries and streams by the PDF specification.
    def walk(resources: Any) -> Iterator[DictionaryObject]:
        resources = resources.get_object() if resources is not None else {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            if id(font) not in seen and font.get("/Subtype") == "/Type0":
                seen.add(id(font))
                yield font
        for ref in (resources.get("/XObject") or {}).values():
            yield from walk(ref.get_object().get("/Resources"))

    for page in pages:
        yield from walk(page.get("/Resources"))


def descriptor(font: Any) -> Any:
    """The FontDescriptor of a Type0 font's descendant CID font."""
    return font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()


def program_key(desc: DictionaryObject) -> str | None:
    """Which FontFile key holds the descriptor's embedded program, if any."""
    return next((key for key in PROGRAM_KEYS if key in desc), None)


@cache
def shipped_programs() -> dict[str, bytes]:
    """The shipped font files by PostScript name ("Inter-Bold" -> bytes)."""
    return {_postscript_name(path.read_bytes()): path.read_bytes() for path in sorted(FONTS_DIR.glob("*.otf"))}


def _postscript_name(program: bytes) -> str:
    """The PostScript name (name ID 6) of a font program."""
    return str(TTFont(io.BytesIO(program), lazy=True)["name"].getDebugName(6))


def embed_whole(data: bytes) -> bytes:
    """Replace each embedded subset of a shipped font with the whole shipped program, untagged."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # keep WeasyPrint's "%PDF-1.7"
    for font in font_dicts(writer.pages):
        desc = descriptor(font)
        key = program_key(desc)
        if key is None or not is_subset(str(desc["/FontName"])):
            continue
        stream: Any = desc[key].get_object()
        whole = shipped_programs().get(_postscript_name(stream.get_data()))
        if whole is None:
            continue  # not one of ours: leave WeasyPrint's subset as it is
        stream.set_data(whole)
        _rename(font, untagged(str(desc["/FontName"])))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _rename(font: Any, name: str) -> None:
    """Set a Type0 font's name on the font, its CID font and its descriptor."""
    cid_font: Any = font["/DescendantFonts"][0].get_object()
    for holder, key in ((font, "/BaseFont"), (cid_font, "/BaseFont"), (descriptor(font), "/FontName")):
        holder[NameObject(key)] = NameObject(name)


def whole_programs(pages: Iterable[Any]) -> dict[str, DictionaryObject]:
    """Descriptors of the whole (untagged) font programs on these pages, by font name."""
    found = {}
    for font in font_dicts(pages):
        desc = descriptor(font)
        if program_key(desc) and not is_subset(str(desc["/FontName"])):
            found[str(desc["/FontName"])] = desc
    return found


def detach_programs(fonts: Iterator[DictionaryObject], whole: dict[str, DictionaryObject]) -> None:
    """Drop the fonts' own programs where a whole one of the same name exists (before they are copied)."""
    for font in fonts:
        desc = descriptor(font)
        if untagged(str(desc["/FontName"])) in whole:
            for key in PROGRAM_KEYS:
                desc.pop(key, None)


def attach_programs(fonts: Iterator[DictionaryObject], whole: dict[str, DictionaryObject]) -> None:
    """Point fonts without a program at the whole program of the same name, and drop their subset tag."""
    for font in fonts:
        desc = descriptor(font)
        base = whole.get(untagged(str(desc["/FontName"])))
        if base is not None and program_key(desc) is None:
            key = program_key(base)
            desc[NameObject(key)] = base.raw_get(key)
            _rename(font, str(base["/FontName"]))
