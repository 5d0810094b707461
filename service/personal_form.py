"""The optional personal fields of the form: role, seniority, salary, currency and home city."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from wtforms import BooleanField, DecimalField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from service.reference import tables
from service.salaries import checks, roles

# The salary field's own bounds, in the chosen currency; the US$ check below is the real one.
MAX_SALARY = Decimal("1e12")
PERIODS = (("year", "per year"), ("month", "per month"))
# An annual US$ amount outside this range is possible (a part-time job; a local salary in a cheap country)
# but more often the wrong period: the form asks the visitor to confirm it rather than take it silently.
PLAUSIBLE_ANNUAL_USD = (10_000.0, 1_000_000.0)


@cache
def role_choices() -> list[SelectChoice]:
    """Roles the guide has bands for, grouped by category."""
    by_category = sorted(roles.known_roles().items(), key=lambda item: (roles.CATEGORIES.index(item[1]), item[0]))
    return [SelectChoice("", "Choose your role")] + [
        SelectChoice(role, role, optgroup=category) for role, category in by_category
    ]


@cache
def city_choices() -> list[SelectChoice]:
    """The guide's 24 cities."""
    return [SelectChoice("", "Choose your city")] + [
        SelectChoice(c.city_id, f"{c.city}, {c.country}") for c in tables.cities()
    ]


@cache
def currency_choices() -> list[SelectChoice]:
    """Currencies in use today; the guide's own cities' currencies first."""
    common = list(dict.fromkeys(c.currency for c in tables.cities()))
    rest = sorted(tables.current_currencies() - set(common))
    return [SelectChoice("", "Currency")] + [SelectChoice(code) for code in common + rest]


@cache
def seniority_choices() -> list[SelectChoice]:
    """The seniority levels listings use."""
    return [SelectChoice("", "Seniority")] + [SelectChoice(s, s.title()) for s in checks.SENIORITIES]


def period_choices() -> list[SelectChoice]:
    """Per year (the default) or per month."""
    return [SelectChoice(value, label) for value, label in PERIODS]


def annual_usd(salary: float, period: str, currency: str, year: int) -> float | None:
    """The salary as annual US$ at the edition's exchange rate; None for a currency without one."""
    rate = tables.usd_rate(currency, year)
    return salary * (12 if period == "month" else 1) / rate.value if rate else None


def period_question(salary: float, period: str, currency: str, year: int) -> str | None:
    """A question for an amount that looks wrong for its period, or None when it looks right."""
    usd = annual_usd(salary, period, currency, year)
    low, high = PLAUSIBLE_ANNUAL_USD
    if usd is None or low <= usd <= high:
        return None
    other = "month" if period == "year" else "year"
    other_usd = annual_usd(salary, other, currency, year) or 0
    if low <= other_usd <= high:
        return (f"{currency} {salary:,.0f} a {period} looks like a salary per {other}. Please choose "
                f"“per {other}”, or tick “This amount is right” if it really is per {period}.")
    return (f"{currency} {salary:,.0f} a {period} is about US$ {usd:,.0f} a year, which is unusual. Please check "
            f"the amount and currency, or tick “This amount is right”.")


class Choice(SelectField):
    """A select whose unknown values get a message a visitor understands."""

    def pre_validate(self, form: Any) -> None:
        if self.data not in {choice[0] for choice in self.iter_choices()}:
            raise ValidationError(f"Please choose a {self.label.text.lower().removeprefix('your ')} from the list.")


class PersonalFields:
    """Mixed into the guide form: the fields and the check that they come together and make sense."""

    role = Choice("Your role", choices=role_choices, validators=[Optional()])
    seniority = Choice("Seniority", choices=seniority_choices, validators=[Optional()])
    salary = DecimalField("Your salary (gross)", places=None,
                          validators=[Optional(), NumberRange(min=0, max=MAX_SALARY, message="Please enter a salary.")])
    period = Choice("Salary period", choices=period_choices, default="year", validators=[Optional()])
    salary_confirmed = BooleanField("This amount is right", default=False)
    currency = Choice("Currency", choices=currency_choices, validators=[Optional()])
    city = Choice("Home city", choices=city_choices, validators=[Optional()])

    def personal_errors(self, year: int) -> list[str]:
        """Messages for personal inputs that are incomplete or outside sane bounds."""
        given = {name: getattr(self, name).data for name in ("role", "salary", "currency", "city")}
        if not any(value not in (None, "") for value in given.values()):
            return []
        missing = [name for name, value in given.items() if value in (None, "")]
        if missing:
            return [f"For a personal page, please also give your {', '.join(missing)}."]
        period = self.period.data or "year"
        usd = annual_usd(float(given["salary"]), period, given["currency"], year) or 0
        if not checks.MIN_ANNUAL_USD <= usd <= checks.MAX_ANNUAL_USD:
            return [f"That salary is outside what we can compare (about US$ {checks.MIN_ANNUAL_USD:,.0f} "
                    f"to {checks.MAX_ANNUAL_USD:,.0f} a year)."]
        question = period_question(float(given["salary"]), period, given["currency"], year)
        return [question] if question and not self.salary_confirmed.data else []

    def personal(self) -> dict[str, Any] | None:
        """The personal inputs, or None when the visitor gave none."""
        if not self.role.data:
            return None
        return {"role": self.role.data, "seniority": self.seniority.data or "mid",
                "salary": float(self.salary.data), "period": self.period.data or "year",
                "currency": self.currency.data, "city": self.city.data}
