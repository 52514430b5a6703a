"""三色码: a household's risk colour from its risk coefficient and the county's two lines.

Red at or above the county line (`risk_county`), amber at or above the township line
(`risk_township`), green below; a household without a coefficient for the assessment year
(no batch has scored it yet) is 未评估, never green by default. The colour is always shown
with its words (`RiskColour.label`), never by colour alone.

Where it shows: `register_list_colours()` (called in RulesConfig.ready()) adds the colour to
the registry's list extensions (households.list_extensions): a column and filters on the
household list and the monitoring objects' list, and a badge beside the coefficient on the
household page.
"""

from decimal import Decimal

from django import forms
from django.db import models
from django.db.models import Case, CharField, DecimalField, F, FilteredRelation, OuterRef, Q, Subquery, Value, When
from django.utils.formats import localize
from django.utils.safestring import mark_safe

from households import list_extensions
from households.list_rows import escaped
from households.models import YearParameters

from rules.models import CatalogParameter
from rules.parameters import DEFAULTS

LINE_KEYS = ("risk_township", "risk_county")


class RiskColour(models.TextChoices):
    RED = "red", "红色"
    AMBER = "amber", "黄色"
    GREEN = "green", "绿色"
    NONE = "none", "未评估"


def risk_lines(county: str | None) -> tuple[Decimal, Decimal]:
    """(township line, county line) in force in `county`: its own values over the defaults (one query)."""
    values = {key: DEFAULTS[key] for key in LINE_KEYS}
    if county:
        values.update(CatalogParameter.objects.filter(county=county, key__in=LINE_KEYS).values_list("key", "value"))
    return values["risk_township"], values["risk_county"]


def colour_of(risk: Decimal | None, *, township_line: Decimal, county_line: Decimal) -> RiskColour:
    if risk is None:
        return RiskColour.NONE
    if risk >= county_line:
        return RiskColour.RED
    if risk >= township_line:
        return RiskColour.AMBER
    return RiskColour.GREEN


def assessment_year(county: str | None) -> int | None:
    params = YearParameters.current(county) if county else None
    return params.year if params else None


def colour_condition(colour: str, *, township_line: Decimal, county_line: Decimal, field: str = "risk") -> Q:
    """The households of one colour, as a condition on an annotated risk `field`."""
    return {
        RiskColour.RED: Q(**{f"{field}__gte": county_line}),
        RiskColour.AMBER: Q(**{f"{field}__gte": township_line, f"{field}__lt": county_line}),
        RiskColour.GREEN: Q(**{f"{field}__lt": township_line}),
        RiskColour.NONE: Q(**{f"{field}__isnull": True}),
    }[RiskColour(colour)]


def with_risk_colour(households, *, county: str | None, year: int | None = None,
                     lines: tuple[Decimal, Decimal] | None = None):
    """Annotate `risk` (the year's coefficient, or None) and `risk_colour` (a RiskColour value)
    on a household queryset, in SQL: one LEFT JOIN on RiskScore's unique (household, year)
    index, so a household appears once and the colour is a CASE over a column (no per-row query).
    `lines` (township, county) saves the lookup when the caller has them."""
    year = year if year is not None else assessment_year(county)
    if year is None:  # no current year: nothing is assessed
        return households.annotate(risk=Value(None, output_field=DecimalField(max_digits=5, decimal_places=4)),
                                   risk_colour=Value(RiskColour.NONE.value, output_field=CharField()))
    township_line, county_line = lines or risk_lines(county)
    return (
        households
        .annotate(risk_of_year=FilteredRelation("risk_scores", condition=Q(risk_scores__year=year)))
        .annotate(risk=F("risk_of_year__risk"))
        .annotate(
            risk_colour=Case(
                *(When(colour_condition(c, township_line=township_line, county_line=county_line), then=Value(c.value))
                  for c in (RiskColour.NONE, RiskColour.RED, RiskColour.AMBER)),
                default=Value(RiskColour.GREEN.value),
                output_field=CharField(),
            )
        )
    )


# The lists' column and filters (households.list_extensions) -------------------------------

COLOUR_COLUMN_TEMPLATES = {
    "cell_template": "rules/_risk_colour_cell.html",
    "filter_template": "rules/_risk_colour_filter.html",
    "page_template": "rules/_risk_colour_page.html",
}


def _colour_field() -> forms.Field:
    return forms.ChoiceField(
        label="三色码", required=False, choices=[("", "全部三色码"), *RiskColour.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def _risk_bound_field(label: str, placeholder: str):
    def field() -> forms.Field:
        # Any number of decimals: a link (the dashboard's histogram) may write 0.850000.
        return forms.DecimalField(
            label=label, required=False, min_value=0,
            error_messages={"invalid": f"{label}须为 0–1 之间的小数。", "min_value": f"{label}不能小于 0。"},
            widget=forms.NumberInput(attrs={"class": "form-control px-2", "step": "0.01", "min": "0", "max": "1",
                                            "aria-label": label,
                                            "inputmode": "decimal", "placeholder": placeholder}),
        )
    return field


def _by_colour(households, colour, *, county):
    # On `risk`, not on the CASE of `risk_colour`: PostgreSQL then filters the scores before the
    # join (18 ms rather than 150 ms for the reds of 100,000 households). Same lines, same colour.
    township_line, county_line = risk_lines(county)
    return households.filter(colour_condition(colour, township_line=township_line, county_line=county_line))


def _from(households, value, *, county):
    return households.filter(risk__gte=value)


def _below(households, value, *, county):
    return households.filter(risk__lt=value)


def _colour_cell(household) -> str:
    """rules/_risk_colour_cell.html (with _risk_colour_badge.html) in Python, for the household
    list's rows: the same HTML without two template renders per row."""
    colour = household.risk_colour
    colour = RiskColour(colour) if colour in RiskColour.values else RiskColour.NONE
    risk = household.risk
    title = f' title="风险系数 {escaped(localize(risk))}"' if risk is not None else ""
    return mark_safe(
        f'<td data-label="三色码" class="text-nowrap"><span class="badge risk-badge risk-{colour.value}" '
        f'data-risk-colour="{colour.value}"{title}>{escaped(colour.label)}</span>\n</td>\n')


def _annotate_for_lists(households, *, county, year, settings=None):
    return with_risk_colour(households, county=county, year=year, lines=_lines_read_with(settings))


# The risk lines read with the year (households.list_extensions.year_with_settings): the household
# list asks for its year and the lines in one query, not two.
_LINE_SETTINGS = {key: f"rules_{key}" for key in LINE_KEYS}


def _line_setting(key: str):
    def expression():
        values = CatalogParameter.objects.filter(county=OuterRef("county"), key=key).values("value")
        return Subquery(values[:1])
    return expression


def _lines_read_with(settings) -> tuple[Decimal, Decimal] | None:
    """(township line, county line) from a YearParameters read with the county settings, or None
    (then with_risk_colour reads them): a county without its own value has the default."""
    if settings is None or not all(hasattr(settings, name) for name in _LINE_SETTINGS.values()):
        return None
    values = [getattr(settings, _LINE_SETTINGS[key]) for key in LINE_KEYS]
    return tuple(DEFAULTS[key] if value is None else value for key, value in zip(LINE_KEYS, values, strict=True))


def register_list_colours() -> None:
    list_extensions.register_household_annotation(_annotate_for_lists)
    for key, name in _LINE_SETTINGS.items():
        list_extensions.register_county_setting(name, _line_setting(key))
    list_extensions.register_household_filter("risk_colour", _colour_field, _by_colour)
    list_extensions.register_household_filter("risk_from", _risk_bound_field("风险系数从", "从"), _from)
    list_extensions.register_household_filter("risk_below", _risk_bound_field("风险系数低于", "低于"), _below)
    list_extensions.register_household_column(
        list_extensions.HouseholdColumn(label="三色码", render_cell=_colour_cell, **COLOUR_COLUMN_TEMPLATES))
