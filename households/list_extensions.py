"""Columns, annotations and filters other apps add to the household lists.

The registry does not know what the apps above it compute about a household (the rules app's
risk colour, 三色码): an app registers, at start-up (its AppConfig.ready()),

- an annotation: `annotate(households, *, county, year, settings=None) -> households`, set-based
  (a join or one correlated subquery, never a query per row), applied to the list's queryset
  before filtering; `settings` is the year's YearParameters read with the county settings below,
  or None (then the annotation reads what it needs itself);
- county settings: `name -> expression` over YearParameters (a subquery on `OuterRef("county")`),
  read in the household list's one query for the year (`year_with_settings`), so that an
  annotation needs no query of its own (the rules app's risk lines);
- filters: a query parameter, the form field that reads it and `apply(households, value, *, county)`,
  called with a non-empty cleaned value on the annotated queryset (`county`: whose settings apply);
- a column: its header, the template of its cell (one `<td>` with a `data-label`, given
  `household`), the template of its controls in the filter form (given `form`) and what the
  household page shows of it in the 风险系数 card (given the page's context). It may also give
  `render_cell(household) -> str`, the same `<td>` built in Python: the household list renders
  its 25 rows with it (a template include per row and column was a fifth of the page's CPU);
  it must produce exactly what the cell template does (tests compare them).

The household list (households.views) and the monitoring objects' list (monitoring_objects)
both read this registry, so a column registered once shows, and filters, on both.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.template.loader import render_to_string

Annotation = Callable[..., object]


@dataclass(frozen=True)
class ListFilter:
    name: str  # the query parameter
    field: Callable[[], forms.Field]
    apply: Callable[..., object]


@dataclass(frozen=True)
class HouseholdColumn:
    label: str
    cell_template: str
    filter_template: str = ""
    page_template: str = ""
    render_cell: Callable[[object], str] | None = None

    def cell(self, household) -> str:
        """The column's `<td>` for `household`: `render_cell`, or else its cell template."""
        if self.render_cell is not None:
            return self.render_cell(household)
        return render_to_string(self.cell_template, {"household": household})


_ANNOTATIONS: list[Annotation] = []
_COUNTY_SETTINGS: dict[str, Callable[[], object]] = {}
_FILTERS: dict[str, ListFilter] = {}
_COLUMNS: list[HouseholdColumn] = []


def register_household_annotation(annotate: Annotation) -> None:
    if annotate not in _ANNOTATIONS:
        _ANNOTATIONS.append(annotate)


def register_county_setting(name: str, expression: Callable[[], object]) -> None:
    """`expression()`: an annotation of YearParameters (on OuterRef("county")), named `name`."""
    _COUNTY_SETTINGS[name] = expression


def register_household_filter(name: str, field: Callable[[], forms.Field], apply) -> None:
    _FILTERS[name] = ListFilter(name=name, field=field, apply=apply)


def register_household_column(column: HouseholdColumn) -> None:
    if column not in _COLUMNS:
        _COLUMNS.append(column)


def annotate(households, *, county: str | None, year: int | None, settings=None):
    """`households` with every registered annotation. A user without a county (no role) sees no
    households, but the annotations are still made, so that the registered filters find their fields.
    `settings`: the YearParameters of `year_with_settings`, if the caller has it."""
    for annotation in _ANNOTATIONS:
        households = annotation(households, county=county, year=year, settings=settings)
    return households


def year_with_settings(years):
    """The `years` (a YearParameters queryset) with every registered county setting annotated."""
    return years.annotate(**{name: expression() for name, expression in _COUNTY_SETTINGS.items()})


def filter_fields() -> dict[str, forms.Field]:
    """A fresh form field for every registered filter, by query parameter."""
    return {name: spec.field() for name, spec in _FILTERS.items()}


def apply_filters(households, cleaned_data: dict, *, county: str | None):
    """`households` (annotated) narrowed by every registered filter given a value."""
    for name, spec in _FILTERS.items():
        value = cleaned_data.get(name)
        if value not in (None, ""):
            households = spec.apply(households, value, county=county)
    return households


def columns() -> list[HouseholdColumn]:
    return list(_COLUMNS)
