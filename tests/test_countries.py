"""Countries: every ISO 3166-1 alpha-2 code plus XK; free-text ATS locations mapped only when unambiguous."""

from __future__ import annotations

import pytest

from service.salaries import checks, countries


def test_every_iso_code_and_kosovo_is_known() -> None:
    known = countries.known()
    assert len(known) == 250  # 249 ISO 3166-1 alpha-2 codes + XK
    assert {"XK", "AQ", "PS", "GS", "US", "DE", "TW"} <= known
    assert checks.country("xk") == "XK"
    with pytest.raises(checks.Invalid, match="unknown country 'XX'"):
        checks.country("XX")


@pytest.mark.parametrize(("text", "code"), [
    ("Remote - US", "US"), ("Remote (UK)", "GB"), ("Berlin, Germany", "DE"), ("Remote, USA", "US"),
    ("San Francisco, CA", "US"), ("Austin, TX", "US"), ("Toronto, ON", "CA"), ("Canada", "CA"),
    ("Pristina, Kosovo", "XK"), ("Paris, France; Remote", "FR"), ("Remote - Deutschland", "DE"),
    ("Amsterdam, The Netherlands", "NL"), ("US", "US"), ("Remote — Brazil", "BR"),
    # ambiguous or no country at all: left empty (the import counts them)
    ("EMEA", ""), ("Remote", ""), ("Anywhere", ""), ("Remote - Europe", ""), ("US or Canada", ""),
    ("London", ""), ("", ""), ("Berlin, Germany / Warsaw, Poland", ""), ("LATAM", ""),
])
def test_free_text_locations(text: str, code: str) -> None:
    assert countries.from_location(text) == code
