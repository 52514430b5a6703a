"""Members, income records and measures carry their household's county (`OfCounty.county`), kept
by every way they are written: a county's batch reads them by that column alone."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from demo.county import build_demo_county
from households import id_numbers
from households.changes import services
from households.changes.models import ChangeKind
from households.choices import Gender, HouseholdType, JoinReason, MeasureType, Relationship
from households.models import AnnualIncome, AssistanceMeasure, Household, Member
from households.workbook.importer import registry_import
from rules.bases import household_base
from rules.services import parameters_for
from tests.builders import make_household, make_income, make_year
from tests.conftest import OTHER_COUNTY_VILLAGE, VILLAGE_A1
from tests.households.workbook.workbooks import sample_rows, write_workbook

pytestmark = pytest.mark.django_db
ROWS = (Member, AnnualIncome, AssistanceMeasure)
BORN = datetime.date(1990, 3, 8)


def counties(model, **filters) -> set[str]:
    return set(model.objects.filter(**filters).values_list("county", flat=True))


def test_rows_saved_one_by_one_take_their_households_county():
    household = make_household(OTHER_COUNTY_VILLAGE, members=2)
    make_income(household, 2025, wage="1000")
    AssistanceMeasure.objects.create(household=household, year=2025, measure_type=MeasureType.INDUSTRY)
    assert [counties(model) for model in ROWS] == [{"340323"}] * 3


def test_approved_change_requests_write_rows_of_the_households_county(world, django_capture_on_commit_callbacks):
    home = world.home
    changes = [
        services.change_submit(user=world.clerk, kind=ChangeKind.MEMBER_ADD, household=home, data={
            "name": "王小宝", "gender": Gender.FEMALE, "birth_date": BORN, "id_number": id_numbers.make("230381", BORN, 2),
            "relationship": Relationship.GRANDDAUGHTER, "join_reason": JoinReason.BIRTH,
            "joined_on": datetime.date(2025, 4, 1)}),
        services.income_change_submit(user=world.clerk, household=home, year=2025, data={"wage": Decimal("24000")}),
        services.change_submit(user=world.clerk, kind=ChangeKind.MEASURE, household=home,
                               data={"year": 2025, "measure_type": MeasureType.INDUSTRY, "content": "发放肉牛 2 头"}),
        services.change_submit(user=world.clerk, kind=ChangeKind.HOUSEHOLD_ADD, village_id=VILLAGE_A1, data={
            "household_type": HouseholdType.ORDINARY, "address": "三组 12 号", "phone": "13900001111", "name": "赵新户",
            "gender": Gender.MALE, "birth_date": BORN, "id_number": id_numbers.make("230381", BORN, 11)}),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for change in changes:
            services.change_request_approve(change=change, reviewer=world.reviewer)
    assert Member.objects.filter(name__in=["王小宝", "赵新户"]).count() == 2
    assert AnnualIncome.objects.filter(household=home).exists() and AssistanceMeasure.objects.exists()
    assert [counties(model, household__village__code__startswith="230381") for model in ROWS] == [{"230381"}] * 3


def test_the_workbook_import_writes_the_county_and_moves_rows_with_a_household_moved_to_another_county(
        tmp_path, world):
    registry_import(path=write_workbook(tmp_path / "a.xlsx"))
    imported = {"household__number__in": ["H0001", "H0002"]}
    assert all(model.objects.filter(**imported).exists() for model in ROWS)
    assert [counties(model, **imported) for model in ROWS] == [{"230381"}] * 3

    rows = sample_rows()
    rows["户信息"][0]["village_code"] = OTHER_COUNTY_VILLAGE  # H0001 moves; H0002 stays
    result = registry_import(path=write_workbook(tmp_path / "b.xlsx", rows))
    assert result.ok, result.errors
    assert Household.objects.get(number="H0001").village_id == OTHER_COUNTY_VILLAGE
    for model in ROWS:
        moved, stayed = counties(model, household__number="H0001"), counties(model, household__number="H0002")
        assert (moved, stayed) == ({"340323"}, {"230381"}), model.__name__


def test_the_demo_writes_the_county_on_every_row():
    build_demo_county(county_code="360732", households=30, seed=3)
    assert [counties(model) for model in ROWS] == [{"360732"}] * 3
    assert all(model.objects.exists() for model in ROWS)


def test_the_migration_fills_the_county_of_existing_rows():
    household = make_household(OTHER_COUNTY_VILLAGE, members=2)
    make_income(household, 2025)
    AssistanceMeasure.objects.create(household=household, year=2025, measure_type=MeasureType.INDUSTRY)
    for model in ROWS:
        model.objects.update(county="")
    migration = importlib.import_module("households.migrations.0013_rows_carry_their_county")
    migration.copy_county(apps, None)
    assert [counties(model) for model in ROWS] == [{"340323"}] * 3


def test_a_countys_household_base_reads_its_rows_by_their_county():
    """The bases select members, incomes and measures by the column: a row whose column named
    another county would not be counted (which is why every write path above keeps it)."""
    make_year(2025)
    household = make_household(VILLAGE_A1, members=3)
    make_income(household, 2025, wage="30000")
    base = household_base(params=parameters_for(2025, county="230381"), area_prefix="230381")
    assert [(row["size"], row["has0"]) for row in base.values("size", "has0")] == [(3, 1)]
    Member.objects.filter(household=household).update(county="340323")
    AnnualIncome.objects.filter(household=household).update(county="340323")
    assert [(row["size"], row["has0"]) for row in base.values("size", "has0")] == [(0, 0)]
