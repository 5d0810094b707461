"""The guide's sources, licences and caveats: the methodology page prints these as they are.

The reference data is listed here; the salary listings' sources come from the data snapshot
(service/salaries/snapshots.py), so the page names whatever feeds the figures were built from."""

from __future__ import annotations

from typing import Any

# How the guide names a listings source it knows; any other source is printed by its own name.
KNOWN_LISTING_SOURCES: dict[str, dict[str, str | None]] = {
    "aijobs": {"name": "ai-jobs.net salaries dataset (sample data)", "publisher": "ai-jobs.net",
               "licence": "CC0 1.0 (public domain)", "url": "https://aijobs.net/salaries/download/"},
    "remnavi": {"name": "RemNavi listings feed", "publisher": "RemNavi", "licence": "RemNavi's own listings",
                "url": None},
}


def named(source: str, url: str | None, licence: str | None) -> dict[str, Any]:
    """How the guide names a listings source: its known name and publisher; the licence its import recorded,
    else the known one, else "not recorded" (never claimed beyond the data); and a link a reader can follow:
    the web address its import recorded, else the known one (a file path on the server is not shown)."""
    known = KNOWN_LISTING_SOURCES.get(source, {})
    web = url if url and url.startswith(("http://", "https://")) else None
    stated = licence if licence not in (None, "", "not stated") else None
    return {"name": known.get("name") or source, "publisher": known.get("publisher"),
            "licence": stated or known.get("licence") or "not recorded", "url": web or known.get("url")}

SOURCES = [
    {
        "name": "World Bank, World Development Indicators: PPP conversion factor, private consumption "
                "(PA.NUS.PRVT.PP)",
        "publisher": "World Bank (International Comparison Program; Eurostat-OECD PPP Programme)",
        "vintage": "WDI; years up to 2023",
        "licence": "CC BY 4.0",
        "url": "https://data.worldbank.org/indicator/PA.NUS.PRVT.PP",
        "used_for": "Household price levels of the 21 cities outside the United States (national figures)",
    },
    {
        "name": "World Bank, World Development Indicators: PPP conversion factor, GDP (PA.NUS.PPP)",
        "publisher": "World Bank (International Comparison Program; Eurostat-OECD PPP Programme)",
        "vintage": "WDI, July 2026 update; years up to 2025",
        "licence": "CC BY 4.0",
        "url": "https://data.worldbank.org/indicator/PA.NUS.PPP",
        "used_for": "Only where a country has no household PPP (the row says so)",
    },
    {
        "name": "World Bank, World Development Indicators: Official exchange rate (PA.NUS.FCRF)",
        "publisher": "World Bank (IMF International Financial Statistics)",
        "vintage": "WDI, July 2026 update; euro-area members up to 2024",
        "licence": "CC BY 4.0",
        "url": "https://data.worldbank.org/indicator/PA.NUS.FCRF",
        "used_for": "Converting listings to US$ and salaries to local currency",
    },
    {
        "name": "U.S. Bureau of Economic Analysis: Regional Price Parities by MSA (MARPP)",
        "publisher": "U.S. Bureau of Economic Analysis",
        "vintage": "Released 19 February 2026; statistics for 2024",
        "licence": "Public domain (17 U.S.C. §105)",
        "url": "https://www.bea.gov/data/prices-inflation/regional-price-parities-state-and-metro-area",
        "used_for": "Price levels of New York, San Francisco and Austin (metro figures)",
    },
    {
        "name": "ISO 3166 and ISO 4217 code lists (datasets/country-codes)",
        "publisher": "ISO; SIX on behalf of ISO",
        "vintage": "May 2026",
        "licence": "ODC-PDDL-1.0",
        "url": "https://github.com/datasets/country-codes",
        "used_for": "Countries and their currencies",
    },
]

CAVEATS = [
    "Purchasing-power parities are national averages (World Bank ICP) except for the three US metros, "
    "which use BEA Regional Price Parities; a capital city is usually dearer than its country's average.",
    "PPP values after the latest ICP benchmark (2021) are World Bank extrapolations and may be revised.",
    "Salaries are those disclosed in listings; listings that disclose pay may differ from those that do not.",
    "A role × seniority shows its own band only when it has enough listings; "
    "otherwise the category's figures stand in.",
    "Price levels describe what households pay across a whole country (private consumption), "
    "not rents in one city or a personal basket of goods.",
    "Most listings are from US employers; the bands are given per region so a reader elsewhere is not "
    "ranked on the US scale alone.",
]


def listing_source(recorded: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's source (snapshots.sources) as a row of the sources table."""
    shown = named(recorded["name"], recorded.get("url"), recorded.get("licence"))
    return recorded | shown | {
        "publisher": shown["publisher"] or recorded["name"],
        "url": shown["url"] or "",
        "vintage": f"Listings posted {recorded['first_posted']} to {recorded['last_posted']}",
        "used_for": f"{recorded['rows']:,} salary listings with disclosed salaries",
    }
