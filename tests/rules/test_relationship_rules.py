"""G01–G04, relationships (家庭关系类): genders and ages against the head's, ages on 30 September 2025."""

import datetime

import pytest

from households.choices import Gender, MemberStatus, Relationship
from tests.builders import make_household, make_member
from tests.rules.builders import aged, turning_next_day

pytestmark = pytest.mark.django_db

REMOVED_ON = datetime.date(2025, 3, 1)
MALE_ONLY = [Relationship.SON, Relationship.FATHER, Relationship.GRANDSON, Relationship.SON_IN_LAW]
FEMALE_ONLY = [Relationship.DAUGHTER, Relationship.MOTHER, Relationship.GRANDDAUGHTER, Relationship.DAUGHTER_IN_LAW]
EITHER = [Relationship.HEAD, Relationship.SPOUSE, Relationship.SIBLING, Relationship.OTHER]


def family(village, *, head: dict | None = None, removed_on=None, **household_fields):
    """A household with one active head (male, 50 unless told), returned with the head."""
    household = make_household(village, members=0, removed_on=removed_on, **household_fields)
    head_fields = {"name": "户主", "born": aged(50), "gender": Gender.MALE, **(head or {})}
    return household, make_member(household, relationship=Relationship.HEAD, **head_fields)


# G01 与户主关系与性别不符 -----------------------------------------------------

@pytest.mark.parametrize("relationship", MALE_ONLY)
def test_g01_fires_for_a_woman_in_a_male_relationship(village, fails, relationship):
    household, _ = family(village)
    make_member(household, name="女", relationship=relationship, gender=Gender.FEMALE)
    make_member(household, name="男", relationship=relationship, gender=Gender.MALE)
    assert fails("G01") == {"女"}


@pytest.mark.parametrize("relationship", FEMALE_ONLY)
def test_g01_fires_for_a_man_in_a_female_relationship(village, fails, relationship):
    household, _ = family(village)
    make_member(household, name="男", relationship=relationship, gender=Gender.MALE)
    make_member(household, name="女", relationship=relationship, gender=Gender.FEMALE)
    assert fails("G01") == {"男"}


@pytest.mark.parametrize("relationship", EITHER)
def test_g01_is_silent_for_relationships_of_either_gender(village, fails, relationship):
    household, _ = family(village)
    make_member(household, name="女", relationship=relationship, gender=Gender.FEMALE)
    make_member(household, name="男", relationship=relationship, gender=Gender.MALE)
    assert fails("G01") == set()


def test_g01_is_silent_without_a_gender_or_for_an_inactive_member(village, fails):
    household, _ = family(village)
    make_member(household, name="无性别", relationship=Relationship.SON, gender="")
    make_member(household, name="迁出", relationship=Relationship.SON, gender=Gender.FEMALE,
                status=MemberStatus.MOVED_OUT)
    removed, _ = family(village, removed_on=REMOVED_ON)
    make_member(removed, name="已核减", relationship=Relationship.SON, gender=Gender.FEMALE)
    assert fails("G01") == set()


# G02 户主与配偶同性别 --------------------------------------------------------

@pytest.mark.parametrize("gender", [Gender.MALE, Gender.FEMALE])
def test_g02_fires_when_the_spouse_has_the_heads_gender(village, fails, gender):
    household, _ = family(village, head={"gender": gender})
    make_member(household, relationship=Relationship.SPOUSE, gender=gender)
    assert fails("G02") == {household.number}


def test_g02_fires_when_one_of_two_spouses_has_the_heads_gender(village, fails):
    household, _ = family(village)
    make_member(household, relationship=Relationship.SPOUSE, gender=Gender.FEMALE)
    make_member(household, relationship=Relationship.SPOUSE, gender=Gender.MALE)
    assert fails("G02") == {household.number}


def test_g02_is_silent_for_a_spouse_of_the_other_gender(village, fails):
    household, _ = family(village)
    make_member(household, relationship=Relationship.SPOUSE, gender=Gender.FEMALE)
    assert fails("G02") == set()


def test_g02_is_silent_when_a_gender_is_not_recorded(village, fails):
    no_spouse_gender, _ = family(village)
    make_member(no_spouse_gender, relationship=Relationship.SPOUSE, gender="")
    no_head_gender, _ = family(village, head={"gender": ""})
    make_member(no_head_gender, relationship=Relationship.SPOUSE, gender="")
    assert fails("G02") == set()


def test_g02_is_silent_without_exactly_one_active_head(village, fails):
    two_heads, _ = family(village)
    make_member(two_heads, relationship=Relationship.HEAD, gender=Gender.MALE)
    make_member(two_heads, relationship=Relationship.SPOUSE, gender=Gender.MALE)
    no_head = make_household(village, members=0)
    make_member(no_head, relationship=Relationship.HEAD, gender=Gender.MALE, status=MemberStatus.DECEASED)
    make_member(no_head, relationship=Relationship.SPOUSE, gender=Gender.MALE)
    assert fails("G02") == set()


def test_g02_reads_only_active_spouses_of_active_households(village, fails):
    moved, _ = family(village)
    make_member(moved, relationship=Relationship.SPOUSE, gender=Gender.MALE, status=MemberStatus.MOVED_OUT)
    removed, _ = family(village, removed_on=REMOVED_ON)
    make_member(removed, relationship=Relationship.SPOUSE, gender=Gender.MALE)
    assert fails("G02") == set()


def test_g02_says_the_shared_gender(village, message):
    household, _ = family(village, head={"gender": Gender.FEMALE})
    make_member(household, relationship=Relationship.SPOUSE, gender=Gender.FEMALE)
    assert message("G02", household) == ["户主与在册配偶性别同为女"]


# G03 配偶多于一人 ------------------------------------------------------------

def test_g03_fires_for_two_active_spouses(village, fails, message):
    household, _ = family(village)
    make_member(household, relationship=Relationship.SPOUSE, gender=Gender.FEMALE)
    make_member(household, relationship=Relationship.SPOUSE, gender="")
    assert fails("G03") == {household.number}
    assert message("G03", household) == ["在册配偶 2 人"]


def test_g03_fires_without_a_head_too(village, fails):
    household = make_household(village, members=0)
    make_member(household, relationship=Relationship.SPOUSE, gender=Gender.FEMALE)
    make_member(household, relationship=Relationship.SPOUSE, gender=Gender.FEMALE)
    make_member(household, relationship=Relationship.SPOUSE, gender=Gender.FEMALE)
    assert fails("G03") == {household.number}


def test_g03_is_silent_for_one_active_spouse(village, fails):
    household, _ = family(village)
    make_member(household, relationship=Relationship.SPOUSE, gender=Gender.FEMALE)
    make_member(household, relationship=Relationship.SPOUSE, gender=Gender.FEMALE, status=MemberStatus.DECEASED)
    removed, _ = family(village, removed_on=REMOVED_ON)
    make_member(removed, relationship=Relationship.SPOUSE, gender=Gender.FEMALE)
    make_member(removed, relationship=Relationship.SPOUSE, gender=Gender.FEMALE)
    assert fails("G03") == set()


# G04 父母与户主年龄差异常 ------------------------------------------------------

@pytest.mark.parametrize("relationship", [Relationship.FATHER, Relationship.MOTHER])
def test_g04_fires_when_the_parent_is_less_than_15_years_older(village, fails, relationship):
    household, _ = family(village, head={"born": aged(50)})
    make_member(household, name="大14岁", relationship=relationship, born=aged(64))
    make_member(household, name="同龄", relationship=relationship, born=aged(50))
    make_member(household, name="大15岁", relationship=relationship, born=aged(65))
    assert fails("G04") == {"大14岁", "同龄"}


def test_g04_compares_whole_ages_on_the_reference_date(village, fails):
    household, _ = family(village, head={"born": aged(50)})
    # 64 on the reference date (65 the next day): 50 + 15 > 64
    make_member(household, name="次日满65", relationship=Relationship.FATHER, born=turning_next_day(65))
    assert fails("G04") == {"次日满65"}


@pytest.mark.parametrize("relationship", [Relationship.SON, Relationship.SPOUSE, Relationship.OTHER,
                                          Relationship.SIBLING])
def test_g04_reads_only_parents(village, fails, relationship):
    household, _ = family(village, head={"born": aged(50)})
    make_member(household, name="他人", relationship=relationship, born=aged(55))
    assert fails("G04") == set()


def test_g04_is_silent_without_exactly_one_active_head(village, fails):
    two_heads, _ = family(village, head={"born": aged(50)})
    make_member(two_heads, relationship=Relationship.HEAD, born=aged(50))
    make_member(two_heads, name="两户主之父", relationship=Relationship.FATHER, born=aged(55))
    no_head = make_household(village, members=0)
    make_member(no_head, relationship=Relationship.HEAD, born=aged(50), status=MemberStatus.DECEASED)
    make_member(no_head, name="无户主之父", relationship=Relationship.FATHER, born=aged(55))
    assert fails("G04") == set()


def test_g04_is_silent_without_a_birth_date(village, fails):
    no_head_birth, _ = family(village, head={"birth_date": None})
    make_member(no_head_birth, name="户主无生日", relationship=Relationship.FATHER, born=aged(55))
    household, _ = family(village, head={"born": aged(50)})
    make_member(household, name="本人无生日", relationship=Relationship.MOTHER, birth_date=None)
    assert fails("G04") == set()


def test_g04_is_silent_for_an_inactive_parent(village, fails):
    household, _ = family(village, head={"born": aged(50)})
    make_member(household, name="已死亡", relationship=Relationship.FATHER, born=aged(55),
                status=MemberStatus.DECEASED)
    assert fails("G04") == set()
