"""Spare WeasyPrint 70's font subsetting a C-declaration parse per document.

`weasyprint.pdf.fonts` asks cffi for `ffi.new(f"hb_codepoint_t[{n}]", items)` with an `n` that
changes with every document (the glyphs it uses), and cffi parses each new type string with
pycparser: about 3 ms each, up to eight a render, in a worker whose forked job never keeps the
parse. `ffi.new("hb_codepoint_t[]", items)` gives the same array from one parsed type. The PDF
does not change (tests/test_pdf_units.py renders with and without this and compares the bytes).
"""

from __future__ import annotations

from typing import Any

from weasyprint.pdf import fonts as weasyprint_fonts


class SizedArrays:
    """Wraps an FFI object; `new("T[n]", items)` with `len(items) == n` becomes `new("T[]", items)`."""

    def __init__(self, ffi: Any) -> None:
        self.ffi = ffi

    def new(self, ctype: str, init: Any = None) -> Any:
        """`ffi.new`, with a sized array type given all its items turned into an open one."""
        base, bracket, size = ctype.partition("[")
        if bracket and init is not None and size[:-1].isdigit() and len(init) == int(size[:-1]):
            return self.ffi.new(base + "[]", init)
        return self.ffi.new(ctype, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ffi, name)


def install() -> None:
    """Wrap the FFI object WeasyPrint's font module uses (once)."""
    if not isinstance(weasyprint_fonts.ffi, SizedArrays):
        weasyprint_fonts.ffi = SizedArrays(weasyprint_fonts.ffi)
