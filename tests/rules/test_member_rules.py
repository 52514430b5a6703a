"""M01–M12, members (家庭成员类): one ticket per member record, ages on 30 September 2025."""

import datetime

import pytest

from households.choices import (
    DisabilityGrade, Education, Employment, Health, LabourAbility, MemberStatus, StudentStatus,
)
from tests.builders import make_household, make_member
from tests.rules.builders import aged, turning_next_day

pytestmark = pytest.mark.django_db

REMOVED_ON = datetime.date(2025, 3, 1)

STUDYING = [StudentStatus.PRIMARY, StudentStatus.JUNIOR, StudentStatus.SENIOR, StudentStatus.VOCATIONAL,
            StudentStatus.HIGHER_VOCATIONAL, StudentStatus.UNDERGRADUATE]
WORKING = [Employment.IN_TOWNSHIP, Employment.IN_COUNTY, Employment.IN_PROVINCE, Employment.OUT_OF_PROVINCE]


def member(village, name, **fields):
    """One member in a household of its own; defaults: an adult, not a student, ordinary labour, not working."""
    household = make_household(village, members=0, removed_on=fields.pop("removed_on", None))
    return make_member(household, name=name, **fields)


def no_birth_date(village, name, **fields):
    return member(village, name, birth_date=None, **fields)


# M01 义务教育适龄儿童未在校 ---------------------------------------------------

@pytest.mark.parametrize("status", [StudentStatus.NOT_STUDENT, StudentStatus.PRESCHOOL])
def test_m01_fires_at_exactly_7_and_at_15(village, fails, status):
    member(village, "七岁", born=aged(7), student_status=status)
    member(village, "十五岁", born=turning_next_day(16), student_status=status)
    assert fails("M01") == {"七岁", "十五岁"}


@pytest.mark.parametrize("status", [StudentStatus.NOT_STUDENT, StudentStatus.PRESCHOOL])
def test_m01_is_silent_at_6_and_at_16(village, fails, status):
    member(village, "六岁", born=turning_next_day(7), student_status=status)
    member(village, "十六岁", born=aged(16), student_status=status)
    assert fails("M01") == set()


@pytest.mark.parametrize("status", [StudentStatus.PRIMARY, StudentStatus.JUNIOR, StudentStatus.DROPOUT,
                                    StudentStatus.HOME_TAUGHT])
def test_m01_is_silent_for_other_student_statuses(village, fails, status):
    member(village, "十岁", born=aged(10), student_status=status)
    assert fails("M01") == set()


def test_m01_is_silent_without_a_birth_date(village, fails):
    no_birth_date(village, "无生日", born=aged(10), student_status=StudentStatus.NOT_STUDENT)
    assert fails("M01") == set()


def test_m01_ignores_inactive_members_and_removed_households(village, fails):
    member(village, "死者", born=aged(10), student_status=StudentStatus.NOT_STUDENT, status=MemberStatus.DECEASED)
    member(village, "迁出", born=aged(10), student_status=StudentStatus.NOT_STUDENT, status=MemberStatus.MOVED_OUT)
    member(village, "核减", born=aged(10), student_status=StudentStatus.NOT_STUDENT,
           removed_on=REMOVED_ON)
    assert fails("M01") == set()


def test_m01_gives_each_failing_member_of_a_household_a_ticket(village, fails):
    household = make_household(village, members=1)
    make_member(household, name="老大", born=aged(9), student_status=StudentStatus.NOT_STUDENT)
    make_member(household, name="老二", born=aged(8), student_status=StudentStatus.NOT_STUDENT)
    assert fails("M01") == {"老大", "老二"}


def test_m01_takes_ages_on_the_reference_date_of_the_year_evaluated(village, fails):
    member(village, "甲", born=datetime.date(2017, 10, 1), student_status=StudentStatus.NOT_STUDENT)
    assert (fails("M01", year=2025), fails("M01", year=2024)) == ({"甲"}, set())  # 7 in 2025, 6 in 2024


# M02 在校生状况与年龄不符 -----------------------------------------------------

M02_INTERVALS = [
    (StudentStatus.PRESCHOOL, 2, 7),
    (StudentStatus.PRIMARY, 5, 15),
    (StudentStatus.JUNIOR, 10, 18),
    (StudentStatus.SENIOR, 13, 22),
    (StudentStatus.VOCATIONAL, 13, 22),
    (StudentStatus.HIGHER_VOCATIONAL, 15, 35),
    (StudentStatus.UNDERGRADUATE, 15, 35),
]


@pytest.mark.parametrize("status, low, high", M02_INTERVALS)
def test_m02_is_silent_at_both_ends_of_the_interval(village, fails, status, low, high):
    member(village, "下限", born=aged(low), student_status=status)
    member(village, "上限", born=turning_next_day(high + 1), student_status=status)
    assert fails("M02") == set()


@pytest.mark.parametrize("status, low, high", M02_INTERVALS)
def test_m02_fires_one_year_outside_either_end(village, fails, status, low, high):
    member(village, "过小", born=turning_next_day(low), student_status=status)
    member(village, "过大", born=aged(high + 1), student_status=status)
    assert fails("M02") == {"过小", "过大"}


@pytest.mark.parametrize("status", [StudentStatus.NOT_STUDENT, StudentStatus.DROPOUT, StudentStatus.HOME_TAUGHT])
def test_m02_is_silent_for_statuses_without_an_interval(village, fails, status):
    member(village, "幼儿", born=aged(1), student_status=status)
    member(village, "老人", born=aged(80), student_status=status)
    assert fails("M02") == set()


def test_m02_is_silent_without_a_birth_date(village, fails):
    no_birth_date(village, "无生日", student_status=StudentStatus.PRESCHOOL)
    assert fails("M02") == set()


def test_m02_ignores_an_inactive_member_and_a_removed_household(village, fails):
    member(village, "死者", born=aged(40), student_status=StudentStatus.PRIMARY, status=MemberStatus.DECEASED)
    member(village, "核减", born=aged(40), student_status=StudentStatus.PRIMARY, removed_on=REMOVED_ON)
    assert fails("M02") == set()


# M03 文化程度与年龄不符 -------------------------------------------------------

def test_m03_preschool_child_is_silent_at_7_and_fires_at_8(village, fails):
    member(village, "七岁", born=turning_next_day(8), education=Education.PRESCHOOL_CHILD)
    member(village, "八岁", born=aged(8), education=Education.PRESCHOOL_CHILD)
    assert fails("M03") == {"八岁"}


@pytest.mark.parametrize("education, youngest", [
    (Education.JUNIOR, 11),
    (Education.SENIOR, 14),
    (Education.VOCATIONAL, 14),
    (Education.COLLEGE, 17),
])
def test_m03_fires_one_year_below_the_youngest_age_and_is_silent_at_it(village, fails, education, youngest):
    member(village, "够岁", born=aged(youngest), education=education)
    member(village, "差一岁", born=turning_next_day(youngest), education=education)
    assert fails("M03") == {"差一岁"}


@pytest.mark.parametrize("education", [Education.ILLITERATE, Education.PRIMARY])
def test_m03_is_silent_for_levels_without_an_age(village, fails, education):
    member(village, "幼儿", born=aged(3), education=education)
    assert fails("M03") == set()


def test_m03_is_silent_without_a_birth_date(village, fails):
    no_birth_date(village, "无生日", education=Education.PRESCHOOL_CHILD)
    assert fails("M03") == set()


def test_m03_ignores_an_inactive_member_and_a_removed_household(village, fails):
    member(village, "迁出", born=aged(30), education=Education.PRESCHOOL_CHILD, status=MemberStatus.MOVED_OUT)
    member(village, "核减", born=aged(30), education=Education.PRESCHOOL_CHILD, removed_on=REMOVED_ON)
    assert fails("M03") == set()


# M04 未成年人劳动技能不符 -----------------------------------------------------

@pytest.mark.parametrize("ability", [LabourAbility.SKILLED, LabourAbility.ORDINARY, LabourAbility.WEAK])
def test_m04_fires_at_15_and_is_silent_at_16(village, fails, ability):
    member(village, "十五岁", born=turning_next_day(16), labour_ability=ability)
    member(village, "十六岁", born=aged(16), labour_ability=ability)
    assert fails("M04") == {"十五岁"}


@pytest.mark.parametrize("ability", [LabourAbility.LOST, LabourAbility.NONE])
def test_m04_is_silent_for_a_minor_without_labour_ability(village, fails, ability):
    member(village, "儿童", born=aged(5), labour_ability=ability)
    assert fails("M04") == set()


def test_m04_is_silent_without_a_birth_date(village, fails):
    no_birth_date(village, "无生日", labour_ability=LabourAbility.ORDINARY)
    assert fails("M04") == set()


def test_m04_ignores_an_inactive_member_and_a_removed_household(village, fails):
    member(village, "死者", born=aged(5), labour_ability=LabourAbility.ORDINARY, status=MemberStatus.DECEASED)
    member(village, "核减", born=aged(5), labour_ability=LabourAbility.ORDINARY, removed_on=REMOVED_ON)
    assert fails("M04") == set()


# M05 在校生登记为务工 ---------------------------------------------------------

@pytest.mark.parametrize("status", STUDYING)
def test_m05_fires_for_a_student_registered_as_working(village, fails, status):
    member(village, "学生", born=aged(18), student_status=status, employment=Employment.IN_COUNTY, months_worked=2)
    assert fails("M05") == {"学生"}


@pytest.mark.parametrize("employment", WORKING)
def test_m05_fires_for_every_kind_of_work(village, fails, employment):
    member(village, "学生", born=aged(18), student_status=StudentStatus.SENIOR, employment=employment, months_worked=2)
    assert fails("M05") == {"学生"}


def test_m05_is_silent_for_a_student_not_working(village, fails):
    member(village, "学生", born=aged(18), student_status=StudentStatus.SENIOR, employment=Employment.NONE)
    assert fails("M05") == set()


@pytest.mark.parametrize("status", [StudentStatus.NOT_STUDENT, StudentStatus.PRESCHOOL, StudentStatus.DROPOUT,
                                    StudentStatus.HOME_TAUGHT])
def test_m05_is_silent_for_statuses_it_does_not_name(village, fails, status):
    member(village, "甲", born=aged(18), student_status=status, employment=Employment.IN_COUNTY, months_worked=2)
    assert fails("M05") == set()


def test_m05_is_silent_without_a_recorded_employment(village, fails):
    member(village, "学生", born=aged(18), student_status=StudentStatus.SENIOR, employment="")
    assert fails("M05") == set()


def test_m05_ignores_an_inactive_member_and_a_removed_household(village, fails):
    member(village, "死者", born=aged(18), student_status=StudentStatus.SENIOR, employment=Employment.IN_COUNTY,
           months_worked=2, status=MemberStatus.DECEASED)
    member(village, "核减", born=aged(18), student_status=StudentStatus.SENIOR, employment=Employment.IN_COUNTY,
           months_worked=2, removed_on=REMOVED_ON)
    assert fails("M05") == set()


# M06 务工状况与务工时间不符 ---------------------------------------------------

@pytest.mark.parametrize("employment", WORKING)
def test_m06_fires_for_work_of_0_months_and_is_silent_from_1_month(village, fails, employment):
    member(village, "零个月", employment=employment, months_worked=0)
    member(village, "一个月", employment=employment, months_worked=1)
    member(village, "十二个月", employment=employment, months_worked=12)
    assert fails("M06") == {"零个月"}


def test_m06_fires_for_months_worked_without_work(village, fails):
    member(village, "零个月", employment=Employment.NONE, months_worked=0)
    member(village, "一个月", employment=Employment.NONE, months_worked=1)
    member(village, "十二个月", employment=Employment.NONE, months_worked=12)
    assert fails("M06") == {"一个月", "十二个月"}


def test_m06_is_silent_without_recorded_months_or_employment(village, fails):
    member(village, "无月数务工", employment=Employment.IN_COUNTY, months_worked=None)
    member(village, "无月数未务工", employment=Employment.NONE, months_worked=None)
    member(village, "无务工状况", employment="", months_worked=0)
    assert fails("M06") == set()


def test_m06_message_holds_the_employment_and_the_months(village, message):
    worker = member(village, "甲", employment=Employment.OUT_OF_PROVINCE, months_worked=0)
    [text] = message("M06", worker.household)
    assert "省外务工" in text and "0" in text


def test_m06_ignores_an_inactive_member_and_a_removed_household(village, fails):
    member(village, "迁出", employment=Employment.OUT_OF_PROVINCE, months_worked=0, status=MemberStatus.MOVED_OUT)
    member(village, "核减", employment=Employment.OUT_OF_PROVINCE, months_worked=0, removed_on=REMOVED_ON)
    assert fails("M06") == set()


# M07 无劳动能力人员登记务工 ---------------------------------------------------

@pytest.mark.parametrize("ability", [LabourAbility.LOST, LabourAbility.NONE])
def test_m07_fires_at_16_and_is_silent_at_15(village, fails, ability):
    member(village, "十六岁", born=aged(16), labour_ability=ability, employment=Employment.IN_COUNTY, months_worked=3)
    member(village, "十五岁", born=turning_next_day(16), labour_ability=ability, employment=Employment.IN_COUNTY,
           months_worked=3)
    assert fails("M07") == {"十六岁"}


@pytest.mark.parametrize("ability", [LabourAbility.SKILLED, LabourAbility.ORDINARY, LabourAbility.WEAK])
def test_m07_is_silent_for_members_able_to_work(village, fails, ability):
    member(village, "甲", born=aged(40), labour_ability=ability, employment=Employment.IN_COUNTY, months_worked=3)
    assert fails("M07") == set()


def test_m07_is_silent_when_not_working(village, fails):
    member(village, "甲", born=aged(40), labour_ability=LabourAbility.LOST, employment=Employment.NONE)
    assert fails("M07") == set()


def test_m07_is_silent_without_a_recorded_employment(village, fails):
    member(village, "甲", born=aged(40), labour_ability=LabourAbility.LOST, employment="")
    assert fails("M07") == set()


def test_m07_is_silent_without_a_birth_date(village, fails):
    no_birth_date(village, "无生日", labour_ability=LabourAbility.LOST, employment=Employment.IN_COUNTY,
                  months_worked=3)
    assert fails("M07") == set()


def test_m07_ignores_an_inactive_member_and_a_removed_household(village, fails):
    member(village, "死者", born=aged(40), labour_ability=LabourAbility.NONE, employment=Employment.IN_COUNTY,
           months_worked=3, status=MemberStatus.DECEASED)
    member(village, "核减", born=aged(40), labour_ability=LabourAbility.NONE, employment=Employment.IN_COUNTY,
           months_worked=3, removed_on=REMOVED_ON)
    assert fails("M07") == set()


def test_a_child_born_after_the_reference_date_is_0_in_a_message_never_minus_1(village, message):
    newborn = member(village, "新生儿", born=datetime.date(2025, 11, 3), student_status=StudentStatus.PRIMARY,
                     labour_ability=LabourAbility.NONE)
    [text] = message("M02", newborn.household)
    assert text.startswith("0 岁") and "-1" not in text


def test_a_newborn_makes_no_age_rule_fire_but_its_registered_schooling(village, fails):
    member(village, "新生儿", born=datetime.date(2025, 11, 3), labour_ability=LabourAbility.NONE)
    assert {rule: fails(rule) for rule in ("M01", "M02", "M03", "M04", "M07")} == {
        "M01": set(), "M02": set(), "M03": set(), "M04": set(), "M07": set()}


# M08 劳动年龄健康人员登记为无劳动力 ---------------------------------------------

HEALTHY_IDLE = {"health": Health.HEALTHY, "disability_grade": DisabilityGrade.NONE,
                "student_status": StudentStatus.NOT_STUDENT}


@pytest.mark.parametrize("ability", [LabourAbility.LOST, LabourAbility.NONE])
def test_m08_fires_at_exactly_16_and_at_59(village, fails, ability):
    member(village, "十六岁", born=aged(16), labour_ability=ability, **HEALTHY_IDLE)
    member(village, "五十九岁", born=turning_next_day(60), labour_ability=ability, **HEALTHY_IDLE)
    assert fails("M08") == {"十六岁", "五十九岁"}


def test_m08_is_silent_at_15_and_at_60(village, fails):
    member(village, "十五岁", born=turning_next_day(16), labour_ability=LabourAbility.NONE, **HEALTHY_IDLE)
    member(village, "六十岁", born=aged(60), labour_ability=LabourAbility.NONE, **HEALTHY_IDLE)
    assert fails("M08") == set()


@pytest.mark.parametrize("change", [
    {"health": Health.CHRONIC}, {"health": Health.MAJOR_ILLNESS}, {"health": ""},
    {"disability_grade": DisabilityGrade.GRADE_4}, {"disability_grade": ""},
    {"student_status": StudentStatus.PRIMARY}, {"student_status": StudentStatus.DROPOUT}, {"student_status": ""},
    {"labour_ability": LabourAbility.WEAK}, {"labour_ability": LabourAbility.ORDINARY}, {"labour_ability": ""},
])
def test_m08_needs_every_condition(village, fails, change):
    member(village, "三十岁", born=aged(30), **{**HEALTHY_IDLE, "labour_ability": LabourAbility.LOST, **change})
    assert fails("M08") == set()


def test_m08_is_silent_without_a_birth_date_and_for_an_inactive_member(village, fails):
    no_birth_date(village, "无生日", labour_ability=LabourAbility.NONE, **HEALTHY_IDLE)
    member(village, "已死亡", born=aged(30), labour_ability=LabourAbility.NONE, status=MemberStatus.DECEASED,
           **HEALTHY_IDLE)
    member(village, "已核减", born=aged(30), labour_ability=LabourAbility.NONE, removed_on=REMOVED_ON, **HEALTHY_IDLE)
    assert fails("M08") == set()


# M09 在校生登记为技能或普通劳动力 ---------------------------------------------

@pytest.mark.parametrize("status", STUDYING)
@pytest.mark.parametrize("ability", [LabourAbility.SKILLED, LabourAbility.ORDINARY])
def test_m09_fires_for_a_student_with_labour(village, fails, status, ability):
    member(village, "学生", born=aged(18), student_status=status, labour_ability=ability)
    assert fails("M09") == {"学生"}


@pytest.mark.parametrize("status", [StudentStatus.NOT_STUDENT, StudentStatus.PRESCHOOL, StudentStatus.DROPOUT,
                                    StudentStatus.HOME_TAUGHT, ""])
def test_m09_is_silent_for_other_student_statuses(village, fails, status):
    member(village, "非学生", born=aged(18), student_status=status, labour_ability=LabourAbility.SKILLED)
    assert fails("M09") == set()


@pytest.mark.parametrize("ability", [LabourAbility.WEAK, LabourAbility.LOST, LabourAbility.NONE, ""])
def test_m09_is_silent_for_other_labour_abilities(village, fails, ability):
    member(village, "学生", born=aged(18), student_status=StudentStatus.SENIOR, labour_ability=ability)
    assert fails("M09") == set()


# M10 重度残疾人登记为技能或普通劳动力 ------------------------------------------

@pytest.mark.parametrize("grade", [DisabilityGrade.GRADE_1, DisabilityGrade.GRADE_2])
@pytest.mark.parametrize("ability", [LabourAbility.SKILLED, LabourAbility.ORDINARY])
def test_m10_fires_for_a_severely_disabled_labourer(village, fails, grade, ability):
    member(village, "重残", disability_grade=grade, labour_ability=ability)
    assert fails("M10") == {"重残"}


@pytest.mark.parametrize("grade", [DisabilityGrade.GRADE_3, DisabilityGrade.GRADE_4, DisabilityGrade.NONE, ""])
def test_m10_is_silent_for_lighter_or_no_disability(village, fails, grade):
    member(village, "轻残", disability_grade=grade, labour_ability=LabourAbility.SKILLED)
    assert fails("M10") == set()


@pytest.mark.parametrize("ability", [LabourAbility.WEAK, LabourAbility.LOST, LabourAbility.NONE, ""])
def test_m10_is_silent_for_other_labour_abilities(village, fails, ability):
    member(village, "重残", disability_grade=DisabilityGrade.GRADE_1, labour_ability=ability)
    assert fails("M10") == set()


# M11 公益性岗位人员年龄不符 ----------------------------------------------------

def test_m11_fires_at_15_and_at_70(village, fails):
    member(village, "十五岁", born=turning_next_day(16), public_welfare_job=True)
    member(village, "七十岁", born=aged(70), public_welfare_job=True)
    member(village, "未满1岁", born=datetime.date(2025, 10, 1), public_welfare_job=True)
    assert fails("M11") == {"十五岁", "七十岁", "未满1岁"}


def test_m11_is_silent_at_16_and_at_69(village, fails):
    member(village, "十六岁", born=aged(16), public_welfare_job=True)
    member(village, "六十九岁", born=turning_next_day(70), public_welfare_job=True)
    assert fails("M11") == set()


@pytest.mark.parametrize("job", [False, None])
def test_m11_reads_only_welfare_job_holders(village, fails, job):
    member(village, "七十五岁", born=aged(75), public_welfare_job=job)
    assert fails("M11") == set()


def test_m11_is_silent_without_a_birth_date(village, fails):
    no_birth_date(village, "无生日", public_welfare_job=True)
    assert fails("M11") == set()


# M12 无劳动能力人员聘用公益性岗位 ----------------------------------------------

@pytest.mark.parametrize("ability", [LabourAbility.LOST, LabourAbility.NONE])
def test_m12_fires_for_a_welfare_job_holder_without_labour(village, fails, ability):
    member(village, "无劳力", public_welfare_job=True, labour_ability=ability)
    assert fails("M12") == {"无劳力"}


@pytest.mark.parametrize("ability", [LabourAbility.SKILLED, LabourAbility.ORDINARY, LabourAbility.WEAK, ""])
def test_m12_is_silent_for_a_holder_with_some_labour(village, fails, ability):
    member(village, "有劳力", public_welfare_job=True, labour_ability=ability)
    assert fails("M12") == set()


@pytest.mark.parametrize("job", [False, None])
def test_m12_reads_only_welfare_job_holders(village, fails, job):
    member(village, "无劳力", public_welfare_job=job, labour_ability=LabourAbility.NONE)
    assert fails("M12") == set()
