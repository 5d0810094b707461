"""The pdf package's parts without a full render: filters, HTML, template version, stylesheet."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jinja2
import pytest

import pdf
from pdf import filters
from pdf.render import ASSETS_DIR, build_html

FIXTURE = Path(__file__).parent / "fixtures" / "guide_context.json"


def test_data_date_prefers_the_snapshot_data_date() -> None:
    """The cover and footer date is the data's own date when the context gives one."""
    context = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert "28 November 2026" in build_html(context)
    context["snapshot"]["data_date"] = "2024-07-01"
    html = build_html(context)
    assert '<dd class="cover-date">1 July 2024</dd>' in html


def test_missing_key_fails_loudly() -> None:
    """A context without a required key raises instead of printing a blank."""
    context = json.loads(FIXTURE.read_text(encoding="utf-8"))
    del context["threshold"]
    with pytest.raises(jinja2.UndefinedError, match="threshold"):
        build_html(context)


def test_stylesheet_loads_only_shipped_fonts() -> None:
    """Every @font-face points at a shipped file, every shipped file is used, and none says local()."""
    css = (ASSETS_DIR / "guide.css").read_text()
    assert "local(" not in css
    urls = set(re.findall(r"src:\s*url\(([^)]+)\)", css))
    assert urls == {f"fonts/{p.name}" for p in (ASSETS_DIR / "fonts").glob("*.otf")}


def test_template_version_tracks_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """TEMPLATE_VERSION is cached, and a changed CSS file gives a new version."""
    from pdf import version

    assert pdf.TEMPLATE_VERSION == pdf.template_version() == version.template_version()
    copy_dir = tmp_path / "guide"
    shutil.copytree(version.TEMPLATE_DIR, copy_dir)
    monkeypatch.setattr(version, "TEMPLATE_DIR", copy_dir)
    before = version.template_version.__wrapped__()
    (copy_dir / "assets" / "guide.css").write_text("html { color: red }")
    assert version.template_version.__wrapped__() != before


def test_warm_up_renders() -> None:
    """warm_up() renders its small document without error."""
    pdf.warm_up()


@pytest.mark.parametrize(("func", "args", "expected"), [
    (filters.money_k, (196_900,), "$197k"),
    (filters.money_k, (1_250_000,), "$1.25M"),
    (filters.money, (1234.4,), "$1,234"),
    (filters.money, (90_000, "EUR"), "€90,000"),
    (filters.money, (19_000_000, "JPY"), "JPY 19,000,000"),
    (filters.money_range, (197_000, 288_000), "$197k–$288k"),
    (filters.number, (0.5523, 2), "0.55"),
    (filters.percent, (0.563,), "56%"),
    (filters.ordinal, (62,), "62nd"),
    (filters.ordinal, (11,), "11th"),
    (filters.long_date, ("2026-11-28T03:00:00Z",), "28 November 2026"),
    (filters.money, (None,), "—"),
])
def test_filters(func: Any, args: tuple, expected: str) -> None:
    """Formatting filters give the strings the guide prints."""
    assert func(*args) == expected


def test_the_guide_is_parsed_as_xml_to_the_same_pdf(caplog: pytest.LogCaptureFixture) -> None:
    """Every guide template renders well-formed XML, and the fast XML parse gives the PDF tinyhtml5 would."""
    import weasyprint

    from pdf import render, xhtml

    context = json.loads(FIXTURE.read_text(encoding="utf-8"))
    insert = render.environment().get_template("insert.html").render(**context, link_stylesheet=False)
    for html in (build_html(context), build_html({**context, "personal": None}, personal_slot=2), insert):
        ElementTree.fromstring(html)  # raises if a template is not well-formed
    css, font_config = render._styles()
    base_url, fetcher = render._as_base_url(ASSETS_DIR), render.AssetFetcher(ASSETS_DIR)
    with caplog.at_level("WARNING", logger="pdf.xhtml"):
        fast = xhtml.parse(insert, base_url, fetcher).render(stylesheets=[css], font_config=font_config)
    slow = weasyprint.HTML(string=insert, base_url=base_url, url_fetcher=fetcher)
    assert not caplog.records and isinstance(xhtml.parse(insert, base_url, fetcher), xhtml.GuideHTML)
    assert fast.write_pdf() == slow.render(stylesheets=[css], font_config=font_config).write_pdf()
    assert not isinstance(xhtml.parse("<p>a<br>b</p>", base_url, fetcher), xhtml.GuideHTML)  # falls back


def test_the_cffi_array_shortcut_changes_no_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    """Font subsetting through cffi_arrays gives the PDF WeasyPrint's own cffi calls give."""
    from weasyprint.pdf import fonts as weasyprint_fonts

    from pdf import cffi_arrays

    context = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert isinstance(weasyprint_fonts.ffi, cffi_arrays.SizedArrays)
    fast = pdf.render_personal_insert(context)
    monkeypatch.setattr(weasyprint_fonts, "ffi", weasyprint_fonts.ffi.ffi)
    assert pdf.render_personal_insert(context) == fast


@pytest.mark.parametrize(("value", "currency", "printed"), [
    (3_624_732_874, "VND", "₫3,620,000,000"), (89_612.3, "EUR", "€89,600"), (141_372, "USD", "$141k"),
    (123_456, "CHF", "CHF\u00a0123,000"), (1_234_567, "INR", "₹1,230,000"), (None, "EUR", "—"),
])
def test_money_for_reading(value, currency, printed) -> None:
    assert filters.money_local(value, currency) == printed


def test_changes_and_months() -> None:
    assert [filters.signed_percent(v) for v in (0.052, -0.1, 0.001)] == ["+5%", "−10%", "±0%"]
    assert filters.month_year("2024-07-01") == "July 2024"
