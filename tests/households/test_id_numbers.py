import datetime

import pytest

from households import id_numbers


def test_it_accepts_the_example_of_the_standard():
    assert id_numbers.is_valid("11010519491231002X")


@pytest.mark.parametrize(
    "value, message",
    [
        ("11010519491231002", "应为18位"),
        ("11010519491231002x", "大写X"),  # a lowercase x is invalid
        ("１1010519491231002X", "前17位应为数字"),  # a full-width digit is invalid
        ("110105194902300028", "出生日期"),  # 30 February
        ("110105194912310021", "校验码应为 X"),
    ],
)
def test_it_says_what_is_wrong(value, message):
    assert message in id_numbers.problem(value)


def test_made_numbers_are_valid_and_carry_birth_date_and_gender():
    number = id_numbers.make("230381", datetime.date(2004, 2, 29), 7)
    assert id_numbers.is_valid(number)
    assert id_numbers.birth_date(number) == datetime.date(2004, 2, 29)
    assert id_numbers.is_male(number)
    assert not id_numbers.is_male(id_numbers.make("230381", datetime.date(2004, 2, 29), 8))


def test_masks_keep_only_the_region():  # why: tests/households/test_masking.py
    assert id_numbers.mask("23038119800517123X") == "230381************"
    assert id_numbers.mask_phone("13812345678") == "138****5678"
