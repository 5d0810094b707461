"""The pay-text parser: a table of pay lines as listings write them, and Hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.salaries import paytext
from service.salaries.checks import Invalid
from service.salaries.paytext import Pay

Y, M, H, W, D = "year", "month", "hour", "week", "day"
TABLE = [
    # ranges, US$
    ("$220,000–$350,000", 220000, 350000, "USD", Y),
    ("$220,000 - $350,000", 220000, 350000, "USD", Y),
    ("$220,000 to $350,000", 220000, 350000, "USD", Y),
    ("$220k - $350k USD", 220000, 350000, "USD", Y),
    ("$220K–$350K", 220000, 350000, "USD", Y),
    ("$120-150k", 120000, 150000, "USD", Y),
    ("Salary: $120-150k + equity", 120000, 150000, "USD", Y),
    ("$150,000.00 - $180,000.00", 150000, 180000, "USD", Y),
    ("USD 140,000 - 160,000", 140000, 160000, "USD", Y),
    ("140,000 - 160,000 USD", 140000, 160000, "USD", Y),
    ("US$95,000 – US$110,000 per year", 95000, 110000, "USD", Y),
    ("$81K – $87K • 0.5% – 1.75% • Offers Bonus", 81000, 87000, "USD", Y),
    ("$160K – $190K • Offers Equity", 160000, 190000, "USD", Y),
    ("$130,000—$170,000 annually", 130000, 170000, "USD", Y),
    ("The base salary range is $185,000 - $225,000 per year.", 185000, 225000, "USD", Y),
    ("Base pay: $200k-$260k/yr", 200000, 260000, "USD", Y),
    ("$90K to $120K yearly", 90000, 120000, "USD", Y),
    ("$1.2M - $1.5M", 1200000, 1500000, "USD", Y),
    ("$100k−$140k", 100000, 140000, "USD", Y),
    ("$ 75,000 - $ 95,000", 75000, 95000, "USD", Y),
    ("$220,000 – $350,000 a year", 220000, 350000, "USD", Y),
    ("Compensation: $145,000 – $165,000 USD", 145000, 165000, "USD", Y),
    ("$70,000-$85,000 per annum", 70000, 85000, "USD", Y),
    ("$250K – $445K + Offers Equity", 250000, 445000, "USD", Y),
    ("Pay range $118,000 to $145,000", 118000, 145000, "USD", Y),
    # single amounts
    ("up to $180k", 180000, 180000, "USD", Y),
    ("Up to $180,000", 180000, 180000, "USD", Y),
    ("from €90,000", 90000, 90000, "EUR", Y),
    ("From €90k", 90000, 90000, "EUR", Y),
    ("$120,000", 120000, 120000, "USD", Y),
    ("$120k", 120000, 120000, "USD", Y),
    ("USD 120000", 120000, 120000, "USD", Y),
    ("120000 USD", 120000, 120000, "USD", Y),
    ("Starting at $95k", 95000, 95000, "USD", Y),
    ("Minimum $110,000 per year", 110000, 110000, "USD", Y),
    ("$65,000+", 65000, 65000, "USD", Y),
    ("around $140k", 140000, 140000, "USD", Y),
    # euro, local formats
    ("€150.000 – €260.000 per year", 150000, 260000, "EUR", Y),
    ("€150k–€260k", 150000, 260000, "EUR", Y),
    ("€60.000 - €75.000", 60000, 75000, "EUR", Y),
    ("60.000 - 75.000 €", 60000, 75000, "EUR", Y),
    ("EUR 55,000 - 70,000", 55000, 70000, "EUR", Y),
    ("55.000–70.000 EUR brutto", 55000, 70000, "EUR", Y),
    ("€65k/yr", 65000, 65000, "EUR", Y),
    ("€ 80 000 – € 95 000", 80000, 95000, "EUR", Y),
    ("80 000 - 95 000 EUR per year", 80000, 95000, "EUR", Y),
    ("€4.500 - €5.500 per month", 4500, 5500, "EUR", M),
    ("4.500 € / Monat", 4500, 4500, "EUR", M),
    ("1.234,56 € / Monat", 1234.56, 1234.56, "EUR", M),
    ("€50,000 - €60,000 p.a.", 50000, 60000, "EUR", Y),
    ("€70k-€90k + bonus", 70000, 90000, "EUR", Y),
    ("EUR 6.000 monthly", 6000, 6000, "EUR", M),
    ("€40 - €55 per hour", 40, 55, "EUR", H),
    ("€500/day", 500, 500, "EUR", D),
    ("€650 per day", 650, 650, "EUR", D),
    # pound
    ("£60-70k", 60000, 70000, "GBP", Y),
    ("£60k-£70k", 60000, 70000, "GBP", Y),
    ("£45,000 - £55,000 pa", 45000, 55000, "GBP", Y),
    ("£45,000 - £55,000 per annum", 45000, 55000, "GBP", Y),
    ("GBP 80,000 - 100,000", 80000, 100000, "GBP", Y),
    ("£550 - £650 per day", 550, 650, "GBP", D),
    ("£35/hour", 35, 35, "GBP", H),
    ("£90k + benefits", 90000, 90000, "GBP", Y),
    ("Up to £75,000", 75000, 75000, "GBP", Y),
    ("£4,000 pm", 4000, 4000, "GBP", M),
    # Swiss francs and other codes
    ("CHF 140'000", 140000, 140000, "CHF", Y),
    ("CHF 120'000 - 150'000", 120000, 150000, "CHF", Y),
    ("CHF 120’000 – 150’000 per year", 120000, 150000, "CHF", Y),
    ("140'000 CHF", 140000, 140000, "CHF", Y),
    ("SEK 50 000 per month", 50000, 50000, "SEK", M),
    ("50 000 - 60 000 SEK/month", 50000, 60000, "SEK", M),
    ("NOK 700,000 - 900,000", 700000, 900000, "NOK", Y),
    ("DKK 45.000 per month", 45000, 45000, "DKK", M),
    ("PLN 20,000 - 28,000 monthly", 20000, 28000, "PLN", M),
    ("20 000 - 28 000 zł", 20000, 28000, "PLN", Y),
    ("CAD 110,000 - 130,000", 110000, 130000, "CAD", Y),
    ("CA$120,000 - CA$140,000", 120000, 140000, "CAD", Y),
    ("C$95k - C$115k", 95000, 115000, "CAD", Y),
    ("A$150,000 - A$180,000", 150000, 180000, "AUD", Y),
    ("AUD 160k - 190k", 160000, 190000, "AUD", Y),
    ("NZ$120,000", 120000, 120000, "NZD", Y),
    ("S$8,000 - S$10,000 per month", 8000, 10000, "SGD", M),
    ("SGD 96,000 - 120,000", 96000, 120000, "SGD", Y),
    ("₹18,00,000 - ₹25,00,000", 1800000, 2500000, "INR", Y),
    ("INR 30,00,000", 3000000, 3000000, "INR", Y),
    ("¥8,000,000 - ¥12,000,000", 8000000, 12000000, "JPY", Y),
    ("JPY 9,000,000", 9000000, 9000000, "JPY", Y),
    ("R$15.000 - R$20.000 por mês monthly", 15000, 20000, "BRL", M),
    ("BRL 18,000/month", 18000, 18000, "BRL", M),
    ("MXN 60,000 monthly", 60000, 60000, "MXN", M),
    ("ZAR 900,000 - 1,100,000", 900000, 1100000, "ZAR", Y),
    ("HK$600,000", 600000, 600000, "HKD", Y),
    ("₪35,000 per month", 35000, 35000, "ILS", M),
    # periods
    ("$60/hr", 60, 60, "USD", H),
    ("$60/h", 60, 60, "USD", H),
    ("$60 per hour", 60, 60, "USD", H),
    ("$45.50 per hour", 45.5, 45.5, "USD", H),
    ("$50 - $70 hourly", 50, 70, "USD", H),
    ("$80-$100/hour", 80, 100, "USD", H),
    ("$75 an hour", 75, 75, "USD", H),
    ("USD 12,000 monthly", 12000, 12000, "USD", M),
    ("$9,000/mo", 9000, 9000, "USD", M),
    ("$8,500 per month", 8500, 8500, "USD", M),
    ("$2,500/week", 2500, 2500, "USD", W),
    ("$3,000 - $3,500 weekly", 3000, 3500, "USD", W),
    ("$400 per day", 400, 400, "USD", D),
    ("$600 daily rate", 600, 600, "USD", D),
    ("$100k per year, reviewed monthly", 100000, 100000, "USD", Y),
    ("USD 10.000 - 12.000 per month", 10000, 12000, "USD", M),
]
NO_SALARY = ["competitive", "Competitive salary", "DOE", "Salary: DOE", "Depending on experience",
             "Negotiable", "TBD", "Competitive salary + 401k", "Market rate", "N/A"]


def test_the_table_is_large_enough() -> None:
    assert len(TABLE) >= 100


@pytest.mark.parametrize(("text", "low", "high", "currency", "period"), TABLE)
def test_pay_lines(text: str, low: float, high: float, currency: str, period: str) -> None:
    assert paytext.parse(text) == Pay(low, high, currency, period)


@pytest.mark.parametrize("text", NO_SALARY)
def test_no_salary_is_refused_with_its_text(text: str) -> None:
    with pytest.raises(Invalid, match="states no salary") as problem:
        paytext.parse(text)
    assert text in str(problem.value)


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty pay text"), ("120,000 - 150,000", "names no currency"), ("$150k - $120k", "reversed"),
    ("great benefits", "has no amount"), ("x" * 301, "longer than 300"),
])
def test_unreadable_pay_lines(text: str, reason: str) -> None:
    with pytest.raises(Invalid, match=reason):
        paytext.parse(text)


def test_a_default_currency_fills_in_for_a_line_without_one() -> None:
    assert paytext.parse("120,000 - 150,000 per year", default_currency="EUR").currency == "EUR"
    assert paytext.parse("$120k", default_currency="EUR").currency == "USD"  # the text's own wins


amounts = st.integers(min_value=1, max_value=9_999_999)
styles = st.sampled_from(["comma", "dot", "apostrophe", "space"])
currencies = st.sampled_from(["USD", "EUR", "GBP", "CHF", "SEK", "INR", "JPY", "CAD"])
periods = st.sampled_from(["year", "month", "week", "day", "hour"])


@given(amounts, styles, currencies, periods)
def test_formatting_an_amount_then_parsing_it_returns_it(amount: int, style: str, currency: str,
                                                         period: str) -> None:
    pay = Pay(amount, amount, currency, period)
    assert paytext.parse(paytext.format_pay(pay, style)) == pay


@given(st.integers(min_value=1, max_value=9_999), currencies)
def test_thousands_written_with_k_parse_back(thousands: int, currency: str) -> None:
    pay = Pay(thousands * 1000, thousands * 1000, currency, "year")
    assert paytext.parse(paytext.format_pay(pay, "k")) == pay


@given(amounts, amounts, styles, currencies, periods)
def test_ranges_stay_ordered(a: int, b: int, style: str, currency: str, period: str) -> None:
    low, high = min(a, b), max(a, b)
    parsed = paytext.parse(paytext.format_pay(Pay(low, high, currency, period), style))
    assert parsed.low <= parsed.high
    assert (parsed.low, parsed.high) == (low, high)
