"""The guide's regions: a listing's (employer's) country as US, Europe or the rest of the world."""

from __future__ import annotations

US, EUROPE, REST, ALL = "US", "Europe", "Rest of world", "All"
REGIONS = (US, EUROPE, REST)  # the order the guide prints them in; ALL is every listing

# UN M49 region 150 "Europe" (its four sub-regions, ISO 3166-1 alpha-2), plus Kosovo (XK), which M49 does
# not list. Cyprus and Türkiye are Western Asia in M49 and so count as the rest of the world.
EUROPE_COUNTRIES = frozenset({
    # Eastern Europe
    "BG", "BY", "CZ", "HU", "MD", "PL", "RO", "RU", "SK", "UA",
    # Northern Europe
    "AX", "DK", "EE", "FI", "FO", "GB", "GG", "IE", "IM", "IS", "JE", "LT", "LV", "NO", "SE", "SJ",
    # Southern Europe
    "AD", "AL", "BA", "ES", "GI", "GR", "HR", "IT", "ME", "MK", "MT", "PT", "RS", "SI", "SM", "VA",
    # Western Europe
    "AT", "BE", "CH", "DE", "FR", "LI", "LU", "MC", "NL",
    "XK",
})


def region_of(country: str | None) -> str | None:
    """The region of an ISO alpha-2 country; None when the country is unknown (the listing counts in All only)."""
    if not country:
        return None
    code = country.upper()
    if code == "US":
        return US
    return EUROPE if code in EUROPE_COUNTRIES else REST
