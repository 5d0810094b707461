"""Pay lines as listings write them ("$220k - $350k USD", "€150.000 – €260.000 per year") to amounts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.reference import tables
from service.salaries.checks import Invalid

# Said instead of a figure: the row is rejected with its text.
NO_SALARY = re.compile(r"\b(?:competitive|doe|d\.o\.e|depending on experience|dependent on experience|"
                       r"negotiable|tbd|tba|n/?a|market rate|attractive|not disclosed|undisclosed)\b", re.I)
# Longest first, so "CA$" wins over "$". A bare "$" is US$; "kr" is ambiguous and needs a code.
SYMBOLS = (("CA$", "CAD"), ("C$", "CAD"), ("AU$", "AUD"), ("A$", "AUD"), ("NZ$", "NZD"), ("HK$", "HKD"),
           ("S$", "SGD"), ("R$", "BRL"), ("MX$", "MXN"), ("US$", "USD"), ("$", "USD"), ("€", "EUR"),
           ("£", "GBP"), ("¥", "JPY"), ("₹", "INR"), ("₩", "KRW"), ("₪", "ILS"), ("zł", "PLN"), ("₺", "TRY"),
           ("₱", "PHP"), ("₦", "NGN"))
PERIOD_WORDS = (
    ("hour", r"/\s*h(?:ou)?r?\b|\bper\s+hour\b|\bhourly\b|\ban\s+hour\b|/\s*hour\b|\bp/?h\b"),
    ("day", r"/\s*day\b|\bper\s+day\b|\bdaily\b|\ba\s+day\b|\bday\s+rate\b"),
    ("week", r"/\s*w(?:ee)?k\b|\bper\s+week\b|\bweekly\b|\ba\s+week\b"),
    ("month", r"/\s*mo(?:nth)?\b|\bper\s+month\b|\bmonthly\b|\ba\s+month\b|\bp\.?\s?m\.?(?=\s|$)|"
              r"\bmonth\b|\bmonat\b|\bmois\b"),
    ("year", r"/\s*y(?:ea)?r\b|\bper\s+(?:year|annum)\b|\bannual(?:ly)?\b|\byearly\b|\ba\s+year\b|"
             r"\bp\.?\s?a\.?(?=\s|$)|\byear\b|\bannum\b|\bjahr\b|\bbrutto\b"),
)
_SYMBOL = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(symbol)}" for symbol, _ in SYMBOLS))
_BY_SYMBOL = dict(SYMBOLS)
_PERIODS = tuple((name, re.compile(pattern, re.I)) for name, pattern in PERIOD_WORDS)
_CODE = re.compile(r"\b([A-Z]{3})\b")
# A number as written: 150,000 / 150.000 / 150 000 / 140'000 / 12.5 / 150k / 1.2M; not a percentage.
# Indian lakh grouping (18,00,000) first.
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:(?:[,.'’\u00a0\u202f ])\d{3})+|\d+)"
                     r"(?:([.,])(\d{1,2}))?"
                     r"\s*([kKmM](?![a-zA-Z]))?(?!\s*%)(?![\d])")
MAX_TEXT = 300


@dataclass(frozen=True, slots=True)
class Pay:
    """An advertised amount or range, in its own currency and period."""

    low: float
    high: float
    currency: str
    period: str


def _currency(text: str, default: str | None, known: frozenset[str] | None) -> str | None:
    """An ISO code written in the text, else a currency symbol, else the default."""
    known = known if known is not None else tables.known_currencies()
    for code in _CODE.findall(text):
        if code in known:
            return code
    symbol = _SYMBOL.search(text)
    return _BY_SYMBOL[symbol.group()] if symbol else default


def period_in(text: str) -> str:
    """The period the text names first; a pay line that names none is yearly."""
    found = [(m.start(), name) for name, pattern in _PERIODS if (m := pattern.search(text))]
    return min(found)[1] if found else "year"


def _value(match: re.Match[str]) -> tuple[float, str]:
    """A matched number as a float, and its k/M suffix (lower case, "" if none)."""
    whole, sep, fraction, suffix = match.groups()
    digits = re.sub(r"[^\d]", "", whole)
    number = float(digits + ("." + fraction if fraction else ""))
    return number, (suffix or "").lower()


def _scale(number: float, suffix: str) -> float:
    return number * {"k": 1_000, "m": 1_000_000}.get(suffix, 1)


def parse(text: str, default_currency: str | None = None, known: frozenset[str] | None = None) -> Pay:
    """The first amount or range in a pay line; Invalid when it states no salary or cannot be read."""
    line = " ".join(str(text or "").split())
    if not line:
        raise Invalid("missing salary (empty pay text)")
    if len(line) > MAX_TEXT:
        raise Invalid(f"pay text is longer than {MAX_TEXT} characters")
    numbers = list(_NUMBER.finditer(line))
    if not numbers or (NO_SALARY.search(line) and _currency(line, None, known) is None):
        reason = "states no salary" if NO_SALARY.search(line) else "has no amount"
        raise Invalid(f"pay text {reason}: {line!r}")
    first = numbers[0]
    low, low_suffix = _value(first)
    high, high_suffix = low, low_suffix
    if len(numbers) > 1 and _joined(line, first, numbers[1]):
        high, high_suffix = _value(numbers[1])
    if high_suffix and not low_suffix and _scale(low, high_suffix) <= _scale(high, high_suffix):
        low_suffix = high_suffix  # "£60-70k": the k belongs to both
    low, high = _scale(low, low_suffix), _scale(high, high_suffix)
    currency = _currency(line, default_currency, known)
    if currency is None:
        raise Invalid(f"pay text names no currency: {line!r}")
    if low > high:
        raise Invalid(f"pay text range is reversed: {line!r}")
    return Pay(low, high, currency, period_in(line))


def _joined(line: str, first: re.Match[str], second: re.Match[str]) -> bool:
    """Whether two numbers form a range: only a dash or "to" (and currency marks) lie between them."""
    between = _CODE.sub(" ", _SYMBOL.sub(" ", line[first.end():second.start()])).strip()
    return bool(re.fullmatch(r"(?:-|–|—|−|to|bis|à|~)", between, re.I))


def format_amount(amount: float, style: str = "comma") -> str:
    """A whole amount as listings write it: 150,000 (comma), 150.000 (dot), 140'000 (apostrophe), 150k."""
    whole = round(amount)
    if style == "k" and whole % 1000 == 0:
        return f"{whole // 1000}k"
    grouped = f"{whole:,}"
    return grouped.replace(",", {"comma": ",", "dot": ".", "apostrophe": "'", "space": " "}.get(style, ","))


def format_pay(pay: Pay, style: str = "comma") -> str:
    """A pay line for a Pay, e.g. "USD 120,000 – 150,000 per year" (what the native salary_text holds)."""
    amounts = format_amount(pay.low, style)
    if pay.high != pay.low:
        amounts += " – " + format_amount(pay.high, style)
    return f"{pay.currency} {amounts} per {pay.period}"
