"""D01–D10, department comparison (部门比对类): the newest list of a source for Y, matched on ID number."""

import datetime

import pytest
from django.utils import timezone

from households.choices import (
    DisabilityGrade,
    Employment,
    MeasureType,
    MemberStatus,
    MonitoringType,
    RiskStatus,
    StudentStatus,
)
from households.models import AssistanceMeasure
from rules.models import DepartmentSource as Source
from tests.builders import make_household, make_income, make_member
from tests.rules.builders import id_for, make_list, set_parameter

pytestmark = pytest.mark.django_db

REMOVED = {"removed_on": datetime.date(2025, 3, 1)}
_sequence = iter(range(101, 999, 2))


def member(village, name, *, household=None, removed_on=None, **fields):
    """A member with a fresh valid ID number, in a household of its own unless one is given."""
    household = household or make_household(village, members=0, removed_on=removed_on)
    fields.setdefault("id_number", id_for(datetime.date(1980, 5, 17), next(_sequence)))
    return make_member(household, name=name, **fields)


def householder(village, **household_fields):
    """A household of one member, returned with that member."""
    household = make_household(village, members=0, **household_fields)
    return household, member(village, "户主", household=household)


# what every D rule shares: the newest list of its source for Y --------------------

def test_d01_fires_for_a_member_on_the_deaths_list(village, fails):
    listed = member(village, "已注销")
    member(village, "未注销")
    make_list(Source.DEATHS, [listed.id_number])
    assert fails("D01") == {"已注销"}


def test_d01_is_silent_without_a_list(village, fails):
    member(village, "甲")
    assert fails("D01") == set()


def test_d01_is_silent_with_a_list_of_another_year_only(village, fails):
    listed = member(village, "甲")
    make_list(Source.DEATHS, [listed.id_number], year=2024)
    assert fails("D01") == set()


def test_d01_reads_the_list_of_the_year_evaluated(village, fails):
    listed = member(village, "甲")
    make_list(Source.DEATHS, [listed.id_number], year=2024)
    assert (fails("D01", year=2024), fails("D01", year=2025)) == ({"甲"}, set())


def test_d01_is_silent_when_a_newer_list_no_longer_holds_the_id(village, fails):
    listed = member(village, "甲")
    make_list(Source.DEATHS, [listed.id_number])
    make_list(Source.DEATHS, [id_for(datetime.date(1950, 1, 1), 11)])
    assert fails("D01") == set()


def test_d01_fires_when_a_newer_list_adds_the_id(village, fails):
    listed = member(village, "甲")
    make_list(Source.DEATHS, [id_for(datetime.date(1950, 1, 1), 11)])
    make_list(Source.DEATHS, [listed.id_number])
    assert fails("D01") == {"甲"}


def test_d01_reads_the_most_recently_imported_list_not_the_last_one_created(village, fails):
    listed = member(village, "甲")
    now = timezone.now()
    make_list(Source.DEATHS, [listed.id_number], imported_at=now)
    make_list(Source.DEATHS, [], imported_at=now - datetime.timedelta(days=1))
    assert fails("D01") == {"甲"}


def test_d01_reads_only_its_own_source(village, fails):
    listed = member(village, "甲")
    make_list(Source.EMPLOYMENT, [listed.id_number])
    assert fails("D01") == set()


def test_d01_matches_id_numbers_as_exact_strings(village, fails):
    member(village, "甲", id_number="11010519491231002X")
    make_list(Source.DEATHS, ["11010519491231002x", " 11010519491231002X"])
    assert fails("D01") == set()


def test_d01_gives_each_record_with_a_listed_id_a_ticket(village, fails):
    listed = member(village, "甲")
    member(village, "乙", id_number=listed.id_number)
    make_list(Source.DEATHS, [listed.id_number])
    assert fails("D01") == {"甲", "乙"}


def test_d01_ignores_inactive_members_and_removed_households(village, fails):
    dead = member(village, "死者", status=MemberStatus.DECEASED)
    removed = member(village, "核减户成员", removed_on=datetime.date(2025, 1, 1))
    make_list(Source.DEATHS, [dead.id_number, removed.id_number])
    assert fails("D01") == set()


# D02 教育部门在校生登记为非在校 ----------------------------------------------

@pytest.mark.parametrize("status", [StudentStatus.NOT_STUDENT, StudentStatus.DROPOUT])
def test_d02_fires_for_an_enrolled_pupil_registered_out_of_school(village, fails, status):
    listed = member(village, "甲", student_status=status)
    make_list(Source.ENROLMENT, [listed.id_number])
    assert fails("D02") == {"甲"}


@pytest.mark.parametrize("status", [StudentStatus.PRIMARY, StudentStatus.JUNIOR, StudentStatus.HOME_TAUGHT,
                                    StudentStatus.PRESCHOOL, StudentStatus.UNDERGRADUATE])
def test_d02_is_silent_for_an_enrolled_pupil_registered_in_school(village, fails, status):
    listed = member(village, "甲", student_status=status)
    make_list(Source.ENROLMENT, [listed.id_number])
    assert fails("D02") == set()


def test_d02_is_silent_when_not_on_the_newest_list(village, fails):
    listed = member(village, "甲", student_status=StudentStatus.NOT_STUDENT)
    make_list(Source.ENROLMENT, [listed.id_number])
    make_list(Source.ENROLMENT, [])
    make_list(Source.DROPOUTS, [listed.id_number])
    assert fails("D02") == set()


def test_d02_ignores_an_inactive_member_and_a_removed_household(village, fails):
    listed = member(village, "甲", student_status=StudentStatus.NOT_STUDENT, status=MemberStatus.MOVED_OUT)
    removed = member(village, "乙", student_status=StudentStatus.NOT_STUDENT, **REMOVED)
    make_list(Source.ENROLMENT, [listed.id_number, removed.id_number])
    assert fails("D02") == set()


# D03 教育部门辍学人员未如实登记 ----------------------------------------------

@pytest.mark.parametrize("status", [StudentStatus.NOT_STUDENT, StudentStatus.PRIMARY, StudentStatus.JUNIOR])
def test_d03_fires_for_a_listed_dropout_registered_otherwise(village, fails, status):
    listed = member(village, "甲", student_status=status)
    make_list(Source.DROPOUTS, [listed.id_number])
    assert fails("D03") == {"甲"}


@pytest.mark.parametrize("status", [StudentStatus.DROPOUT, StudentStatus.HOME_TAUGHT])
def test_d03_is_silent_for_a_dropout_or_home_taught_pupil(village, fails, status):
    listed = member(village, "甲", student_status=status)
    make_list(Source.DROPOUTS, [listed.id_number])
    assert fails("D03") == set()


def test_d03_is_silent_without_a_list_of_y(village, fails):
    listed = member(village, "甲", student_status=StudentStatus.PRIMARY)
    make_list(Source.DROPOUTS, [listed.id_number], year=2024)
    make_list(Source.ENROLMENT, [listed.id_number])
    assert fails("D03") == set()


def test_d03_ignores_an_inactive_member_and_a_removed_household(village, fails):
    listed = member(village, "甲", student_status=StudentStatus.PRIMARY, status=MemberStatus.DECEASED)
    removed = member(village, "乙", student_status=StudentStatus.PRIMARY, **REMOVED)
    make_list(Source.DROPOUTS, [listed.id_number, removed.id_number])
    assert fails("D03") == set()


# D04 低保特困金疑似漏采 -------------------------------------------------------

def test_d04_fires_for_a_subsistence_recipient_without_subsistence(village, fails):
    household, head = householder(village)
    make_income(household, 2025, transfer_total="3000", extreme_poverty_support="3000")
    make_list(Source.SUBSISTENCE, [head.id_number])
    assert fails("D04") == {household.number}


def test_d04_is_silent_with_a_cent_of_subsistence(village, fails):
    household, head = householder(village)
    make_income(household, 2025, transfer_total="0.01", subsistence="0.01")
    make_list(Source.SUBSISTENCE, [head.id_number])
    assert fails("D04") == set()


def test_d04_fires_for_an_extreme_poverty_recipient_without_that_support(village, fails):
    household, head = householder(village)
    make_income(household, 2025, transfer_total="3000", subsistence="3000")
    make_list(Source.EXTREME_POVERTY, [head.id_number])
    assert fails("D04") == {household.number}


def test_d04_is_silent_with_a_cent_of_extreme_poverty_support(village, fails):
    household, head = householder(village)
    make_income(household, 2025, transfer_total="0.01", extreme_poverty_support="0.01")
    make_list(Source.EXTREME_POVERTY, [head.id_number])
    assert fails("D04") == set()


def test_d04_counts_empty_parts_as_zero(village, fails):
    household, head = householder(village)
    make_income(household, 2025)
    make_list(Source.SUBSISTENCE, [head.id_number])
    assert fails("D04") == {household.number}


def test_d04_reads_any_active_member(village, fails):
    household, _head = householder(village)
    spouse = member(village, "配偶", household=household, relationship="spouse")
    make_income(household, 2025)
    make_list(Source.EXTREME_POVERTY, [spouse.id_number])
    assert fails("D04") == {household.number}


def test_d04_is_silent_without_the_income_of_y(village, fails):
    household, head = householder(village)
    make_income(household, 2024)
    make_list(Source.SUBSISTENCE, [head.id_number])
    assert fails("D04") == set()


def test_d04_is_silent_for_an_unlisted_household(village, fails):
    household, head = householder(village)
    make_income(household, 2025)
    make_list(Source.SUBSISTENCE, [id_for(datetime.date(1950, 1, 1), 11)])
    make_list(Source.SUBSISTENCE, [head.id_number], year=2024)
    assert fails("D04") == set()


def test_d04_ignores_an_inactive_member_and_a_removed_household(village, fails):
    household, _head = householder(village)
    dead = member(village, "死者", household=household, status=MemberStatus.DECEASED)
    make_income(household, 2025)
    removed, removed_head = householder(village, **REMOVED)
    make_income(removed, 2025)
    make_list(Source.SUBSISTENCE, [dead.id_number, removed_head.id_number])
    assert fails("D04") == set()


# D05 持证残疾人残疾等级不符 ---------------------------------------------------

def test_d05_is_silent_when_the_grades_agree(village, fails):
    listed = member(village, "甲", disability_grade=DisabilityGrade.GRADE_2)
    make_list(Source.DISABILITY, [(listed.id_number, {"text_value": DisabilityGrade.GRADE_2})])
    assert fails("D05") == set()


def test_d05_fires_when_the_grades_differ(village, fails):
    listed = member(village, "甲", disability_grade=DisabilityGrade.GRADE_3)
    unrecorded = member(village, "乙", disability_grade=DisabilityGrade.NONE)
    make_list(Source.DISABILITY, [(listed.id_number, {"text_value": DisabilityGrade.GRADE_2}),
                                  (unrecorded.id_number, {"text_value": DisabilityGrade.GRADE_4})])
    assert fails("D05") == {"甲", "乙"}


def test_d05_is_silent_without_a_registered_grade(village, fails):
    listed = member(village, "甲", disability_grade="")
    make_list(Source.DISABILITY, [(listed.id_number, {"text_value": DisabilityGrade.GRADE_2})])
    assert fails("D05") == set()


def test_d05_reads_the_last_row_for_an_id_when_it_agrees(village, fails):
    listed = member(village, "甲", disability_grade=DisabilityGrade.GRADE_2)
    make_list(Source.DISABILITY, [(listed.id_number, {"text_value": DisabilityGrade.GRADE_3}),
                                  (listed.id_number, {"text_value": DisabilityGrade.GRADE_2})])
    assert fails("D05") == set()


def test_d05_reads_the_last_row_for_an_id_when_it_differs(village, fails):
    listed = member(village, "甲", disability_grade=DisabilityGrade.GRADE_2)
    make_list(Source.DISABILITY, [(listed.id_number, {"text_value": DisabilityGrade.GRADE_2}),
                                  (listed.id_number, {"text_value": DisabilityGrade.GRADE_1})])
    assert fails("D05") == {"甲"}


def test_d05_reads_the_newest_list(village, fails):
    listed = member(village, "甲", disability_grade=DisabilityGrade.GRADE_2)
    make_list(Source.DISABILITY, [(listed.id_number, {"text_value": DisabilityGrade.GRADE_1})])
    make_list(Source.DISABILITY, [(listed.id_number, {"text_value": DisabilityGrade.GRADE_2})])
    assert fails("D05") == set()


def test_d05_message_holds_both_grades(village, message):
    listed = member(village, "甲", disability_grade=DisabilityGrade.GRADE_3)
    make_list(Source.DISABILITY, [(listed.id_number, {"text_value": DisabilityGrade.GRADE_1})])
    [text] = message("D05", listed.household)
    assert "一级" in text and "三级" in text


def test_d05_is_silent_for_an_unlisted_member(village, fails):
    member(village, "甲", disability_grade=DisabilityGrade.GRADE_2)
    make_list(Source.DISABILITY, [(id_for(datetime.date(1950, 1, 1), 11), {"text_value": DisabilityGrade.GRADE_1})])
    assert fails("D05") == set()


def test_d05_gives_each_record_with_the_listed_id_a_ticket(village, fails):
    listed = member(village, "甲", disability_grade=DisabilityGrade.GRADE_3)
    member(village, "乙", id_number=listed.id_number, disability_grade=DisabilityGrade.GRADE_4)
    member(village, "丙", id_number=listed.id_number, disability_grade=DisabilityGrade.GRADE_1)
    make_list(Source.DISABILITY, [(listed.id_number, {"text_value": DisabilityGrade.GRADE_1})])
    assert fails("D05") == {"甲", "乙"}


def test_d05_ignores_an_inactive_member_and_a_removed_household(village, fails):
    listed = member(village, "甲", disability_grade=DisabilityGrade.GRADE_3, status=MemberStatus.DECEASED)
    removed = member(village, "乙", disability_grade=DisabilityGrade.GRADE_3, **REMOVED)
    make_list(Source.DISABILITY, [(listed.id_number, {"text_value": DisabilityGrade.GRADE_1}),
                                  (removed.id_number, {"text_value": DisabilityGrade.GRADE_1})])
    assert fails("D05") == set()


# D06 大额医疗支出疑似风险户 ---------------------------------------------------

def test_d06_fires_at_exactly_the_large_expense(village, fails):
    household, head = householder(village)
    make_list(Source.LARGE_MEDICAL, [(head.id_number, {"amount": "20000"})])
    assert fails("D06") == {household.number}


def test_d06_is_silent_a_cent_below(village, fails):
    _household, head = householder(village)
    make_list(Source.LARGE_MEDICAL, [(head.id_number, {"amount": "19999.99"})])
    assert fails("D06") == set()


def test_d06_does_not_sum_rows(village, fails):
    _household, head = householder(village)
    make_list(Source.LARGE_MEDICAL, [(head.id_number, {"amount": "15000"}), (head.id_number, {"amount": "15000"})])
    assert fails("D06") == set()


def test_d06_fires_when_any_single_row_reaches_the_threshold(village, fails):
    household, head = householder(village)
    make_list(Source.LARGE_MEDICAL, [(head.id_number, {"amount": "25000"}), (head.id_number, {"amount": "100"})])
    assert fails("D06") == {household.number}


def test_d06_does_not_sum_members_either(village, fails):
    household, head = householder(village)
    spouse = member(village, "配偶", household=household, relationship="spouse")
    make_list(Source.LARGE_MEDICAL, [(head.id_number, {"amount": "10000"}), (spouse.id_number, {"amount": "10000"})])
    assert fails("D06") == set()


def test_d06_is_silent_without_an_amount(village, fails):
    _household, head = householder(village)
    make_list(Source.LARGE_MEDICAL, [head.id_number])
    assert fails("D06") == set()


def test_d06_is_silent_for_an_unresolved_household(village, fails):
    _household, head = householder(village, monitoring_type=MonitoringType.MARGINAL,
                                  risk_status=RiskStatus.UNRESOLVED)
    make_list(Source.LARGE_MEDICAL, [(head.id_number, {"amount": "50000"})])
    assert fails("D06") == set()


def test_d06_fires_for_an_eliminated_household(village, fails):
    household, head = householder(village, monitoring_type=MonitoringType.MARGINAL,
                                  risk_status=RiskStatus.ELIMINATED)
    make_list(Source.LARGE_MEDICAL, [(head.id_number, {"amount": "50000"})])
    assert fails("D06") == {household.number}


def test_d06_reads_large_medical_expense(village, fails):
    set_parameter("large_medical_expense", "30000")
    _household, head = householder(village)
    other, other_head = householder(village)
    make_list(Source.LARGE_MEDICAL, [(head.id_number, {"amount": "29999.99"}),
                                     (other_head.id_number, {"amount": "30000"})])
    assert fails("D06") == {other.number}


def test_d06_reads_the_newest_list_of_y(village, fails):
    _household, head = householder(village)
    make_list(Source.LARGE_MEDICAL, [(head.id_number, {"amount": "50000"})])
    make_list(Source.LARGE_MEDICAL, [(head.id_number, {"amount": "100"})])
    make_list(Source.LARGE_MEDICAL, [(head.id_number, {"amount": "50000"})], year=2024)
    assert fails("D06") == set()


def test_d06_ignores_an_inactive_member_and_a_removed_household(village, fails):
    household, _head = householder(village)
    dead = member(village, "死者", household=household, status=MemberStatus.DECEASED)
    _removed, removed_head = householder(village, **REMOVED)
    make_list(Source.LARGE_MEDICAL, [(dead.id_number, {"amount": "50000"}),
                                     (removed_head.id_number, {"amount": "50000"})])
    assert fails("D06") == set()


# D07 危房户住房安全登记有误 ---------------------------------------------------

def test_d07_fires_when_a_listed_household_says_its_housing_is_safe(village, fails):
    household, head = householder(village, housing_safe=True)
    make_list(Source.UNSAFE_HOUSING, [(head.id_number, {"text_value": "C级"})])
    assert fails("D07") == {household.number}


@pytest.mark.parametrize("safe", [False, None])
def test_d07_is_silent_unless_housing_is_registered_safe(village, fails, safe):
    _household, head = householder(village, housing_safe=safe)
    make_list(Source.UNSAFE_HOUSING, [head.id_number])
    assert fails("D07") == set()


def test_d07_is_silent_without_a_list_of_y(village, fails):
    _household, head = householder(village, housing_safe=True)
    make_list(Source.UNSAFE_HOUSING, [head.id_number], year=2024)
    assert fails("D07") == set()


def test_d07_ignores_an_inactive_member_and_a_removed_household(village, fails):
    household, _head = householder(village, housing_safe=True)
    moved = member(village, "迁出", household=household, status=MemberStatus.MOVED_OUT)
    _removed, removed_head = householder(village, housing_safe=True, **REMOVED)
    make_list(Source.UNSAFE_HOUSING, [moved.id_number, removed_head.id_number])
    assert fails("D07") == set()


# D08 人社部门就业人员登记为未务工 ---------------------------------------------

def test_d08_fires_for_a_listed_worker_registered_as_not_working(village, fails):
    listed = member(village, "甲", employment=Employment.NONE)
    make_list(Source.EMPLOYMENT, [(listed.id_number, {"months": 6})])
    assert fails("D08") == {"甲"}


@pytest.mark.parametrize("employment", [Employment.IN_TOWNSHIP, Employment.OUT_OF_PROVINCE])
def test_d08_is_silent_for_a_listed_worker_registered_as_working(village, fails, employment):
    listed = member(village, "甲", employment=employment, months_worked=6)
    make_list(Source.EMPLOYMENT, [(listed.id_number, {"months": 6})])
    assert fails("D08") == set()


def test_d08_is_silent_when_the_newest_list_drops_the_id(village, fails):
    listed = member(village, "甲", employment=Employment.NONE)
    make_list(Source.EMPLOYMENT, [listed.id_number])
    make_list(Source.EMPLOYMENT, [id_for(datetime.date(1950, 1, 1), 11)])
    assert fails("D08") == set()


def test_d08_ignores_an_inactive_member_and_a_removed_household(village, fails):
    listed = member(village, "甲", employment=Employment.NONE, status=MemberStatus.DECEASED)
    removed = member(village, "乙", employment=Employment.NONE, **REMOVED)
    make_list(Source.EMPLOYMENT, [listed.id_number, removed.id_number])
    assert fails("D08") == set()


# one ID on several lists, or twice on one: the lists are joined to the members once -------

def test_a_member_on_two_lists_fails_the_rule_of_each(village, fails):
    listed = member(village, "甲", employment=Employment.NONE)
    make_list(Source.DEATHS, [listed.id_number])
    make_list(Source.EMPLOYMENT, [listed.id_number])
    assert fails("D01") == {"甲"}
    assert fails("D08") == {"甲"}


def test_an_id_twice_on_a_list_is_one_finding(village):
    from rules import registry
    from rules.engine import evaluate
    from rules.parameters import parameters_for

    listed = member(village, "甲")
    make_list(Source.DEATHS, [listed.id_number, listed.id_number])
    findings = evaluate(rules=[registry.get("D01")], params=parameters_for(2025, county="230381"), area_prefix=village.code[:6])
    assert [finding.member_id for finding in findings] == [listed.pk]


def test_d04_reads_both_welfare_lists_of_one_member(village, fails):
    household, head = householder(village)
    make_income(household, 2025, transfer_total="3000", subsistence="3000")
    make_list(Source.SUBSISTENCE, [head.id_number])
    make_list(Source.EXTREME_POVERTY, [head.id_number])
    assert fails("D04") == {household.number}


# D09 特困供养人员登记外出务工 ---------------------------------------------------

AWAY = [Employment.IN_COUNTY, Employment.IN_PROVINCE, Employment.OUT_OF_PROVINCE]


@pytest.mark.parametrize("employment", AWAY)
def test_d09_fires_for_a_listed_member_working_outside_the_township(village, fails, employment):
    listed = member(village, "外出", employment=employment, months_worked=6)
    member(village, "未列入", employment=employment, months_worked=6)
    make_list(Source.EXTREME_POVERTY, [listed.id_number])
    assert fails("D09") == {"外出"}


@pytest.mark.parametrize("employment", [Employment.NONE, Employment.IN_TOWNSHIP, ""])
def test_d09_is_silent_for_a_listed_member_not_working_away(village, fails, employment):
    listed = member(village, "乡内", employment=employment)
    make_list(Source.EXTREME_POVERTY, [listed.id_number])
    assert fails("D09") == set()


def test_d09_reads_only_the_newest_extreme_poverty_list_of_y(village, fails):
    subsistence = member(village, "低保", employment=Employment.OUT_OF_PROVINCE, months_worked=6)
    last_year = member(village, "去年", employment=Employment.OUT_OF_PROVINCE, months_worked=6)
    dropped = member(village, "已移出", employment=Employment.OUT_OF_PROVINCE, months_worked=6)
    make_list(Source.SUBSISTENCE, [subsistence.id_number])
    make_list(Source.EXTREME_POVERTY, [last_year.id_number], year=2024)
    make_list(Source.EXTREME_POVERTY, [dropped.id_number])
    make_list(Source.EXTREME_POVERTY, [id_for(datetime.date(1950, 1, 1), 11)])
    assert fails("D09") == set()


def test_d09_ignores_an_inactive_member_and_a_removed_household(village, fails):
    dead = member(village, "死者", employment=Employment.OUT_OF_PROVINCE, months_worked=6,
                  status=MemberStatus.DECEASED)
    removed = member(village, "已核减", employment=Employment.OUT_OF_PROVINCE, months_worked=6, **REMOVED)
    make_list(Source.EXTREME_POVERTY, [dead.id_number, removed.id_number])
    assert fails("D09") == set()


# D10 享受低保特困但未登记兜底保障 -----------------------------------------------

MONITORED_AS = {
    "unresolved": {"monitoring_type": MonitoringType.MARGINAL, "risk_status": RiskStatus.UNRESOLVED,
                   "included_on": datetime.date(2024, 6, 1)},
    "eliminated": {"monitoring_type": MonitoringType.MARGINAL, "risk_status": RiskStatus.ELIMINATED,
                   "included_on": datetime.date(2024, 6, 1), "eliminated_on": datetime.date(2025, 1, 1)},
}


def with_measures(household, kinds, year=2025):
    for kind in kinds:
        AssistanceMeasure.objects.create(household=household, year=year, measure_type=kind, content="措施")


@pytest.mark.parametrize("status", MONITORED_AS)
@pytest.mark.parametrize("source", [Source.SUBSISTENCE, Source.EXTREME_POVERTY])
def test_d10_fires_for_a_listed_monitored_household_without_the_safety_net(village, fails, status, source):
    household, head = householder(village, **MONITORED_AS[status])
    with_measures(household, [MeasureType.HEALTH])
    with_measures(household, [MeasureType.SAFETY_NET], year=2024)
    make_list(source, [head.id_number])
    assert fails("D10") == {household.number}


def test_d10_fires_with_one_list_only_present(village, fails, message):
    household, head = householder(village, **MONITORED_AS["unresolved"])
    make_list(Source.EXTREME_POVERTY, [head.id_number])
    assert fails("D10") == {household.number}
    assert message("D10", household) == ["有在册成员在民政特困名单中，2025 年度帮扶措施“无”中无兜底保障"]


def test_d10_is_silent_with_the_safety_net_of_y(village, fails):
    household, head = householder(village, **MONITORED_AS["unresolved"])
    with_measures(household, [MeasureType.SAFETY_NET])
    make_list(Source.SUBSISTENCE, [head.id_number])
    assert fails("D10") == set()


def test_d10_reads_only_monitored_households(village, fails):
    household, head = householder(village)
    make_list(Source.SUBSISTENCE, [head.id_number])
    assert fails("D10") == set()


def test_d10_reads_any_active_member_of_an_active_household(village, fails):
    household, _head = householder(village, **MONITORED_AS["eliminated"])
    spouse = member(village, "配偶", household=household, relationship="spouse")
    quiet, _ = householder(village, **MONITORED_AS["eliminated"])
    dead = member(village, "死者", household=quiet, status=MemberStatus.DECEASED)
    removed, removed_head = householder(village, **MONITORED_AS["unresolved"], **REMOVED)
    make_list(Source.SUBSISTENCE, [spouse.id_number, dead.id_number, removed_head.id_number])
    assert fails("D10") == {household.number}


def test_d10_is_silent_without_either_list_of_y(village, fails):
    household, head = householder(village, **MONITORED_AS["unresolved"])
    make_list(Source.SUBSISTENCE, [head.id_number], year=2024)
    make_list(Source.EXTREME_POVERTY, [head.id_number], year=2024)
    assert fails("D10") == set()
