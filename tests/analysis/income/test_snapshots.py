"""Monthly snapshots (idempotent, every area of the county) and the two commands."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from openpyxl import load_workbook

from analysis.income.models import IncomeSnapshot
from analysis.income.selectors import COLUMNS
from analysis.income.services import take_income_snapshot
from analysis.income import tasks
from trail.models import AuditAction, AuditEvent
from tests.analysis.income.fixture import (
    COUNTY, EMPTY_TOWNSHIP, EMPTY_VILLAGE, EXPECTED_EMPTY, EXPECTED_TOWNSHIP, EXPECTED_V1, TOWNSHIP, V1, V2, V3, YEAR,
    build_county,
)

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def stored(expected):
    return {name: ("" if value is None else str(value)) if isinstance(value, Decimal) or value is None else value
            for name, value in expected.items()}


def test_a_snapshot_holds_every_area_of_the_county_and_running_it_twice_changes_nothing():
    build_county()
    assert take_income_snapshot(county=COUNTY, month=datetime.date(2026, 3, 17)) == 7
    first = {row.area: row.figures for row in IncomeSnapshot.objects.all()}
    assert set(first) == {COUNTY, TOWNSHIP, EMPTY_TOWNSHIP, V1, V2, V3, EMPTY_VILLAGE}
    assert first[COUNTY] == stored(EXPECTED_TOWNSHIP)
    assert first[V1] == stored(EXPECTED_V1)
    assert first[EMPTY_TOWNSHIP] == stored(EXPECTED_EMPTY)
    assert take_income_snapshot(county=COUNTY, month=MARCH) == 7
    assert IncomeSnapshot.objects.count() == 7
    assert {row.area: row.figures for row in IncomeSnapshot.objects.all()} == first
    assert set(IncomeSnapshot.objects.values_list("month", "year", "county")) == {(MARCH, YEAR, COUNTY)}


def test_a_new_month_adds_rows_and_a_county_without_a_year_writes_none():
    build_county()
    take_income_snapshot(county=COUNTY, month=MARCH)
    take_income_snapshot(county=COUNTY, month=datetime.date(2026, 4, 1))
    assert IncomeSnapshot.objects.count() == 14
    assert take_income_snapshot(county="999999") == 0


def test_the_command_takes_the_month_given(capsys):
    build_county()
    call_command("snapshot_income_analysis", "--county", COUNTY, "--month", "2026-03")
    assert set(IncomeSnapshot.objects.values_list("month", flat=True)) == {MARCH}


def test_the_beat_task_snapshots_every_county_on_the_8th_at_1():
    build_county()
    assert tasks.take_income_snapshots() == {COUNTY: 7}
    entry = settings.CELERY_BEAT_SCHEDULE["income-analysis-snapshot"]
    assert entry["task"] == "analysis.income.tasks.take_income_snapshots"
    schedule = entry["schedule"]
    assert schedule.day_of_month == {8} and schedule.hour == {1} and schedule.minute == {0}


def test_the_export_command_writes_the_definitions_and_is_logged(tmp_path):
    build_county()
    out = tmp_path / "收入.xlsx"
    call_command("export_income_analysis", str(out), "--county", COUNTY, "--year", str(YEAR), verbosity=0)
    book = load_workbook(out)
    rows = list(book["收入分析"].iter_rows(values_only=True))
    assert list(rows[0]) == ["乡镇代码", "乡镇", *COLUMNS]
    as_read = lambda e: [None if v is None else (float(v) if isinstance(v, Decimal) else v) for v in e.values()]  # noqa: E731
    assert list(rows[1]) == [TOWNSHIP, "甲镇", *as_read(EXPECTED_TOWNSHIP)]
    assert list(rows[2]) == [EMPTY_TOWNSHIP, "乙乡", *as_read(EXPECTED_EMPTY)]
    assert list(rows[3]) == [COUNTY, "合计", *as_read(EXPECTED_TOWNSHIP)]
    villages = list(book["按村"].iter_rows(values_only=True))
    assert list(villages[1]) == [TOWNSHIP, "甲镇", V1, "一村", *as_read(EXPECTED_V1)]
    assert len(villages) == 5
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["kind"] == "income_analysis" and event.detail["county"] == COUNTY


def test_the_export_command_refuses_a_wrong_month_or_county(tmp_path):
    from django.core.management.base import CommandError

    build_county()
    with pytest.raises(CommandError):
        call_command("snapshot_income_analysis", "--month", "2026-13")
    with pytest.raises(CommandError):
        call_command("export_income_analysis", str(tmp_path / "x.xlsx"), "--county", "111111")
