"""The resident identity number (GB 11643-1999): one stored form, validation, parts and masking."""

import datetime
import re
import unicodedata
from operator import mul

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"  # indexed by (weighted sum mod 11)
SHAPE = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def normalise(value) -> str:
    """The one form an ID number is stored and compared in, whoever typed it.

    Full-width digits and letters become ASCII (NFKC), every space and invisible
    character goes, and the check character `x` is upper case: `１１０１０５…002ｘ `
    and `110105…002X` are the same number. Nothing else changes, so a number that is
    wrong stays wrong (rule B01 still finds it). Every write path (forms, the workbook
    import, the demo, change approval, department lists) stores this form.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE)
    return "".join(text.split()).upper()


def check_character(first17: str) -> str:
    """The 18th character that the first 17 digits call for."""
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"check_character takes 17 digits, not {len(first17)}")
    total = sum(map(mul, map(int, first17), WEIGHTS))  # no generator: the import checks every member's ID
    return CHECK_CHARACTERS[total % 11]


def birth_date(id_number: str) -> datetime.date | None:
    """Digits 7–14 as a date, or None when they are not a real calendar date."""
    digits = id_number[6:14]
    if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
        return None
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


CHECK_WRONG = "证件号码第18位校验码不正确"


def problem(id_number: str, *, tell_check: bool = True) -> str | None:
    """What is wrong with an ID number, in words a clerk can act on; None when valid.

    `tell_check=False` leaves out which check character the first 17 digits call for: said
    beside a masked number (a ticket's message), it would narrow the hidden digits down."""
    if len(id_number) != 18:
        return f"证件号码应为18位，当前为{len(id_number)}位"
    if not SHAPE.fullmatch(id_number):
        return "证件号码前17位应为数字，第18位应为数字或大写X"
    if birth_date(id_number) is None:
        return "证件号码第7–14位不是有效的出生日期"
    expected = check_character(id_number[:17])
    if id_number[17] != expected:
        return f"证件号码第18位校验码应为 {expected}" if tell_check else CHECK_WRONG
    return None


def is_valid(id_number: str) -> bool:
    return problem(id_number) is None


def is_male(id_number: str) -> bool:
    """The 17th digit: odd for men, even for women (only meaningful for a valid number)."""
    return int(id_number[16]) % 2 == 1


def make(region: str, born: datetime.date, sequence: int) -> str:
    """A valid ID number from its parts (the demo and the tests build them)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


# What a masked ID number keeps: the 6-digit region code, nothing else (docs/masking.md).
MASK_KEEPS = 6


def mask(id_number: str) -> str:
    """`360732************`: only the region stays visible.

    A page that shows an ID masked also shows the birth date, the gender and the area,
    which are digits 1–14 and the parity of digit 17: whatever else a mask shows narrows
    the number down. Hiding digits 7–18 leaves digits 15–16 (100 ways) and 17 (5 ways,
    given the gender) unknown, so 500 valid numbers fit everything on the page; the
    check character follows from the rest and tells nothing more. A value shorter than
    18 characters (an old 15-digit number, a typo) is hidden in full.
    """
    if len(id_number) < 18:
        return "*" * len(id_number)
    return id_number[:MASK_KEEPS] + "*" * (len(id_number) - MASK_KEEPS)


def mask_phone(phone: str) -> str:
    """`138****5678` for a mobile number; other numbers keep only their last four."""
    if len(phone) <= 4:
        return "*" * len(phone)
    if len(phone) == 11:
        return phone[:3] + "****" + phone[-4:]
    return "*" * (len(phone) - 4) + phone[-4:]
