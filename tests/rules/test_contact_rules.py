"""P01–P02, contact details (联系方式类)."""

import datetime

import pytest

from tests.builders import make_area, make_household

pytestmark = pytest.mark.django_db

REMOVED = {"removed_on": datetime.date(2025, 3, 1)}
PHONE = "13912345678"


# P01 联系电话与其他户重复 ------------------------------------------------------

def test_p01_fires_for_each_of_two_households_sharing_a_mobile(village, fails, message):
    first = make_household(village, phone=PHONE)
    second = make_household(village, phone=PHONE)
    make_household(village, phone="13912345679")
    assert fails("P01") == {first.number, second.number}
    assert message("P01", first) == ["联系电话“139****5678”与其他 1 户在册户的联系电话相同"]


def test_p01_counts_the_other_households_not_their_numbers(village, fails, message):
    households = [make_household(village, phone=PHONE) for _ in range(3)]
    assert fails("P01") == {household.number for household in households}
    assert message("P01", households[0]) == ["联系电话“139****5678”与其他 2 户在册户的联系电话相同"]


def test_p01_is_silent_for_a_phone_held_by_one_household_only(village, fails):
    make_household(village, phone=PHONE)
    make_household(village, phone="13912345679")
    assert fails("P01") == set()


def test_p01_does_not_count_a_removed_household(village, fails):
    make_household(village, phone=PHONE)
    make_household(village, phone=PHONE, **REMOVED)
    assert fails("P01") == set()


def test_p01_ignores_a_removed_household_itself(village, fails):
    make_household(village, phone=PHONE, **REMOVED)
    make_household(village, phone=PHONE, **REMOVED)
    assert fails("P01") == set()


def test_p01_counts_households_anywhere_in_the_database(village, fails):
    here = make_household(village, phone=PHONE)
    make_household(make_area("340323100201", "别县村"), phone=PHONE)
    assert fails("P01") == {here.number}


@pytest.mark.parametrize("phone", ["0451-5123456", "04515123456", "12912345678", "1391234567", "139123456789",
                                   " 13912345678", "１３９１２３４５６７８", "13912345678\n", ""])
def test_p01_reads_only_valid_mobiles(village, fails, phone):
    make_household(village, phone=phone)
    make_household(village, phone=phone)
    assert fails("P01") == set()


def test_p01_compares_phones_as_exact_strings(village, fails):
    make_household(village, phone=PHONE)
    make_household(village, phone=PHONE + " ")
    assert fails("P01") == set()


def test_p01_reads_the_same_for_one_household_evaluated_alone(village, message):
    first = make_household(village, phone=PHONE)
    make_household(village, phone=PHONE)
    alone = make_household(village, phone="13912345679")
    assert len(message("P01", first)) == 1 and message("P01", alone) == []


# P02 帮扶责任人电话缺失或无效 --------------------------------------------------

@pytest.mark.parametrize("phone", ["", "12912345678", "1391234567", "0451-51234", "13912345678\n", "abc"])
def test_p02_fires_when_a_named_helpers_phone_is_empty_or_invalid(village, fails, phone):
    household = make_household(village, helper_name="王帮扶", helper_phone=phone)
    assert fails("P02") == {household.number}


@pytest.mark.parametrize("phone", ["13912345678", "0451-5123456", "04515123456", "010-12345678"])
def test_p02_is_silent_for_a_valid_phone(village, fails, phone):
    make_household(village, helper_name="王帮扶", helper_phone=phone)
    assert fails("P02") == set()


def test_p02_is_silent_without_a_helper(village, fails):
    make_household(village, helper_name="", helper_phone="")
    make_household(village, helper_name="", helper_phone="abc")
    assert fails("P02") == set()


def test_p02_ignores_a_removed_household(village, fails):
    make_household(village, helper_name="王帮扶", helper_phone="", **REMOVED)
    assert fails("P02") == set()


def test_p02_message_masks_the_helpers_phone(village, message):
    household = make_household(village, helper_name="王帮扶", helper_phone="12912345678")
    assert message("P02", household) == ["帮扶责任人王帮扶的电话“129****5678”缺失或格式无效"]
