"""The guide PDF, read back: pages, bookmarks, metadata, text, fonts, escaping.

Pure tests of the `pdf` package: no Flask, database or Redis. The fixture is
rendered once per module, because a render takes about a second.
"""

from __future__ import annotations

import copy
import io
import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

import pdf
from pdf import filters
from pdf.render import ASSETS_DIR, build_html

FIXTURE = Path(__file__).parent / "fixtures" / "guide_context.json"
# The personal pages come right after the cover, then the contents and the rest (docs/pdf.md, "Layout").
SECTIONS = ["Your personal page", "The guide in brief", "Key figures", "Role salary bands",
            "Purchasing power in 24 cities", "Negotiation advice", "Methodology and sources"]


def pdftotext(data: bytes, tmp_path: Path, layout: bool = True) -> list[str]:
    """Return the text of each page: laid out as printed (table rows on one line), or in reading order."""
    source = tmp_path / "guide.pdf"
    source.write_bytes(data)
    mode = ["-layout"] if layout else []
    out = subprocess.run(["pdftotext", *mode, "-enc", "UTF-8", str(source), "-"],
                         check=True, capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


def squash(text: str) -> str:
    """Collapse runs of whitespace, so sentences wrapped over lines compare equal."""
    return " ".join(text.split())


def outline(reader: PdfReader, items: list | None = None, level: int = 1) -> list[tuple[int, str, int]]:
    """Flatten the PDF outline to (level, title, page index) triples."""
    flat: list[tuple[int, str, int]] = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            flat += outline(reader, item, level + 1)
        else:
            flat.append((level, item.title, reader.get_destination_page_number(item)))
    return flat


def band_row(band: dict[str, Any]) -> str:
    """A regex for one band's table row as pdftotext -layout prints it."""
    cells = [band["role"], filters.title_word(band["seniority"]), filters.money_k(band["p25"]),
             filters.money_k(band["p50"]), filters.money_k(band["p75"]), str(band["n"])]
    return r"\s{2,}".join(re.escape(cell) for cell in cells)


def benchmark_entries(context: dict[str, Any]) -> list[str]:
    """Each role below the threshold as its category's compact table prints it: "Role mid 9 · senior 3"."""
    entries: dict[tuple[str, str], list[str]] = {}
    for b in context["bands"]:
        if not b["own_band"]:
            entries.setdefault((b["category"], b["role"]), []).append(f"{b['seniority']} {filters.number(b['n'])}")
    return [f"{role} {' · '.join(parts)}" for (_, role), parts in entries.items()]


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    """The sample context, fresh per module."""
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def guide(context: dict[str, Any]) -> bytes:
    """The fixture rendered once."""
    return pdf.render_guide(context)


@pytest.fixture(scope="module")
def reader(guide: bytes) -> PdfReader:
    """The rendered fixture, parsed by pypdf."""
    return PdfReader(io.BytesIO(guide))


@pytest.fixture(scope="module")
def pages(guide: bytes, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The rendered fixture's text, one string per page."""
    return pdftotext(guide, tmp_path_factory.mktemp("text"))


@pytest.fixture(scope="module")
def flow(guide: bytes, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The rendered fixture's text in reading order, whitespace collapsed (for sentences and cells)."""
    return squash(" ".join(pdftotext(guide, tmp_path_factory.mktemp("flow"), layout=False)))


def test_pages_and_metadata(reader: PdfReader, context: dict[str, Any]) -> None:
    """A4 pages, at least eight of them, with title, author, subject and dates."""
    assert len(reader.pages) >= 8
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages} == {(595, 842)}
    meta = reader.metadata
    assert meta.title == context["edition"]["title"]
    assert meta.author == context["brand"]["name"]
    assert "24 cities" in meta.subject
    assert meta.creation_date.isoformat().startswith("2026-11-28T15:00:00")
    assert meta.creator.startswith("RemNavi Salary Guide (WeasyPrint 70")


def test_bookmarks(reader: PdfReader, context: dict[str, Any]) -> None:
    """h1 sections are level-1 bookmarks, categories level 2; the cover has none."""
    marks = outline(reader)
    top = [title for level, title, _ in marks if level == 1]
    assert top == [SECTIONS[0], "Contents", *SECTIONS[1:]]
    second = [title for level, title, _ in marks if level == 2]
    for category in context["categories"]:
        assert category["category"] in second
    assert min(page for _, _, page in marks) == 1  # nothing points at the cover


def test_contents_page_numbers_are_the_real_pages(reader: PdfReader, pages: list[str]) -> None:
    """The contents' numbers (CSS target-counter) match where each section starts."""
    starts = {title: page + 1 for level, title, page in outline(reader) if level == 1}
    assert starts[SECTIONS[0]] == 2  # the reader's own page first, right after the cover
    for title in SECTIONS:
        match = re.search(rf"{re.escape(title)}\s+(\d+)", pages[starts["Contents"] - 1])
        assert match, f"{title} missing from the contents"
        assert int(match[1]) == starts[title]
        assert title in pages[starts[title] - 1]


def test_page_x_of_y(pages: list[str]) -> None:
    """Every page but the cover says "Page X of Y" and shows the running section header."""
    total = len(pages)
    assert "Page " not in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in text
    assert "Data as of 1 July 2024" in pages[-1]


def test_cover(pages: list[str], context: dict[str, Any]) -> None:
    """The cover names the brand, the title, the edition and data window in words, the data date, the
    listings analysed and, with personal inputs, the reader's headline."""
    cover = squash(pages[0])
    assert "REMNAVI" in cover.replace(" ", "")  # capitals and letter-spacing come from CSS
    assert "Remote Salary Guide 2026" in cover
    assert "2026 edition: salaries from listings posted July 2022 – July 2024" in cover
    assert "1 July 2024" in cover
    assert filters.number(context["listings_analysed"]) in cover
    assert context["personal"]["headline"] in cover


def test_every_city_is_named(flow: str, context: dict[str, Any]) -> None:
    """All 24 cities appear, including the one without a price level, with its reason."""
    assert len(context["cities"]) == 24
    for city in context["cities"]:
        assert city["city"] in flow
        if city["missing"]:
            assert squash(city["missing"]) in flow


def test_band_rows_as_formatted(pages: list[str], flow: str, context: dict[str, Any]) -> None:
    """A band of its own prints as one table row; a role below the threshold is listed with its n only."""
    text = "\n".join(pages)
    for band in context["bands"]:
        assert bool(re.search(band_row(band), text)) == band["own_band"], band
    for entry in benchmark_entries(context):
        assert entry in flow
    category = context["categories"][0]
    assert (f"{category['category']}: fewer than {context['threshold']} listings, so the category’s "
            f"{filters.money_range(category['p25'], category['p75'])} applies") in flow


def test_category_ranges_on_key_figures(pages: list[str], reader: PdfReader, context: dict[str, Any]) -> None:
    """Key figures gives each category's n and typical range, like "$106k–$188k"."""
    start = next(page for level, title, page in outline(reader) if title == "Key figures")
    text = squash(pages[start])
    for c in context["categories"]:
        line = f"{c['category']} · {filters.number(c['n'])} listings · {filters.money_range(c['p25'], c['p75'])}"
        assert line in text


def test_table_header_repeats_on_each_page(pages: list[str], context: dict[str, Any]) -> None:
    """On every page with band rows, a bands table header comes before the first row."""
    rows = [re.compile(band_row(b)) for b in context["bands"] if b["own_band"]]
    header = re.compile(r"Role\s+Seniority\s+p25\s+Median\s+p75\s+n")
    band_pages = 0
    for text in pages:
        firsts = [m.start() for row in rows if (m := row.search(text))]
        if firsts:
            band_pages += 1
            title = header.search(text)
            assert title and title.start() < min(firsts)
    assert band_pages >= 2


def test_rows_and_list_entries_never_split(pages: list[str], context: dict[str, Any]) -> None:
    """Each band row, and each role of a below-threshold list, is printed whole on one page."""
    for band in (b for b in context["bands"] if b["own_band"]):
        assert sum(bool(re.search(band_row(band), text)) for text in pages) == 1, band
    for entry in benchmark_entries(context):
        assert sum(entry in squash(text) for text in pages) == 1, entry


def test_headings_stay_with_their_content(pages: list[str], reader: PdfReader, context: dict[str, Any]) -> None:
    """Each category heading shares its page with the first row of its table (break-after: avoid)."""
    heading_page = {title: page for level, title, page in outline(reader) if level == 2}
    for category in context["categories"]:
        first = next(b for b in context["bands"] if b["category"] == category["category"] and b["own_band"])
        assert re.search(band_row(first), pages[heading_page[category["category"]]]), category["category"]


def test_sources_and_attribution(flow: str, context: dict[str, Any]) -> None:
    """Methodology lists every source with licence and vintage, the caveats and the WB attribution."""
    text = flow
    for source in context["sources"]:
        for key in ("licence", "vintage"):
            assert squash(source[key]) in text
    for caveat in context["caveats"]:
        assert squash(caveat) in text
    assert "World Bank, World Development Indicators, CC BY 4.0" in text


def test_without_personal_page(context: dict[str, Any], reader: PdfReader, tmp_path: Path) -> None:
    """personal=None drops the personal section, its pages and its bookmark."""
    plain = PdfReader(io.BytesIO(pdf.render_guide({**context, "personal": None})))
    personal = [page for _, title, page in outline(reader) if title == "Your personal page"][0]
    contents = [page for _, title, page in outline(reader) if title == "Contents"][0]
    assert len(plain.pages) == len(reader.pages) - (contents - personal) == len(reader.pages) - pdf.PERSONAL_PAGES
    assert "Your personal page" not in [title for _, title, _ in outline(plain)]
    assert "Your personal page" not in " ".join(p.extract_text() for p in plain.pages)


def test_user_text_is_escaped(context: dict[str, Any], tmp_path: Path) -> None:
    """A role or city typed by a visitor is printed as text, never parsed as HTML."""
    hostile = copy.deepcopy(context)
    hostile["personal"]["role"] = '<script>alert("x")</script><b>Boss</b>'
    hostile["personal"]["home_city"] = "<img src=x>Lisbon"
    html = build_html(hostile)
    assert "<script>" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;" in html
    text = squash(" ".join(pdftotext(pdf.render_guide(hostile), tmp_path, layout=False)))
    assert '<script>alert("x")</script><b>Boss</b>' in text
    assert "<img src=x>Lisbon" in text


def font_programs(reader: PdfReader) -> Counter[str]:
    """Embedded font programs by PostScript name, counting every font stream object in the file."""
    names: Counter[str] = Counter()
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free entry of the cross-reference table
            continue
        if hasattr(obj, "get_data") and obj.get("/Subtype") in ("/OpenType", "/Type1C", "/CIDFontType0C"):
            names[TTFont(io.BytesIO(obj.get_data()))["name"].getDebugName(6)] += 1
    return names


def test_fonts_are_shipped_and_embedded_once(reader: PdfReader) -> None:
    """Only the shipped Inter files are used, each embedded once; no system font slips in."""
    shipped = {TTFont(p)["name"].getDebugName(6) for p in (ASSETS_DIR / "fonts").glob("*.otf")}
    assert font_programs(reader) == Counter(dict.fromkeys(shipped, 1))
    assert (ASSETS_DIR / "fonts" / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1


def test_the_pdf_is_tagged_with_title_and_language(reader: PdfReader) -> None:
    """A tagged PDF: a structure tree with headings and tables, marked content, the title shown, /Lang set."""
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert root["/Lang"] == "en" and reader.metadata.title == "Remote Salary Guide 2026"
    kinds: Counter[str] = Counter()
    todo = [root["/StructTreeRoot"]]
    while todo:
        node = todo.pop().get_object()
        if isinstance(node, list):
            todo += [kid for kid in node if hasattr(kid, "get_object")]
        elif isinstance(node, dict):
            if "/S" in node:
                kinds[str(node["/S"])] += 1
            if "/K" in node and hasattr(node["/K"], "get_object"):
                todo.append(node["/K"])
    assert kinds["/H1"] >= len(SECTIONS) and kinds["/Table"] >= 10 and kinds["/TH"] > 0 and kinds["/P"] > 0


def test_every_url_is_a_link_and_site_links_carry_utm(reader: PdfReader, context: dict[str, Any]) -> None:
    """Sources and the site are clickable; links back to the site say they came from the PDF."""
    uris = {str(a.get_object()["/A"]["/URI"]) for page in reader.pages for a in page.get("/Annots", [])
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]}
    for source in context["sources"]:
        assert source["url"] in uris
    site = [u for u in uris if u.startswith(context["brand"]["url"])]
    assert site and all("utm_source=salary-guide&utm_medium=pdf" in u for u in site)
