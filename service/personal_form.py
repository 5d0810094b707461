"""The optional personal fields of the form: role, seniority, salary, currency and home city."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from wtforms import DecimalField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from service.reference import tables
from service.salaries import checks, roles

# The salary field's own bounds, in the chosen currency; the US$ check below is the real one.
MAX_SALARY = Decimal("1e12")


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


class Choice(SelectField):
    """A select whose unknown values get a message a visitor understands."""

    def pre_validate(self, form: Any) -> None:
        if self.data not in {choice[0] for choice in self.iter_choices()}:
            raise ValidationError(f"Please choose a {self.label.text.lower().removeprefix('your ')} from the list.")


class PersonalFields:
    """Mixed into the guide form: the fields and the check that they come together and make sense."""

    role = Choice("Your role", choices=role_choices, validators=[Optional()])
    seniority = Choice("Seniority", choices=seniority_choices, validators=[Optional()])
    salary = DecimalField("Your annual salary", places=None,
                          validators=[Optional(), NumberRange(min=0, max=MAX_SALARY, message="Please enter a salary.")])
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
        rate = tables.usd_rate(given["currency"], year)
        usd = float(given["salary"]) / rate.value if rate else 0
        if not checks.MIN_ANNUAL_USD <= usd <= checks.MAX_ANNUAL_USD:
            return [f"That salary is outside what we can compare (about US$ {checks.MIN_ANNUAL_USD:,.0f} "
                    f"to {checks.MAX_ANNUAL_USD:,.0f} a year)."]
        return []

    def personal(self) -> dict[str, Any] | None:
        """The personal inputs, or None when the visitor gave none."""
        if not self.role.data:
            return None
        return {"role": self.role.data, "seniority": self.seniority.data or "mid",
                "salary": float(self.salary.data), "currency": self.currency.data, "city": self.city.data}
