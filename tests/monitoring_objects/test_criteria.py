"""风险消除 criteria, one by one at their edges (the issue's list), computed in SQL."""

import datetime
from decimal import Decimal

import pytest

from households.choices import LabourAbility, MedicalInsurance, MemberStatus, StudentStatus
from households.models import AssistanceMeasure, Member
from monitoring_objects.criteria import criteria_of
from tests.builders import make_income, make_member, make_year

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 11, 20)
YEAR = 2025  # lines: 2023 6900, 2024 7300, 2025 7600 (county 230381)


@pytest.fixture
def household(world):
    make_year(2024, "7300", current=False)
    make_year(2023, "6900", current=False)
    home = world.home  # three active members, ordinary labour, insured, housing and water safe
    home.included_on = datetime.date(2025, 5, 20)
    home.monitoring_type, home.risk_status = "marginal", "unresolved"
    home.save()
    make_income(home, 2025, wage=Decimal("22800.03"))  # 7600.01 per head
    make_income(home, 2024, wage=Decimal("21900.00"))  # exactly the 2024 line
    make_income(home, 2023, wage=Decimal("20700.00"))  # exactly the 2023 line
    AssistanceMeasure.objects.create(household=home, year=2025, measure_type="employment", content="公益岗")
    return home


def results(household, months=6):
    return {c.key: c.passed for c in criteria_of(household, year=YEAR, today=TODAY, months=months)}


def test_a_household_meeting_every_criterion_passes_them_all(household):
    assert all(results(household).values())


def test_income_must_be_above_the_line_not_equal_to_it(household):
    household.incomes.filter(year=2025).update(wage=Decimal("22800.00"))  # 7600.00 per head
    assert results(household)["income_above_line"] is False


def test_income_below_the_line_in_either_of_the_two_previous_recorded_years_fails_stability(household):
    household.incomes.filter(year=2023).update(wage=Decimal("20699.99"))
    assert results(household)["income_stable"] is False


def test_stability_reads_the_last_two_recorded_years_not_older_ones(household):
    make_income(household, 2021, wage=Decimal("0"))
    assert results(household)["income_stable"] is True


def test_fewer_than_two_previous_recorded_years_fail_stability(household):
    household.incomes.filter(year=2023).delete()
    assert results(household)["income_stable"] is False


@pytest.mark.parametrize("field", ["housing_safe", "water_safe"])
def test_housing_and_water_must_be_safe(household, field):
    setattr(household, field, False)
    household.save()
    assert results(household)[field] is False


@pytest.mark.parametrize(("born", "status", "passes"), [
    (datetime.date(2012, 5, 1), StudentStatus.NOT_STUDENT, False),   # 13 on 30 Sep 2025
    (datetime.date(2018, 9, 30), StudentStatus.NOT_STUDENT, False),  # 7: compulsory school age
    (datetime.date(2018, 10, 1), StudentStatus.PRESCHOOL, True),     # 6: not yet
    (datetime.date(2009, 10, 1), StudentStatus.NOT_STUDENT, False),  # 15
    (datetime.date(2009, 9, 30), StudentStatus.NOT_STUDENT, True),   # 16: past it
    (datetime.date(2009, 9, 30), StudentStatus.DROPOUT, False),      # 16, dropped out (A03)
    (datetime.date(2008, 9, 30), StudentStatus.DROPOUT, True),       # 17
    (datetime.date(2012, 5, 1), StudentStatus.JUNIOR, True),
])
def test_no_member_of_compulsory_school_age_out_of_school(household, born, status, passes):
    make_member(household, born=born, student_status=status, relationship="son")
    assert results(household)["schooling"] is passes


def test_a_member_out_of_school_who_left_the_household_does_not_count(household):
    make_member(household, born=datetime.date(2012, 5, 1), student_status=StudentStatus.NOT_STUDENT,
                relationship="son", status=MemberStatus.MOVED_OUT)
    assert results(household)["schooling"] is True


@pytest.mark.parametrize(("insurance", "passes"), [
    (MedicalInsurance.NONE, False), ("", False), (MedicalInsurance.EMPLOYEE, True),
])
def test_every_member_has_basic_medical_insurance(household, insurance, passes):
    make_member(household, medical_insurance=insurance, relationship="spouse")
    assert results(household)["medical_insurance"] is passes


def test_six_months_since_inclusion_to_the_day(household):
    household.included_on = datetime.date(2025, 5, 20)  # six months before 20 Nov
    household.save()
    assert results(household)["months_monitored"] is True
    household.included_on = datetime.date(2025, 5, 21)
    household.save()
    assert results(household)["months_monitored"] is False
    assert results(household, months=5)["months_monitored"] is True


def test_at_least_one_measure(household):
    household.measures.all().delete()
    assert results(household)["has_measure"] is False


def test_a_household_in_which_nobody_can_work_stays_monitored(household):
    household.members.update(labour_ability=LabourAbility.LOST)
    make_member(household, labour_ability=LabourAbility.NONE, relationship="father")
    assert results(household)["has_labour"] is False
    make_member(household, labour_ability=LabourAbility.WEAK, relationship="mother")
    assert results(household)["has_labour"] is True


def test_the_criteria_show_their_values(household):
    shown = {c.key: c.value for c in criteria_of(household, year=YEAR, today=TODAY, months=6)}
    assert "7600.01" in shown["income_above_line"]
    assert "2024年" in shown["income_stable"] and "2023年" in shown["income_stable"]
    assert "1 项" == shown["has_measure"]


def test_one_query_for_every_criterion(household, django_assert_num_queries):
    with django_assert_num_queries(1):
        criteria_of(household, year=YEAR, today=TODAY, months=6)


def test_the_criteria_hold_on_members_with_every_labour_value(household):
    Member.objects.filter(household=household).update(labour_ability=LabourAbility.SKILLED)
    assert results(household)["has_labour"] is True
