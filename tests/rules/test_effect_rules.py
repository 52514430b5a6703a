"""L01, L03, L04, the measures' effect (帮扶成效)."""

import datetime

import pytest

from households.choices import LabourAbility, MeasureType, MemberStatus, MonitoringType, RiskStatus
from households.models import AssistanceMeasure
from tests.builders import make_household, make_income, make_member

pytestmark = pytest.mark.django_db

MONITORED = {"monitoring_type": MonitoringType.MARGINAL, "included_on": datetime.date(2024, 1, 1)}
UNRESOLVED = {**MONITORED, "risk_status": RiskStatus.UNRESOLVED}
ELIMINATED = {**MONITORED, "risk_status": RiskStatus.ELIMINATED, "eliminated_on": datetime.date(2025, 1, 1)}
REMOVED = {"removed_on": datetime.date(2025, 3, 1)}


def measured(village, kinds, *, year=2025, **fields):
    home = make_household(village, **fields)
    for kind in kinds:
        AssistanceMeasure.objects.create(household=home, year=year, measure_type=kind, content="措施")
    return home


# L01 整户无劳动力监测户已消除风险 ----------------------------------------------

def without_labour(village, abilities, *, status=ELIMINATED, **fields):
    home = make_household(village, members=0, **status, **fields)
    for index, ability in enumerate(abilities):
        make_member(home, relationship="head" if index == 0 else "son", labour_ability=ability)
    return home


def test_l01_fires_when_every_active_member_has_no_labour(village, fails, message):
    both = without_labour(village, [LabourAbility.LOST, LabourAbility.NONE])
    one = without_labour(village, [LabourAbility.NONE])
    assert fails("L01") == {both.number, one.number}
    assert message("L01", both) == ["风险已消除，但 2 名在册成员均为丧失劳动力或无劳动力"]


@pytest.mark.parametrize("ability", [LabourAbility.SKILLED, LabourAbility.ORDINARY, LabourAbility.WEAK, ""])
def test_l01_is_silent_when_one_member_is_otherwise(village, fails, ability):
    without_labour(village, [LabourAbility.LOST, ability])
    assert fails("L01") == set()


def test_l01_reads_only_active_members_and_needs_one(village, fails):
    moved_able = without_labour(village, [LabourAbility.NONE])
    make_member(moved_able, relationship="son", labour_ability=LabourAbility.SKILLED, status=MemberStatus.MOVED_OUT)
    nobody = without_labour(village, [])
    make_member(nobody, labour_ability=LabourAbility.NONE, status=MemberStatus.DECEASED)
    assert fails("L01") == {moved_able.number}


@pytest.mark.parametrize("status", [UNRESOLVED, {}, {"risk_status": RiskStatus.ELIMINATED}])
def test_l01_reads_only_eliminated_households(village, fails, status):
    without_labour(village, [LabourAbility.NONE], status=status)
    without_labour(village, [LabourAbility.NONE], **REMOVED)
    assert fails("L01") == set()


# L03 享受就业帮扶但无工资性收入 ------------------------------------------------

@pytest.mark.parametrize("kind", [MeasureType.EMPLOYMENT, MeasureType.PUBLIC_WELFARE_JOB])
def test_l03_fires_with_no_wage_nor_welfare_income(village, fails, kind):
    zero = measured(village, [kind])
    make_income(zero, 2025, wage="0", public_welfare_income="0", operating_income="9000")
    empty = measured(village, [kind])
    make_income(empty, 2025, transfer_total="3000")  # empty amounts count as 0
    assert fails("L03") == {zero.number, empty.number}


@pytest.mark.parametrize("amounts", [{"wage": "0.01"}, {"public_welfare_income": "0.01"}])
def test_l03_is_silent_with_a_cent_of_either(village, fails, amounts):
    home = measured(village, [MeasureType.EMPLOYMENT])
    make_income(home, 2025, **amounts)
    assert fails("L03") == set()


def test_l03_is_silent_without_an_income_record_of_y(village, fails):
    home = measured(village, [MeasureType.EMPLOYMENT])
    make_income(home, 2024, wage="0")
    assert fails("L03") == set()


def test_l03_needs_the_measure_of_y(village, fails):
    other_year = measured(village, [MeasureType.EMPLOYMENT], year=2024)
    other_kind = measured(village, [k for k in MeasureType.values
                                    if k not in (MeasureType.EMPLOYMENT, MeasureType.PUBLIC_WELFARE_JOB)])
    removed = measured(village, [MeasureType.EMPLOYMENT], **REMOVED)
    for home in (other_year, other_kind, removed):
        make_income(home, 2025, wage="0")
    assert fails("L03") == set()


def test_l03_says_the_measures(village, message):
    home = measured(village, [MeasureType.PUBLIC_WELFARE_JOB])
    make_income(home, 2025)
    assert message("L03", home) == ["2025 年度帮扶措施“公益性岗位”，工资性收入与公益性岗位收入合计为0"]


# L04 享受产业帮扶但无经营性收入 ------------------------------------------------

@pytest.mark.parametrize("kind", [MeasureType.INDUSTRY, MeasureType.COURTYARD])
def test_l04_fires_with_no_operating_income(village, fails, kind):
    zero = measured(village, [kind])
    make_income(zero, 2025, operating_income="0", wage="30000")
    empty = measured(village, [kind])
    make_income(empty, 2025)
    assert fails("L04") == {zero.number, empty.number}


def test_l04_reads_the_income_itself_not_net_of_expenses(village, fails):
    netted_to_zero = measured(village, [MeasureType.INDUSTRY])
    make_income(netted_to_zero, 2025, operating_income="5000", operating_expense="5000")
    expense_only = measured(village, [MeasureType.INDUSTRY])
    make_income(expense_only, 2025, operating_income="0", operating_expense="800")
    assert fails("L04") == {expense_only.number}


def test_l04_is_silent_with_a_cent_of_operating_income(village, fails):
    home = measured(village, [MeasureType.COURTYARD])
    make_income(home, 2025, operating_income="0.01")
    assert fails("L04") == set()


def test_l04_needs_the_measure_of_y_and_the_record_of_y(village, fails):
    other_year = measured(village, [MeasureType.INDUSTRY], year=2024)
    make_income(other_year, 2025)
    other_kind = measured(village, [MeasureType.EMPLOYMENT, MeasureType.HEALTH])
    make_income(other_kind, 2025)
    no_record = measured(village, [MeasureType.INDUSTRY])
    make_income(no_record, 2024)
    assert fails("L04") == set()
