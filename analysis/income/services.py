"""Writes of the income analysis: the monthly snapshots (IncomeSnapshot and the households
behind their counts, IncomeSnapshotHousehold)."""

import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import CharField, DateField, F, IntegerField, Value
from django.utils import timezone

from households.choices import AreaLevel
from households.models import Area, Household

from analysis.income.models import IncomeSnapshot, IncomeSnapshotHousehold
from analysis.income.querysets import figure_flags, population
from analysis.income.selectors import current_year, household_conditions, income_analysis, year_lines


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
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # The figures and the households behind them are two reads: let both see the same data.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        analysis = income_analysis(registry=Household.objects.all(), area=area, year=year)
        taken_at = timezone.now()
        rows = [IncomeSnapshot(county=county, area=each.area.code, year=year, month=month,
                               figures=stored(each.figures), taken_at=taken_at)
                for each in [analysis.total, *analysis.children, *analysis.villages]]
        IncomeSnapshot.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["area", "year", "month"],
            update_fields=["county", "figures", "taken_at"],
        )
        _write_snapshot_households(county=county, year=year, month=month)
    return len(rows)


def _write_snapshot_households(*, county: str, year: int, month: datetime.date) -> None:
    """The county's population with the figures each household counts in, replacing the month's
    rows: one INSERT … SELECT of the population query (Django has no INSERT … SELECT of its own,
    so the ORM's SELECT is wrapped; its columns are the table's, in the order named)."""
    IncomeSnapshotHousehold.objects.filter(county=county, year=year, month=month).delete()
    columns = {
        "county": Value(county, output_field=CharField()),
        "year": Value(year, output_field=IntegerField()),
        "month": Value(month, output_field=DateField()),
        "household_id": F("pk"),
        "village": F("village_id"),
        "figures": figure_flags(household_conditions(year_lines(county, year))),
        "size": F("size"),
        "net_cents": F("net0"),
        "net_cents_last": F("net1"),
    }
    select = (population(registry=Household.objects.all(), prefix=county, year=year, components=False)
              .annotate(**{f"snapshot_{name}": value for name, value in columns.items()})
              .values_list(*(f"snapshot_{name}" for name in columns)).order_by())
    sql, params = select.query.sql_with_params()
    table = connection.ops.quote_name(IncomeSnapshotHousehold._meta.db_table)
    names = ", ".join(connection.ops.quote_name(IncomeSnapshotHousehold._meta.get_field(name).column)
                      for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner takes the month's 100,000 rows for one and the
            # households list for a nested loop over them.
            cursor.execute(f"ANALYZE {table}")


def take_all_income_snapshots(*, month: datetime.date | None = None) -> dict[str, int]:
    """This month's snapshot of every county (the beat task of the 8th)."""
    counties = Area.objects.filter(level=AreaLevel.COUNTY).values_list("code", flat=True)
    return {county: take_income_snapshot(county=county, month=month) for county in counties}
