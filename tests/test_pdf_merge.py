"""A personal guide made the fast way, read back: the insert merged onto the personal base's placeholder pages.

Pure tests of the `pdf` package: no Flask, database or Redis. The merged PDF must be the base with the
reader's pages drawn in: same pages, bookmarks, links and metadata, the personal text where the
placeholder pages are, "Page X of Y" right on them, and one embedded program per font.
"""

from __future__ import annotations

import copy
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

import pdf
from pdf import filters, fonts, merge
from pdf.render import ASSETS_DIR, InsertOverflow
from tests.test_pdf import FIXTURE, font_programs, outline, pdftotext, squash

LONG_ROLE = "Principal Machine Learning Infrastructure & Platform Reliability Engineer (Remote, EMEA)"


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    """The sample context, with its personal block."""
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def base(context: dict[str, Any]) -> bytes:
    """The personal base: the whole guide with empty personal pages."""
    return pdf.render_personal_base(context)


@pytest.fixture(scope="module")
def merged(context: dict[str, Any], base: bytes) -> bytes:
    """The fixture's personal guide, merged."""
    return pdf.merge_personal(base, pdf.render_personal_insert(context), pdf.placeholder_index(base))


@pytest.fixture(scope="module")
def readers(base: bytes, merged: bytes) -> tuple[PdfReader, PdfReader]:
    """The base and the merged guide, parsed."""
    return PdfReader(io.BytesIO(base)), PdfReader(io.BytesIO(merged))


def section_start(reader: PdfReader, title: str) -> int:
    """The page index a level-1 bookmark points at."""
    return next(page for level, name, page in outline(reader) if level == 1 and name == title)


def test_pages_and_bookmarks_are_the_bases(readers: tuple[PdfReader, PdfReader], base: bytes,
                                           context: dict[str, Any]) -> None:
    """Same page count and bookmarks (titles and pages) as the base, and as a full render of the same guide."""
    base_reader, merged = readers
    full = PdfReader(io.BytesIO(pdf.render_guide(context)))
    assert len(merged.pages) == len(base_reader.pages) == len(full.pages)
    assert outline(merged) == outline(base_reader) == outline(full)
    start = section_start(merged, "Your personal page")
    assert pdf.placeholder_index(base) == start
    assert start == 1  # right after the cover
    assert section_start(merged, "Contents") == start + pdf.PERSONAL_PAGES


def test_contents_links_resolve_to_their_sections(readers: tuple[PdfReader, PdfReader]) -> None:
    """Every link on the contents page lands on the first page of the section it names."""
    _, merged = readers
    starts = {name: page for level, name, page in outline(merged) if level == 1}
    ids = {"summary": "The guide in brief", "key-figures": "Key figures", "bands": "Role salary bands",
           "cities": "Purchasing power in 24 cities", "personal": "Your personal page",
           "advice": "Negotiation advice", "methodology": "Methodology and sources"}
    targets = set()
    for annotation in merged.pages[starts["Contents"]]["/Annots"]:
        destination = str(annotation.get_object()["/Dest"])
        page = merged.get_destination_page_number(merged.named_destinations[destination])
        assert page == starts[ids[destination]], destination
        targets.add(destination)
    assert targets == set(ids)


def test_personal_text_is_on_the_placeholder_pages(merged: bytes, readers: tuple[PdfReader, PdfReader],
                                                   context: dict[str, Any], tmp_path: Path) -> None:
    """Role, salary, home city and all 24 ranked cities are printed where the placeholder pages are."""
    pages = pdftotext(merged, tmp_path)
    start = section_start(readers[1], "Your personal page")
    personal, total = context["personal"], len(pages)
    own = squash(" ".join(pages[start:start + pdf.PERSONAL_PAGES]))
    others = squash(" ".join(pages[:start] + pages[start + pdf.PERSONAL_PAGES:]))
    assert f"{personal['role']} ({personal['seniority']})" in own
    assert filters.money_local(personal["salary_as_given"], personal["currency"]) in own
    assert f"At home in {personal['home_city']}" in own
    assert f"{personal['role']} at each seniority, all regions" in own  # the ladder says what it covers
    assert len(personal["cities"]) == 24
    for city in personal["cities"]:
        assert city["city"] in own and filters.money_k(city["buys_usd"]) in own
    # The insert's first page is drawn over the base's cover: the reader's headline is on the cover.
    assert personal["headline"] in squash(pages[0]) and "Remote Salary Guide 2026" in squash(pages[0])
    assert "Your salary in 24 cities" not in others
    for number in range(start + 1, start + pdf.PERSONAL_PAGES + 1):
        assert f"Page {number} of {total}" in pages[number - 1]
        assert "Your personal page" in pages[number - 1]  # the running header


def test_metadata_is_kept(readers: tuple[PdfReader, PdfReader], context: dict[str, Any]) -> None:
    """Title, author, subject, creator, dates and language are the base's."""
    base, merged = readers
    assert dict(merged.metadata) == dict(base.metadata)
    assert merged.metadata.title == context["edition"]["title"]
    assert merged.metadata.author == context["brand"]["name"]
    assert merged.trailer["/Root"]["/Lang"] == "en"
    assert merged.pdf_header == base.pdf_header == "%PDF-1.7"


def test_the_base_is_kept_byte_for_byte_and_only_the_changes_are_appended(base: bytes, merged: bytes,
                                                                          readers: tuple[PdfReader, PdfReader]) -> None:
    """An incremental update: the base's bytes unchanged, then the insert's objects and the pages it is drawn
    on, which are a small part of the base (its fonts and structure tree are not written again)."""
    base_reader, merged_reader = readers
    assert merged.startswith(base)
    update = merged[len(base):]
    assert update.count(b" obj\n") < 200 and len(update) < len(base) // 10
    start = section_start(merged_reader, "Your personal page")
    changed = [merge.COVER, *range(start, start + pdf.INSERT_PAGES - 1)]
    for index, (old, new) in enumerate(zip(base_reader.pages, merged_reader.pages, strict=True)):
        same_object = old.indirect_reference.idnum == new.indirect_reference.idnum
        drawn_over = any(str(name).startswith("/PersonalInsert") for name in new["/Resources"].get("/XObject", {}))
        assert same_object and drawn_over == (index in changed), index


def test_one_copy_of_each_font(readers: tuple[PdfReader, PdfReader]) -> None:
    """Each shipped font is embedded once, whole, and the insert's text uses that same program."""
    base, merged = readers
    shipped = {TTFont(p)["name"].getDebugName(6): p.stat().st_size for p in (ASSETS_DIR / "fonts").glob("*.otf")}
    assert font_programs(merged) == Counter(dict.fromkeys(shipped, 1))
    programs = {}
    for font in fonts.font_dicts(merged.pages):
        descriptor = fonts.descriptor(font)
        programs.setdefault(str(descriptor["/FontName"]), set()).add(descriptor.raw_get("/FontFile3").idnum)
        assert not fonts.is_subset(str(font["/BaseFont"]))
    assert all(len(ids) == 1 for ids in programs.values()), programs
    start = section_start(merged, "Your personal page")
    inserted = list(fonts.font_dicts([merged.pages[start]]))
    assert len(inserted) > len(list(fonts.font_dicts([base.pages[start]])))  # the insert's own font dicts


@pytest.fixture(scope="module")
def worst_case(context: dict[str, Any]) -> dict[str, Any]:
    """A long role with a band at every seniority, below the threshold, paid in a foreign currency."""
    worst = copy.deepcopy(context)
    ladder = [{**worst["bands"][0], "role": LONG_ROLE, "seniority": s, "n": 3, "own_band": False}
              for s in ("entry", "mid", "senior", "staff", "principal", "executive")]
    worst["bands"] += ladder
    worst["personal"].update(role=LONG_ROLE, seniority="principal", band=ladder[4], currency="JPY",
                             salary=45_000_000.0, salary_as_given=3_750_000.0, period="month",
                             headline=f"Principal {LONG_ROLE}, Rest of world: 99th percentile")
    return worst


def test_the_insert_fits_its_pages_for_every_home_city(worst_case: dict[str, Any], base: bytes,
                                                       tmp_path: Path) -> None:
    """A long role, six seniorities and each of the 24 cities as home still make exactly INSERT_PAGES pages."""
    at = pdf.placeholder_index(base)
    for city in worst_case["personal"]["cities"]:
        worst_case["personal"].update(home_city_id=city["city_id"], home_city=city["city"])
        insert = pdf.render_personal_insert(worst_case)  # raises InsertOverflow otherwise
        assert len(PdfReader(io.BytesIO(insert)).pages) == pdf.INSERT_PAGES
    text = squash(" ".join(pdftotext(pdf.merge_personal(base, insert, at), tmp_path, layout=False)))
    assert LONG_ROLE in text and f"At home in {city['city']}" in text


def test_one_parsed_base_serves_many_merges_and_is_left_as_it_was(context: dict[str, Any], base: bytes,
                                                                   worst_case: dict[str, Any]) -> None:
    """A PersonalBase parsed once (the warm worker keeps one per edition) gives every merge the bytes a merge
    from the base's bytes gives: a merge reads it and changes nothing in it that the next one would see."""
    parsed = merge.PersonalBase.parse(base)
    assert parsed.start == pdf.placeholder_index(base) and parsed.data is base
    theirs, ours = pdf.render_personal_insert(worst_case), pdf.render_personal_insert(context)
    first = pdf.merge_personal(parsed, theirs)
    second = pdf.merge_personal(parsed, ours)
    assert first == pdf.merge_personal(base, theirs) and second == pdf.merge_personal(base, ours)
    assert first != second


def test_an_overflowing_insert_is_refused(context: dict[str, Any], base: bytes) -> None:
    """An insert that would not fit its pages fails loudly instead of shifting the guide."""
    crowded = copy.deepcopy(context)
    crowded["personal"]["cities"] *= 3
    with pytest.raises(InsertOverflow):
        pdf.render_personal_insert(crowded)
    insert = pdf.render_personal_insert(context)
    with pytest.raises(merge.MergeError):
        pdf.merge_personal(base, insert, len(PdfReader(io.BytesIO(base)).pages) - 1)
    with pytest.raises(merge.MergeError):
        pdf.merge_personal(base, insert, 0)  # the section pages can never go over the cover
