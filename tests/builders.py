"""Small builders for test data: one call makes a valid record, keyword overrides make it wrong."""

import datetime
import itertools
from decimal import Decimal

from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from households import id_numbers
from households.choices import (
    AreaLevel,
    Employment,
    Gender,
    HouseholdType,
    LabourAbility,
    MedicalInsurance,
    MemberStatus,
    Relationship,
    StudentStatus,
)
from households.models import AnnualIncome, Area, Household, Member, YearParameters

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


def make_area(code: str, name: str | None = None) -> Area:
    level = Area.level_for_code(code)
    parent = None
    if level == AreaLevel.TOWNSHIP:
        parent = Area.objects.get_or_create(code=code[:6], defaults={"name": f"县{code[:6]}", "level": AreaLevel.COUNTY})[0]
    elif level == AreaLevel.VILLAGE:
        parent = make_area(code[:9])
    area, _ = Area.objects.get_or_create(
        code=code, defaults={"name": name or f"区划{code}", "level": level, "parent": parent}
    )
    return area


def make_household(village: Area | str, *, number: str | None = None, members: int = 1, **fields) -> Household:
    """A household with `members` valid active members (the first is the head)."""
    if isinstance(village, str):
        village = make_area(village)
    defaults = {
        "household_type": HouseholdType.ORDINARY,
        "phone": "13800138000",
        "housing_safe": True,
        "water_safe": True,
    }
    household = Household.objects.create(
        village=village, number=number or f"{village.code}{next(_sequence):05d}", **{**defaults, **fields}
    )
    for index in range(members):
        make_member(household, relationship=Relationship.HEAD if index == 0 else Relationship.SON)
    return household


def make_member(household: Household, *, born: datetime.date = datetime.date(1980, 5, 17),
                gender: str = Gender.MALE, **fields) -> Member:
    sequence = next(_sequence) % 500 * 2 + (1 if gender == Gender.MALE else 0)
    defaults = {
        "name": f"成员{sequence}",
        "id_number": id_numbers.make(household.village_id[:6], born, sequence),
        "gender": gender,
        "birth_date": born,
        "relationship": Relationship.HEAD,
        "student_status": StudentStatus.NOT_STUDENT,
        "labour_ability": LabourAbility.ORDINARY,
        "employment": Employment.NONE,
        "months_worked": 0,
        "medical_insurance": MedicalInsurance.RESIDENT,
        "status": MemberStatus.NORMAL,
    }
    return Member.objects.create(household=household, **{**defaults, **fields})


def make_income(household: Household, year: int, **amounts) -> AnnualIncome:
    return AnnualIncome.objects.create(
        household=household, year=year, **{k: Decimal(str(v)) for k, v in amounts.items()}
    )


TEST_COUNTIES = ("230381", "340323")  # the shared world's two counties (tests/conftest.py)


def make_year(year: int = 2025, monitoring_line: str = "7600", current: bool = True,
              county: str | None = None) -> YearParameters:
    """The year's lines in `county`, or (by default) in each of the shared world's counties; returns the first."""
    rows = [
        YearParameters.objects.create(
            county=code, year=year, monitoring_line=Decimal(monitoring_line), is_current=current
        )
        for code in ([county] if county else TEST_COUNTIES)
    ]
    return rows[0]


def make_user(username: str, role: str = "", area: Area | str | None = None) -> User:
    if isinstance(area, str):
        area = make_area(area)
    user = User(username=username, role=role, area=area)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_phone(user, *, recovery_codes: tuple[str, ...] = ()):
    """A confirmed TOTP device (the user's phone) and, if given, recovery codes."""
    if recovery_codes:
        codes = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
        for code in recovery_codes:
            codes.token_set.create(token=code)
    return TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=True)


def totp_code(device, *, steps_ahead: int = 0) -> str:
    """The six digits the phone shows now (or `steps_ahead` 30-second steps later), as an app
    computes them from the secret."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"
