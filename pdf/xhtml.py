"""Parse the guide's HTML with expat (C) instead of WeasyPrint's tinyhtml5 (pure Python).

The guide's templates are written as well-formed XML (void elements closed, numeric character
references, SVG with its namespace), so `xml.etree` parses them in well under a millisecond
where tinyhtml5 takes about 60 ms for the whole guide and 10 ms for a personal insert. The tree
is the one tinyhtml5 builds for the same source (plain HTML tags, SVG tags in the SVG namespace);
tests/test_pdf_units.py checks that both parsers give the same PDF, byte for byte. Anything that
is not well-formed (a template edited carelessly) falls back to tinyhtml5 with a warning.
"""

from __future__ import annotations

import logging
from xml.etree import ElementTree

import cssselect2
import weasyprint
from weasyprint.urls import URLFetcher

log = logging.getLogger(__name__)


class GuideHTML(weasyprint.HTML):
    """A `weasyprint.HTML` built from a tree parsed as XML; it sets what `HTML.__init__` sets."""

    def __init__(self, string: str, base_url: str, url_fetcher: URLFetcher) -> None:
        root = ElementTree.fromstring(string)
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element


def parse(string: str, base_url: str, url_fetcher: URLFetcher) -> weasyprint.HTML:
    """The document for WeasyPrint: parsed as XML when it is well-formed, else as HTML."""
    try:
        return GuideHTML(string, base_url, url_fetcher)
    except ElementTree.ParseError as error:
        log.warning("guide HTML is not well-formed XML (%s), parsing it as HTML", error)
        return weasyprint.HTML(string=string, base_url=base_url, url_fetcher=url_fetcher)
