"""B01–B12, basic information (基础信息类), each at its edges, as rules.md words them."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from households.choices import (
    Gender,
    HouseholdType,
    MemberStatus,
    MonitoringType,
    Relationship,
    RiskStatus,
)
from rules import bases
from tests.builders import make_area, make_household, make_member
from tests.rules.builders import YEAR, aged, id_for, turning_next_day, with_check

pytestmark = pytest.mark.django_db

REMOVED = {"removed_on": datetime.date(2025, 3, 1)}


def bare(village, **fields):
    """A household with no member yet, located and with a valid phone: clean for every H rule here."""
    defaults = {"longitude": Decimal("132.98"), "latitude": Decimal("45.76")}
    return make_household(village, members=0, **{**defaults, **fields})


def person(household, name, **fields):
    return make_member(household, name=name, **fields)


# B01 证件号码不合规 -----------------------------------------------------------

def test_the_check_character_helper_agrees_with_domain_md():
    assert with_check("11010519491231002") == "11010519491231002X"


def test_b01_is_silent_for_a_valid_id_number(village, fails):
    person(bare(village), "甲", id_number=id_for(datetime.date(1980, 5, 17), 11))
    assert fails("B01") == set()


def test_b01_is_silent_for_a_valid_id_number_ending_in_uppercase_x(village, fails):
    person(bare(village), "甲", id_number="11010519491231002X", gender=Gender.FEMALE,
           born=datetime.date(1949, 12, 31))
    assert fails("B01") == set()


def test_b01_fires_for_a_lowercase_x_stored_around_the_model(village, fails):
    # Every write path stores an upper-case X (id_numbers.normalise); a row written by raw SQL may not.
    member = person(bare(village), "甲", id_number="11010519491231002X")
    type(member).objects.filter(pk=member.pk).update(id_number="11010519491231002x", id_valid=False)
    assert fails("B01") == {"甲"}


def test_b01_is_silent_for_a_lowercase_x_typed_in_since_it_is_stored_upper_case(village, fails):
    member = person(bare(village), "甲", id_number="11010519491231002x", gender=Gender.FEMALE,
                    born=datetime.date(1949, 12, 31))
    member.refresh_from_db()
    assert member.id_number == "11010519491231002X"
    assert fails("B01") == set()


@pytest.mark.parametrize("length", [17, 19])
def test_b01_fires_when_the_id_number_is_not_18_characters(village, fails, length):
    valid = id_for(datetime.date(1980, 5, 17), 11)
    person(bare(village), "甲", id_number=(valid + "1")[:length])
    assert fails("B01") == {"甲"}


def test_b01_fires_for_an_empty_id_number(village, fails):
    person(bare(village), "甲", id_number="")
    assert fails("B01") == {"甲"}


def test_b01_fires_when_one_of_the_first_17_is_not_a_digit(village, fails):
    person(bare(village), "甲", id_number="23038119800517A11" + "1")
    assert fails("B01") == {"甲"}


def test_b01_fires_for_a_full_width_digit(village, fails):
    valid = id_for(datetime.date(1980, 5, 17), 11)
    person(bare(village), "甲", id_number=valid[:3] + "１" + valid[4:])
    assert fails("B01") == {"甲"}


def test_b01_fires_when_digits_7_to_14_are_not_a_real_date(village, fails):
    person(bare(village), "甲", id_number=with_check("23038119800231011"))
    person(bare(village), "乙", id_number=with_check("23038119000229011"))  # 1900 is no leap year
    assert fails("B01") == {"甲", "乙"}


def test_b01_is_silent_for_the_29th_of_february_of_a_leap_year(village, fails):
    person(bare(village), "甲", id_number=with_check("23038120000229011"),
           born=datetime.date(2000, 2, 29))
    assert fails("B01") == set()


def test_b01_fires_for_a_wrong_check_character(village, fails):
    valid = id_for(datetime.date(1980, 5, 17), 11)
    wrong = "0" if valid[-1] != "0" else "1"
    person(bare(village), "甲", id_number=valid[:17] + wrong)
    assert fails("B01") == {"甲"}


def test_b01_ignores_inactive_members_and_removed_households(village, fails):
    person(bare(village), "死者", id_number="123", status=MemberStatus.DECEASED)
    person(bare(village), "迁出者", id_number="123", status=MemberStatus.MOVED_OUT)
    person(bare(village, **REMOVED), "核减户成员", id_number="123")
    assert fails("B01") == set()


# B02 证件号码重复 -------------------------------------------------------------

SHARED = id_for(datetime.date(1990, 1, 1), 21)


def test_b02_gives_every_holder_of_a_shared_id_number_a_ticket(village, fails):
    person(bare(village), "甲", id_number=SHARED)
    person(bare(village), "乙", id_number=SHARED)
    person(bare(village), "丙", id_number=id_for(datetime.date(1990, 1, 1), 23))
    assert fails("B02") == {"甲", "乙"}


def test_b02_fires_for_two_holders_in_the_same_household(village, fails):
    household = bare(village)
    person(household, "甲", id_number=SHARED)
    person(household, "乙", id_number=SHARED, relationship=Relationship.SON)
    assert fails("B02") == {"甲", "乙"}


def test_b02_fires_for_a_shared_invalid_id_number_too(village, fails):
    person(bare(village), "甲", id_number="12345")
    person(bare(village), "乙", id_number="12345")
    assert fails("B02") == {"甲", "乙"}


def test_b02_counts_holders_in_the_whole_database(village, fails):
    person(bare(village), "甲", id_number=SHARED)
    person(make_household(make_area("340323100201"), members=0), "外县乙", id_number=SHARED)
    assert fails("B02") == {"甲"}  # the other county's holder is in the other county's batch


@pytest.mark.parametrize("status", [MemberStatus.DECEASED, MemberStatus.MOVED_OUT])
def test_b02_does_not_count_an_inactive_holder(village, fails, status):
    person(bare(village), "甲", id_number=SHARED)
    person(bare(village), "乙", id_number=SHARED, status=status)
    assert fails("B02") == set()


def test_b02_does_not_count_a_holder_in_a_removed_household(village, fails):
    person(bare(village), "甲", id_number=SHARED)
    person(bare(village, **REMOVED), "乙", id_number=SHARED)
    assert fails("B02") == set()


def test_b02_fires_for_two_active_holders_of_a_number_an_inactive_one_also_holds(village, fails):
    person(bare(village), "甲", id_number=SHARED)
    person(bare(village), "乙", id_number=SHARED)
    person(bare(village), "丙", id_number=SHARED, status=MemberStatus.DECEASED)
    person(bare(village, **REMOVED), "丁", id_number=SHARED)
    assert fails("B02") == {"甲", "乙"}


def test_b02_does_not_treat_empty_id_numbers_as_one_shared_number(village, fails):
    # an empty ID number is no number held (B01 reports each); reading of rules.md, see the report
    person(bare(village), "甲", id_number="")
    person(bare(village), "乙", id_number="")
    assert fails("B02") == set()


def test_b02_finds_a_number_typed_with_a_lowercase_x_or_full_width_digits(village, fails):
    person(bare(village), "甲", id_number="11010519491231002X")
    person(bare(village), "乙", id_number="１1010519491231002x ")
    assert fails("B02") == {"甲", "乙"}


# B03 性别与证件号码不符 -------------------------------------------------------

def test_b03_is_silent_when_gender_matches_the_17th_digit(village, fails):
    household = bare(village)
    person(household, "男", gender=Gender.MALE, id_number=id_for(datetime.date(1980, 5, 17), 11))
    person(household, "女", gender=Gender.FEMALE, id_number=id_for(datetime.date(1980, 5, 17), 12))
    assert fails("B03") == set()


def test_b03_fires_when_gender_disagrees_with_the_17th_digit(village, fails):
    household = bare(village)
    person(household, "奇数女", gender=Gender.FEMALE, id_number=id_for(datetime.date(1980, 5, 17), 11))
    person(household, "偶数男", gender=Gender.MALE, id_number=id_for(datetime.date(1980, 5, 17), 10))
    assert fails("B03") == {"奇数女", "偶数男"}


def test_b03_is_silent_without_a_gender(village, fails):
    person(bare(village), "甲", gender="", id_number=id_for(datetime.date(1980, 5, 17), 10))
    assert fails("B03") == set()


def test_b03_is_silent_when_b01_fails(village, fails):
    valid = id_for(datetime.date(1980, 5, 17), 10)
    wrong = "0" if valid[-1] != "0" else "1"
    person(bare(village), "甲", gender=Gender.MALE, id_number=valid[:17] + wrong)
    assert fails("B03") == set()


def test_b03_ignores_an_inactive_member_and_a_removed_household(village, fails):
    person(bare(village), "甲", gender=Gender.MALE, id_number=id_for(datetime.date(1980, 5, 17), 10),
           status=MemberStatus.DECEASED)
    person(bare(village, **REMOVED), "乙", gender=Gender.MALE, id_number=id_for(datetime.date(1980, 5, 17), 12))
    assert fails("B03") == set()


# B04 出生日期与证件号码不符 ---------------------------------------------------

def test_b04_is_silent_when_the_birth_date_matches(village, fails):
    person(bare(village), "甲", born=datetime.date(1980, 5, 17), id_number=id_for(datetime.date(1980, 5, 17), 11))
    assert fails("B04") == set()


def test_b04_fires_when_the_birth_date_is_one_day_off(village, fails):
    person(bare(village), "甲", born=datetime.date(1980, 5, 18), id_number=id_for(datetime.date(1980, 5, 17), 11))
    assert fails("B04") == {"甲"}


def test_b04_is_silent_without_a_birth_date(village, fails):
    person(bare(village), "甲", birth_date=None, id_number=id_for(datetime.date(1980, 5, 17), 11))
    assert fails("B04") == set()


def test_b04_ignores_an_inactive_member_and_a_removed_household(village, fails):
    person(bare(village), "死者", born=datetime.date(1980, 5, 18), id_number=id_for(datetime.date(1980, 5, 17), 11),
           status=MemberStatus.DECEASED)
    person(bare(village, **REMOVED), "核减户成员", born=datetime.date(1980, 5, 18),
           id_number=id_for(datetime.date(1980, 5, 17), 13))
    assert fails("B04") == set()


def test_b04_is_silent_when_b01_fails(village, fails):
    person(bare(village), "甲", born=datetime.date(1980, 5, 18),
           id_number=id_for(datetime.date(1980, 5, 17), 11)[:17] + "x")
    assert fails("B04") == set()


# B05 户主缺失或重复 -----------------------------------------------------------

def test_b05_is_silent_for_exactly_one_active_head(village, fails):
    household = bare(village)
    person(household, "户主")
    person(household, "配偶", relationship=Relationship.SPOUSE)
    person(household, "原户主", status=MemberStatus.DECEASED)  # a dead head does not count
    assert fails("B05") == set()


def test_b05_fires_for_two_active_heads(village, fails):
    household = bare(village)
    person(household, "户主一")
    person(household, "户主二")
    assert fails("B05") == {household.number}


def test_b05_fires_when_no_active_member_is_head(village, fails):
    household = bare(village)
    person(household, "配偶", relationship=Relationship.SPOUSE)
    person(household, "原户主", status=MemberStatus.MOVED_OUT)
    assert fails("B05") == {household.number}


def test_b05_fires_for_a_household_without_active_members(village, fails):
    household = bare(village)
    assert fails("B05") == {household.number}


def test_b05_ignores_a_removed_household(village, fails):
    household = bare(village, **REMOVED)
    person(household, "户主一")
    person(household, "户主二")
    assert fails("B05") == set()


# B06 联系电话缺失或无效 -------------------------------------------------------

@pytest.mark.parametrize("phone", [
    "13800138000", "19912345678", "010-12345678", "01012345678", "0451-1234567", "04511234567",
    "010-1234567", "0451-12345678",
])
def test_b06_is_silent_for_a_valid_phone(village, fails, phone):
    bare(village, phone=phone)
    assert fails("B06") == set()


@pytest.mark.parametrize("phone", [
    "",                 # empty
    "12800138000",      # second digit below 3
    "1380013800",       # a mobile of 10 digits
    "138001380001",     # a mobile of 12 digits
    "+8613800138000",
    "13800138000 ",     # a trailing space
    "13800138000\n",    # a trailing line break: $ is the end of the phone, not of a line
    " 13800138000",
    "010-123456",       # 6 digits after the area code
    "010123456",
    "0451-123456789",   # 9 digits after the area code
    "0-12345678",       # a one-digit area code
    "04511-1234567",    # a four-digit area code after the 0
    "010--12345678",
    "138-0013-8000",
])
def test_b06_fires_for_an_empty_or_invalid_phone(village, fails, phone):
    household = bare(village, phone=phone)
    assert fails("B06") == {household.number}


def test_b06_ignores_a_removed_household(village, fails):
    bare(village, phone="", **REMOVED)
    assert fails("B06") == set()


# B07 家庭位置未采集 -----------------------------------------------------------

def test_b07_is_silent_with_both_coordinates(village, fails):
    bare(village)
    bare(village, longitude=Decimal(0), latitude=Decimal(0))  # zero is a value, not empty
    assert fails("B07") == set()


def test_b07_fires_without_longitude_or_latitude(village, fails):
    no_longitude = bare(village, longitude=None)
    no_latitude = bare(village, latitude=None)
    neither = bare(village, longitude=None, latitude=None)
    assert fails("B07") == {no_longitude.number, no_latitude.number, neither.number}


def test_b07_ignores_a_removed_household(village, fails):
    bare(village, longitude=None, **REMOVED)
    assert fails("B07") == set()


# B08 户主年龄小于16岁 ---------------------------------------------------------

def test_b08_is_silent_for_a_head_of_exactly_16(village, fails):
    person(bare(village), "户主", born=aged(16))
    assert fails("B08") == set()


def test_b08_fires_for_a_head_one_day_short_of_16(village, fails):
    household = bare(village)
    person(household, "户主", born=turning_next_day(16))
    assert fails("B08") == {household.number}


def test_b08_is_silent_without_the_heads_birth_date(village, fails):
    person(bare(village), "户主", birth_date=None)
    assert fails("B08") == set()


def test_b08_is_silent_without_a_single_active_head(village, fails):
    two = bare(village)
    person(two, "户主一", born=aged(10))
    person(two, "户主二", born=aged(10))
    dead = bare(village)
    person(dead, "原户主", born=aged(10), status=MemberStatus.DECEASED)
    person(dead, "配偶", born=aged(10), relationship=Relationship.SPOUSE)
    assert fails("B08") == set()


def test_b08_reads_the_active_head_not_a_dead_one(village, fails):
    household = bare(village)
    person(household, "原户主", born=aged(60), status=MemberStatus.DECEASED)
    person(household, "新户主", born=aged(15))
    assert fails("B08") == {household.number}


def test_b08_message_holds_the_heads_age(village, message):
    household = bare(village)
    person(household, "户主", born=aged(15))
    [text] = message("B08", household)
    assert "15" in text


def test_b08_ignores_a_removed_household(village, fails):
    person(bare(village, **REMOVED), "户主", born=aged(10))
    assert fails("B08") == set()


# B09 子女与户主年龄差异常 -----------------------------------------------------

def family(village, *, head_born, child_born, relationship=Relationship.SON, head_status=MemberStatus.NORMAL,
           **child_fields):
    household = bare(village)
    person(household, "户主", born=head_born, status=head_status)
    person(household, "子女", born=child_born, relationship=relationship, **child_fields)
    return household


def test_b09_is_silent_when_the_child_is_exactly_15_years_younger(village, fails):
    family(village, head_born=aged(40), child_born=aged(25))
    assert fails("B09") == set()


def test_b09_fires_when_the_child_is_only_14_years_younger(village, fails):
    family(village, head_born=aged(40), child_born=aged(26))
    assert fails("B09") == {"子女"}


def test_b09_compares_whole_years_on_the_reference_date(village, fails):
    # head 40, child 25 on the reference date although born only 14 years and a day apart
    family(village, head_born=aged(40), child_born=turning_next_day(26))
    assert fails("B09") == set()


def test_b09_is_silent_for_a_child_born_after_the_reference_date_exactly_15_years_after_the_head(village, fails):
    # head 14 on the reference date, the child −1 to the rules (a page shows 未满1岁): 15 whole years apart
    family(village, head_born=datetime.date(YEAR - 15, 10, 1), child_born=datetime.date(YEAR, 10, 1))
    assert fails("B09") == set()


def test_b09_fires_for_a_daughter(village, fails):
    family(village, head_born=aged(40), child_born=aged(30), relationship=Relationship.DAUGHTER)
    assert fails("B09") == {"子女"}


@pytest.mark.parametrize("relationship", [Relationship.GRANDSON, Relationship.SPOUSE, Relationship.SON_IN_LAW,
                                          Relationship.DAUGHTER_IN_LAW])
def test_b09_reads_only_sons_and_daughters(village, fails, relationship):
    family(village, head_born=aged(40), child_born=aged(30), relationship=relationship)
    assert fails("B09") == set()


def test_b09_reads_the_active_head_not_a_dead_one(village, fails):
    household = bare(village)
    person(household, "原户主", born=aged(80), status=MemberStatus.DECEASED)
    person(household, "户主", born=aged(40))
    person(household, "子女", born=aged(30), relationship=Relationship.SON)
    assert fails("B09") == {"子女"}


def test_b09_is_silent_without_a_birth_date(village, fails):
    no_head_date = bare(village)
    person(no_head_date, "户主", birth_date=None)
    person(no_head_date, "子女一", born=aged(30), relationship=Relationship.SON)
    family(village, head_born=aged(40), child_born=aged(30), birth_date=None)
    assert fails("B09") == set()


def test_b09_is_silent_without_a_single_active_head(village, fails):
    family(village, head_born=aged(40), child_born=aged(30), head_status=MemberStatus.DECEASED)
    household = bare(village)
    person(household, "户主一", born=aged(40))
    person(household, "户主二", born=aged(40))
    person(household, "子女二", born=aged(30), relationship=Relationship.DAUGHTER)
    assert fails("B09") == set()


def test_b09_ignores_an_inactive_child_and_a_removed_household(village, fails):
    family(village, head_born=aged(40), child_born=aged(30), status=MemberStatus.MOVED_OUT)
    removed = bare(village, **REMOVED)
    person(removed, "户主", born=aged(40))
    person(removed, "核减户子女", born=aged(30), relationship=Relationship.SON)
    assert fails("B09") == set()


# B10 帮扶责任人缺失 -----------------------------------------------------------

def test_b10_is_silent_for_an_ordinary_household_that_is_not_monitored(village, fails):
    bare(village, household_type=HouseholdType.ORDINARY, helper_name="")
    assert fails("B10") == set()


def test_b10_fires_for_an_alleviated_household_without_helper(village, fails):
    household = bare(village, household_type=HouseholdType.ALLEVIATED, alleviation_year=2018, helper_name="")
    assert fails("B10") == {household.number}


def test_b10_fires_for_a_monitored_household_without_helper(village, fails):
    household = bare(village, monitoring_type=MonitoringType.MARGINAL, risk_status=RiskStatus.ELIMINATED,
                     helper_name="")
    assert fails("B10") == {household.number}


def test_b10_is_silent_when_the_helper_is_named(village, fails):
    bare(village, household_type=HouseholdType.ALLEVIATED, alleviation_year=2018, helper_name="张帮扶")
    bare(village, monitoring_type=MonitoringType.MARGINAL, risk_status=RiskStatus.UNRESOLVED, helper_name="李帮扶")
    assert fails("B10") == set()


def test_b10_ignores_a_removed_household(village, fails):
    bare(village, household_type=HouseholdType.ALLEVIATED, helper_name="", **REMOVED)
    assert fails("B10") == set()


# B11 监测对象类别与户类型不符 -------------------------------------------------

@pytest.mark.parametrize("household_type, monitoring_type, risk_status", [
    (HouseholdType.ALLEVIATED, MonitoringType.UNSTABLE, RiskStatus.UNRESOLVED),
    (HouseholdType.ORDINARY, MonitoringType.MARGINAL, RiskStatus.ELIMINATED),
    (HouseholdType.ORDINARY, MonitoringType.SUDDEN_HARDSHIP, RiskStatus.UNRESOLVED),
    (HouseholdType.ORDINARY, "", ""),
    (HouseholdType.ALLEVIATED, "", ""),
])
def test_b11_is_silent_for_a_consistent_household(village, fails, household_type, monitoring_type, risk_status):
    bare(village, household_type=household_type, monitoring_type=monitoring_type, risk_status=risk_status)
    assert fails("B11") == set()


@pytest.mark.parametrize("household_type, monitoring_type, risk_status", [
    (HouseholdType.ORDINARY, MonitoringType.UNSTABLE, RiskStatus.UNRESOLVED),
    (HouseholdType.ALLEVIATED, MonitoringType.MARGINAL, RiskStatus.UNRESOLVED),
    (HouseholdType.ALLEVIATED, MonitoringType.SUDDEN_HARDSHIP, RiskStatus.ELIMINATED),
    (HouseholdType.ALLEVIATED, MonitoringType.UNSTABLE, ""),   # monitored without risk status
    (HouseholdType.ORDINARY, MonitoringType.MARGINAL, ""),
    (HouseholdType.ORDINARY, "", RiskStatus.UNRESOLVED),       # a risk status but not monitored
    (HouseholdType.ALLEVIATED, "", RiskStatus.ELIMINATED),
])
def test_b11_fires_for_an_inconsistent_household(village, fails, household_type, monitoring_type, risk_status):
    household = bare(village, household_type=household_type, monitoring_type=monitoring_type,
                     risk_status=risk_status)
    assert fails("B11") == {household.number}


def test_b11_ignores_a_removed_household(village, fails):
    bare(village, household_type=HouseholdType.ORDINARY, monitoring_type=MonitoringType.UNSTABLE, **REMOVED)
    assert fails("B11") == set()


# B12 无在册家庭成员 -----------------------------------------------------------

def test_b12_is_silent_with_one_active_member(village, fails):
    household = bare(village)
    person(household, "户主")
    person(household, "死者", status=MemberStatus.DECEASED)
    assert fails("B12") == set()


def test_b12_fires_without_any_member(village, fails):
    household = bare(village)
    assert fails("B12") == {household.number}


def test_b12_fires_when_every_member_died_or_moved_out(village, fails):
    household = bare(village)
    person(household, "死者", status=MemberStatus.DECEASED)
    person(household, "迁出者", status=MemberStatus.MOVED_OUT)
    assert fails("B12") == {household.number}


def test_b12_ignores_a_removed_household(village, fails):
    bare(village, **REMOVED)
    assert fails("B12") == set()


@pytest.mark.parametrize("county_share", [1.0, 0.1], ids=["whole index", "the county's IDs looked up"])
def test_b02_finds_the_same_holders_whether_it_reads_every_id_or_looks_up_the_countys(
        village, fails, monkeypatch, county_share):
    if county_share < bases.MOST_OF_THE_MEMBERS and connection.vendor != "postgresql":
        pytest.skip("a county among others looks its IDs up with = ANY(ARRAY(…)), PostgreSQL's")
    monkeypatch.setattr(bases.table_stats, "share_of", lambda *args: county_share)
    other_county = make_area("340323100201")
    person(bare(village), "甲", id_number=SHARED)
    person(bare(village), "乙", id_number=SHARED)
    person(bare(village), "丙", id_number="12345")
    person(make_household(other_county, members=0), "外县丁", id_number="12345")
    person(bare(village), "戊", id_number=id_for(datetime.date(1990, 1, 1), 23))
    person(make_household(other_county, members=0), "外县己", id_number=id_for(datetime.date(1990, 1, 1), 23),
           status=MemberStatus.DECEASED)
    assert fails("B02") == {"甲", "乙", "丙"}
