"""Bulk writers leave their tables analysed, so the first batch after an import is planned on real counts."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from tests.households.workbook.workbooks import write_workbook

pytestmark = pytest.mark.django_db(transaction=True)  # ANALYZE runs once the import has committed

TABLES = ("households_area", "households_household", "households_member", "households_annualincome",
          "households_assistancemeasure")


def last_analyze() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT relname, last_analyze FROM pg_stat_user_tables WHERE relname = ANY(%s)", [list(TABLES)])
        return dict(cursor.fetchall())


def database_now():
    """PostgreSQL's own clock: last_analyze is stamped by it, not by Python's (which a
    TEST_CLOCK run moves)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def reltuples(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's (the helper does nothing on SQLite)")


def test_import_registry_leaves_the_tables_it_wrote_analysed(postgresql, tmp_path):
    started = database_now()
    call_command("import_registry", str(write_workbook(tmp_path / "a.xlsx")), stdout=io.StringIO())
    analysed = last_analyze()
    assert set(analysed) == set(TABLES)
    assert all(at is not None and at >= started for at in analysed.values()), analysed
    assert reltuples("households_member") == 3 and reltuples("households_household") == 2


def test_a_dry_run_analyses_nothing(postgresql, tmp_path):
    started = database_now()
    call_command("import_registry", str(write_workbook(tmp_path / "a.xlsx")), "--dry-run", stdout=io.StringIO())
    assert not any(at is not None and at >= started for at in last_analyze().values())


def test_import_department_leaves_its_records_analysed(postgresql, tmp_path):
    call_command("import_registry", str(write_workbook(tmp_path / "a.xlsx")), stdout=io.StringIO())
    path = tmp_path / "d.csv"
    path.write_text("证件号码,姓名,注销日期\n110105194912310021,无此人,2025-01-01\n", encoding="utf-8")
    call_command("import_department", "公安-死亡注销", str(path), "--year", "2025", stdout=io.StringIO())
    assert reltuples("rules_departmentrecord") == 1


def test_seed_demo_leaves_its_tables_analysed(postgresql):
    started = database_now()
    call_command("seed_demo", households=20, county="340323", stdout=io.StringIO())
    assert all(at is not None and at >= started for at in last_analyze().values())
    assert reltuples("households_household") == 20 and reltuples("rules_departmentrecord") > 0
