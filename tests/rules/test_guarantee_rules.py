"""A01–A04, the guarantees (两不愁三保障及饮水安全)."""

import datetime

import pytest

from households.choices import MedicalInsurance, MemberStatus, StudentStatus
from tests.builders import make_household, make_member
from tests.rules.builders import aged, turning_next_day

pytestmark = pytest.mark.django_db

REMOVED = {"removed_on": datetime.date(2025, 3, 1)}
REFERENCE_DATE = datetime.date(2025, 9, 30)


def member(village, name, **fields):
    household = make_household(village, members=0, removed_on=fields.pop("removed_on", None))
    return make_member(household, name=name, **fields)


# A01 住房安全无保障 -----------------------------------------------------------

def test_a01_fires_when_housing_is_not_safe(village, fails):
    household = make_household(village, housing_safe=False)
    assert fails("A01") == {household.number}


def test_a01_is_silent_when_housing_is_safe_or_not_recorded(village, fails):
    make_household(village, housing_safe=True)
    make_household(village, housing_safe=None)
    assert fails("A01") == set()


def test_a01_ignores_a_removed_household(village, fails):
    make_household(village, housing_safe=False, **REMOVED)
    assert fails("A01") == set()


# A02 饮水安全无保障 -----------------------------------------------------------

def test_a02_fires_when_drinking_water_is_not_safe(village, fails):
    household = make_household(village, water_safe=False)
    assert fails("A02") == {household.number}


def test_a02_is_silent_when_water_is_safe_or_not_recorded(village, fails):
    make_household(village, water_safe=True, housing_safe=False)
    make_household(village, water_safe=None)
    assert fails("A02") == set()


def test_a02_ignores_a_removed_household(village, fails):
    make_household(village, water_safe=False, **REMOVED)
    assert fails("A02") == set()


# A03 义务教育阶段失学辍学 -----------------------------------------------------

def test_a03_fires_for_a_dropout_of_16(village, fails):
    member(village, "刚满十六", born=aged(16), student_status=StudentStatus.DROPOUT)
    member(village, "将满十七", born=turning_next_day(17), student_status=StudentStatus.DROPOUT)
    member(village, "六岁", born=aged(6), student_status=StudentStatus.DROPOUT)
    assert fails("A03") == {"刚满十六", "将满十七", "六岁"}


def test_a03_is_silent_for_a_dropout_of_17(village, fails):
    member(village, "十七岁", born=aged(17), student_status=StudentStatus.DROPOUT)
    assert fails("A03") == set()


@pytest.mark.parametrize("status", [StudentStatus.NOT_STUDENT, StudentStatus.HOME_TAUGHT, StudentStatus.PRIMARY])
def test_a03_reads_only_dropouts(village, fails, status):
    member(village, "十岁", born=aged(10), student_status=status)
    assert fails("A03") == set()


def test_a03_is_silent_without_a_birth_date(village, fails):
    member(village, "无生日", birth_date=None, student_status=StudentStatus.DROPOUT)
    assert fails("A03") == set()


def test_a03_ignores_inactive_members_and_removed_households(village, fails):
    member(village, "迁出", born=aged(12), student_status=StudentStatus.DROPOUT, status=MemberStatus.MOVED_OUT)
    member(village, "核减", born=aged(12), student_status=StudentStatus.DROPOUT, removed_on=datetime.date(2025, 1, 1))
    assert fails("A03") == set()


def test_a03_gives_each_dropout_of_a_household_a_ticket(village, fails):
    household = make_household(village, members=1)
    make_member(household, name="哥哥", born=aged(14), student_status=StudentStatus.DROPOUT)
    make_member(household, name="妹妹", born=aged(12), student_status=StudentStatus.DROPOUT)
    assert fails("A03") == {"哥哥", "妹妹"}


# A04 未参加基本医疗保险 -------------------------------------------------------

def test_a04_fires_for_a_member_born_90_days_before_the_reference_date(village, fails):
    member(village, "九十天", born=REFERENCE_DATE - datetime.timedelta(days=90), medical_insurance=MedicalInsurance.NONE)
    assert fails("A04") == {"九十天"}


def test_a04_exempts_a_member_born_89_days_before_the_reference_date(village, fails):
    member(village, "八十九天", born=REFERENCE_DATE - datetime.timedelta(days=89),
           medical_insurance=MedicalInsurance.NONE)
    member(village, "当天", born=REFERENCE_DATE, medical_insurance=MedicalInsurance.NONE)
    assert fails("A04") == set()


def test_a04_fires_for_an_uninsured_adult(village, fails):
    member(village, "成人", born=aged(40), medical_insurance=MedicalInsurance.NONE)
    assert fails("A04") == {"成人"}


@pytest.mark.parametrize("insurance", [MedicalInsurance.RESIDENT, MedicalInsurance.EMPLOYEE])
def test_a04_is_silent_for_an_insured_member(village, fails, insurance):
    member(village, "参保", born=aged(40), medical_insurance=insurance)
    assert fails("A04") == set()


def test_a04_ignores_inactive_members_and_removed_households(village, fails):
    member(village, "死者", born=aged(40), medical_insurance=MedicalInsurance.NONE, status=MemberStatus.DECEASED)
    member(village, "核减", born=aged(40), medical_insurance=MedicalInsurance.NONE, removed_on=datetime.date(2025, 1, 1))
    assert fails("A04") == set()


def test_a04_is_silent_without_a_birth_date(village, fails):
    # the newborn exception cannot be decided without a birth date: silent when undefined
    member(village, "无生日", birth_date=None, medical_insurance=MedicalInsurance.NONE)
    assert fails("A04") == set()
