"""Writes of the income analysis: the monthly snapshots (IncomeSnapshot)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from households.choices import AreaLevel
from households.models import Area, Household

from analysis.income.models import IncomeSnapshot
from analysis.income.selectors import current_year, income_analysis


def stored(figures: dict[str, object]) -> dict[str, object]:
    """The figures as JSON: counts as integers, money as exact decimal strings ("" when empty)."""
    return {name: ("" if value is None else str(value)) if isinstance(value, Decimal) or value is None else value
            for name, value in figures.items()}


def take_income_snapshot(*, county: str, month: datetime.date | None = None, year: int | None = None) -> int:
    """Write (or overwrite) the snapshot of `month` (default: this month) for the county, each of
    its townships and each of its villages, over the county's current year; returns the rows
    written, 0 for a county without an Area or a current year. Running it twice changes
    nothing but the time taken."""
    area = Area.objects.filter(code=county, level=AreaLevel.COUNTY).first()
    year = year or current_year(county)
    if area is None or year is None:
        return 0
    month = (month or timezone.localdate()).replace(day=1)
    analysis = income_analysis(registry=Household.objects.all(), area=area, year=year)
    townships = analysis.children
    taken_at = timezone.now()
    rows = [IncomeSnapshot(county=county, area=each.area.code, year=year, month=month,
                           figures=stored(each.figures), taken_at=taken_at)
            for each in [analysis.total, *townships, *analysis.villages]]
    with transaction.atomic():
        IncomeSnapshot.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["area", "year", "month"],
            update_fields=["county", "figures", "taken_at"],
        )
    return len(rows)


def take_all_income_snapshots(*, month: datetime.date | None = None) -> dict[str, int]:
    """This month's snapshot of every county (the beat task of the 8th)."""
    counties = Area.objects.filter(level=AreaLevel.COUNTY).values_list("code", flat=True)
    return {county: take_income_snapshot(county=county, month=month) for county in counties}
