"""Preview images of an edition: its cover and telling pages as PNGs, and a share image made from the cover.

Made in the worker from the stored PDF whenever an edition is rendered (editions.render) and stored in
the PDF store by their SHA-256 beside the PDFs, so a preview's URL names its content and is cached for
good. pypdfium2 and Pillow are imported here only, on first use: the web process never loads them.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from pypdf import PdfReader

from service import storage

log = logging.getLogger(__name__)

# The pages the landing page shows, by the guide's section anchors (templates/guide/guide.html).
PAGES = (("key-figures", "Key figures"), ("bands", "Role salary bands"), ("cities", "Purchasing power by city"))
PAGE_WIDTH = 480  # pixels: shown at about 240 CSS px, sharp on a 2× screen
SHARE = (1200, 630)  # Open Graph's recommended size


def _png(image: Any) -> bytes:
    """The image as a palette PNG: a page is flat colour and text, so 256 colours lose nothing visible."""
    out = io.BytesIO()
    image.convert("RGB").quantize(colors=256).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _pages(data: bytes) -> list[tuple[str, str, int]]:
    """(kind, label, 0-based page index) of the cover and each telling page the PDF has."""
    reader = PdfReader(io.BytesIO(data))
    destinations = reader.named_destinations
    found = [("cover", "Cover", 0)]
    for anchor, label in PAGES:
        if anchor in destinations:
            page = reader.get_destination_page_number(destinations[anchor])
            if page is not None:
                found.append(("page", label, page))
    return found


def share_image(cover: Any) -> Any:
    """The cover's title panel cut to 1200×630: the rows above the panel's lower edge (it is one flat
    colour, found by walking down its left margin), so the title and subtitle are in the picture."""
    width, height = SHARE
    scaled = cover.resize((width, round(cover.height * width / cover.width)))
    rgb = scaled.convert("RGB")
    panel = rgb.getpixel((8, 8))
    bottom = next((y for y in range(8, rgb.height) if rgb.getpixel((8, y)) != panel), rgb.height)
    top = max(0, min(bottom, rgb.height) - height)
    return rgb.crop((0, top, width, top + height))


def make(data: bytes) -> list[tuple[dict[str, Any], bytes]]:
    """The previews of a guide PDF: (what each is, its PNG bytes), the cover first and the share image last."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    made: list[tuple[dict[str, Any], bytes]] = []
    cover = None
    try:
        for kind, label, index in _pages(data):
            page = document[index]
            image = page.render(scale=PAGE_WIDTH / page.get_width()).to_pil()
            if kind == "cover":
                cover = document[0].render(scale=SHARE[0] / page.get_width()).to_pil()
            made.append(({"kind": kind, "label": label, "page": index + 1, "width": image.width,
                          "height": image.height}, _png(image)))
    finally:
        document.close()
    if cover is not None:
        share = share_image(cover)
        made.append(({"kind": "share", "label": "Share image", "page": 1, "width": share.width,
                      "height": share.height}, _png(share)))
    return made


def store(pdf_sha256: str) -> list[dict[str, Any]]:
    """Make the previews of a stored PDF and store each PNG; what the edition records of them."""
    found = storage.store()
    recorded = []
    for entry, png in make(found.read(pdf_sha256)):
        recorded.append({**entry, "sha256": found.put(png, ".png"), "size": len(png)})
    log.info("previews of %s: %s", pdf_sha256[:12], ", ".join(f"{e['label']} {e['size']:,} B" for e in recorded))
    return recorded
