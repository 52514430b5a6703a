"""K01–K07, risk types against the household's facts (风险类型与家庭情况).

Each K rule reads unresolved monitored households only; "no active member has …" holds for a
household without active members too.
"""

import datetime

import pytest

from households.choices import (
    DisabilityGrade, Health, LabourAbility, MemberStatus, MonitoringType, RiskStatus, RiskType, StudentStatus,
)
from tests.builders import make_household, make_member

pytestmark = pytest.mark.django_db

MONITORED = {"monitoring_type": MonitoringType.MARGINAL, "included_on": datetime.date(2024, 6, 1)}
UNRESOLVED = {**MONITORED, "risk_status": RiskStatus.UNRESOLVED}
ELIMINATED = {**MONITORED, "risk_status": RiskStatus.ELIMINATED, "eliminated_on": datetime.date(2025, 1, 1)}
REMOVED = {"removed_on": datetime.date(2025, 3, 1)}
NOT_UNRESOLVED = [
    ELIMINATED,
    {},  # not monitored
    {"risk_status": RiskStatus.UNRESOLVED},  # a risk status without a monitoring type: not monitored
    {**MONITORED, "risk_status": ""},
]


def household(village, risks, *, status=UNRESOLVED, members=(), **fields):
    """A household with the given risk types and members (each a dict of member fields)."""
    home = make_household(village, members=0, risk_types=list(risks), **{**status, **fields})
    for index, member_fields in enumerate(members):
        make_member(home, **{"relationship": "head" if index == 0 else "son", **member_fields})
    return home


# K01 风险类型为因残但家中无残疾人 ----------------------------------------------

def test_k01_fires_without_a_disabled_member(village, fails, message):
    plain = household(village, [RiskType.DISABILITY, RiskType.ILLNESS],
                      members=[{"disability_grade": DisabilityGrade.NONE}, {"disability_grade": ""}])
    empty = household(village, [RiskType.DISABILITY])
    inactive = household(village, [RiskType.DISABILITY],
                         members=[{"disability_grade": DisabilityGrade.GRADE_1, "status": MemberStatus.DECEASED}])
    assert fails("K01") == {plain.number, empty.number, inactive.number}
    assert message("K01", plain) == ["风险类型“因残、因病”，但在册成员中无一至四级残疾人"]  # in the household’s own order


@pytest.mark.parametrize("grade", [DisabilityGrade.GRADE_1, DisabilityGrade.GRADE_2, DisabilityGrade.GRADE_3,
                                   DisabilityGrade.GRADE_4])
def test_k01_is_silent_with_a_disabled_member(village, fails, grade):
    household(village, [RiskType.DISABILITY], members=[{}, {"disability_grade": grade}])
    assert fails("K01") == set()


@pytest.mark.parametrize("status", NOT_UNRESOLVED)
def test_k01_reads_only_unresolved_households(village, fails, status):
    household(village, [RiskType.DISABILITY], status=status, members=[{}])
    assert fails("K01") == set()


def test_k01_needs_the_risk_type(village, fails):
    household(village, [RiskType.ILLNESS, RiskType.OTHER], members=[{}])
    household(village, [], members=[{}])
    household(village, [RiskType.DISABILITY], members=[{}], **REMOVED)
    assert fails("K01") == set()


# K02 风险类型为因病但家中无患病人员 --------------------------------------------

def test_k02_fires_without_an_ill_member(village, fails):
    plain = household(village, [RiskType.ILLNESS], members=[{"health": Health.HEALTHY}, {"health": ""}])
    empty = household(village, [RiskType.ILLNESS])
    assert fails("K02") == {plain.number, empty.number}


@pytest.mark.parametrize("health", [Health.CHRONIC, Health.MAJOR_ILLNESS])
def test_k02_is_silent_with_an_ill_member(village, fails, health):
    household(village, [RiskType.ILLNESS], members=[{}, {"health": health}])
    assert fails("K02") == set()


def test_k02_reads_only_active_members_and_unresolved_households(village, fails):
    moved = household(village, [RiskType.ILLNESS],
                      members=[{}, {"health": Health.MAJOR_ILLNESS, "status": MemberStatus.MOVED_OUT}])
    household(village, [RiskType.ILLNESS], status=ELIMINATED, members=[{}])
    household(village, [RiskType.DISABILITY], members=[{}])
    assert fails("K02") == {moved.number}


# K03 风险类型为因学但家中无在校生 ----------------------------------------------

STUDYING = [StudentStatus.PRESCHOOL, StudentStatus.PRIMARY, StudentStatus.JUNIOR, StudentStatus.SENIOR,
            StudentStatus.VOCATIONAL, StudentStatus.HIGHER_VOCATIONAL, StudentStatus.UNDERGRADUATE,
            StudentStatus.HOME_TAUGHT]


@pytest.mark.parametrize("status", [StudentStatus.NOT_STUDENT, StudentStatus.DROPOUT, ""])
def test_k03_fires_without_a_student(village, fails, status):
    home = household(village, [RiskType.SCHOOLING], members=[{}, {"student_status": status}])
    assert fails("K03") == {home.number}


@pytest.mark.parametrize("status", STUDYING)
def test_k03_is_silent_with_a_student(village, fails, status):
    household(village, [RiskType.SCHOOLING], members=[{}, {"student_status": status}])
    assert fails("K03") == set()


def test_k03_fires_for_a_household_without_active_members_and_not_when_eliminated(village, fails):
    empty = household(village, [RiskType.SCHOOLING])
    household(village, [RiskType.SCHOOLING], status=ELIMINATED)
    assert fails("K03") == {empty.number}


# K04 风险类型为缺劳动力但劳动力充足 --------------------------------------------

def members_with_labour(able: int, others: int, able_kind=LabourAbility.ORDINARY) -> list[dict]:
    return [{"labour_ability": able_kind}] * able + [{"labour_ability": LabourAbility.WEAK}] * others


def test_k04_fires_when_more_than_a_quarter_are_able(village, fails, message):
    one_of_three = household(village, [RiskType.NO_LABOUR], members=members_with_labour(1, 2))
    two_of_five = household(village, [RiskType.NO_LABOUR], members=members_with_labour(2, 3, LabourAbility.SKILLED))
    assert fails("K04") == {one_of_three.number, two_of_five.number}
    assert message("K04", one_of_three) == ["风险类型“缺劳动力”，但 3 名在册成员中有 1 名技能或普通劳动力"]


def test_k04_is_silent_at_exactly_a_quarter(village, fails):
    household(village, [RiskType.NO_LABOUR], members=members_with_labour(1, 3))
    household(village, [RiskType.NO_LABOUR], members=members_with_labour(2, 6, LabourAbility.SKILLED))
    assert fails("K04") == set()


def test_k04_counts_only_skilled_and_ordinary_active_members(village, fails):
    household(village, [RiskType.NO_LABOUR], members=[
        {"labour_ability": LabourAbility.WEAK}, {"labour_ability": LabourAbility.LOST}, {"labour_ability": ""}])
    # two able of five counted, but one of them moved out: 1 of 4 active
    household(village, [RiskType.NO_LABOUR], members=[
        *members_with_labour(1, 3), {"labour_ability": LabourAbility.ORDINARY, "status": MemberStatus.MOVED_OUT}])
    household(village, [RiskType.NO_LABOUR])  # 4 × 0 > 0 does not hold
    assert fails("K04") == set()


def test_k04_reads_only_unresolved_households_with_the_risk_type(village, fails):
    household(village, [RiskType.NO_LABOUR], status=ELIMINATED, members=members_with_labour(2, 0))
    household(village, [RiskType.UNSTABLE_WORK], members=members_with_labour(2, 0))
    assert fails("K04") == set()


# K05 风险类型为因务工就业不稳但无劳动力 ----------------------------------------

@pytest.mark.parametrize("abilities", [[LabourAbility.LOST, LabourAbility.NONE], [""], []])
def test_k05_fires_without_any_labour(village, fails, abilities):
    home = household(village, [RiskType.UNSTABLE_WORK], members=[{"labour_ability": a} for a in abilities])
    assert fails("K05") == {home.number}


@pytest.mark.parametrize("ability", [LabourAbility.SKILLED, LabourAbility.ORDINARY, LabourAbility.WEAK])
def test_k05_is_silent_with_some_labour(village, fails, ability):
    household(village, [RiskType.UNSTABLE_WORK], members=[{"labour_ability": LabourAbility.NONE},
                                                          {"labour_ability": ability}])
    assert fails("K05") == set()


def test_k05_reads_only_unresolved_households_with_the_risk_type(village, fails):
    household(village, [RiskType.UNSTABLE_WORK], status=ELIMINATED, members=[{"labour_ability": LabourAbility.NONE}])
    household(village, [RiskType.NO_LABOUR], members=[{"labour_ability": LabourAbility.NONE}])
    assert fails("K05") == set()


# K06 住房不安全但未标注住房安全风险 --------------------------------------------

def test_k06_fires_for_unsafe_housing_without_the_housing_risk(village, fails, message):
    home = household(village, [RiskType.ILLNESS, RiskType.DRINKING_WATER], members=[{}], housing_safe=False)
    bare = household(village, [], members=[{}], housing_safe=False)
    assert fails("K06") == {home.number, bare.number}
    assert message("K06", bare) == ["住房安全无保障，风险类型“无”未含住房安全问题"]


def test_k06_is_silent_with_the_housing_risk_or_safe_housing(village, fails):
    household(village, [RiskType.HOUSING], members=[{}], housing_safe=False)
    household(village, [RiskType.ILLNESS], members=[{}], housing_safe=True)
    household(village, [RiskType.ILLNESS], members=[{}], housing_safe=None)
    assert fails("K06") == set()


@pytest.mark.parametrize("status", NOT_UNRESOLVED)
def test_k06_reads_only_unresolved_households(village, fails, status):
    household(village, [RiskType.ILLNESS], status=status, members=[{}], housing_safe=False)
    assert fails("K06") == set()


# K07 饮水不安全但未标注饮水安全风险 --------------------------------------------

def test_k07_fires_for_unsafe_water_without_the_water_risk(village, fails):
    home = household(village, [RiskType.HOUSING], members=[{}], water_safe=False)
    assert fails("K07") == {home.number}


def test_k07_is_silent_with_the_water_risk_or_safe_water(village, fails):
    household(village, [RiskType.DRINKING_WATER, RiskType.OTHER], members=[{}], water_safe=False)
    household(village, [RiskType.ILLNESS], members=[{}], water_safe=True)
    household(village, [RiskType.ILLNESS], members=[{}], water_safe=None)
    household(village, [RiskType.ILLNESS], status=ELIMINATED, members=[{}], water_safe=False)
    household(village, [RiskType.ILLNESS], members=[{}], water_safe=False, **REMOVED)
    assert fails("K07") == set()
