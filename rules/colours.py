"""三色码: a household's risk colour from its risk coefficient and the county's two lines.

Red at or above the county line (`risk_county`), amber at or above the township line
(`risk_township`), green below; a household without a coefficient for the assessment year
(no batch has scored it yet) is 未评估, never green by default. The colour is always shown
with its words (`RiskColour.label`), never by colour alone.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When

from households.models import YearParameters

from rules.models import RiskScore
from rules.parameters import current_values


class RiskColour(models.TextChoices):
    RED = "red", "红色"
    AMBER = "amber", "黄色"
    GREEN = "green", "绿色"
    NONE = "none", "未评估"


def risk_lines(county: str) -> tuple[Decimal, Decimal]:
    """(township line, county line) in force in `county`."""
    values = current_values(county)
    return values["risk_township"], values["risk_county"]


def colour_of(risk: Decimal | None, *, township_line: Decimal, county_line: Decimal) -> RiskColour:
    if risk is None:
        return RiskColour.NONE
    if risk >= county_line:
        return RiskColour.RED
    if risk >= township_line:
        return RiskColour.AMBER
    return RiskColour.GREEN


def assessment_year(county: str) -> int | None:
    params = YearParameters.current(county)
    return params.year if params else None


def colour_condition(colour: str, *, township_line: Decimal, county_line: Decimal, field: str = "risk") -> Q:
    """The households of one colour, as a condition on an annotated risk `field`."""
    return {
        RiskColour.RED: Q(**{f"{field}__gte": county_line}),
        RiskColour.AMBER: Q(**{f"{field}__gte": township_line, f"{field}__lt": county_line}),
        RiskColour.GREEN: Q(**{f"{field}__lt": township_line}),
        RiskColour.NONE: Q(**{f"{field}__isnull": True}),
    }[RiskColour(colour)]


def with_risk_colour(households, *, county: str, year: int | None = None):
    """Annotate `risk` (the year's coefficient, or None) and `risk_colour` (a RiskColour value)
    on a household queryset, in SQL: one correlated lookup on the unique (household, year) index."""
    year = year if year is not None else assessment_year(county)
    township_line, county_line = risk_lines(county)
    risk = Subquery(RiskScore.objects.filter(household=OuterRef("pk"), year=year).values("risk")[:1])
    return households.annotate(risk=risk).annotate(
        risk_colour=Case(
            *(When(colour_condition(c, township_line=township_line, county_line=county_line), then=Value(c.value))
              for c in (RiskColour.NONE, RiskColour.RED, RiskColour.AMBER)),
            default=Value(RiskColour.GREEN.value),
            output_field=CharField(),
        )
    )
