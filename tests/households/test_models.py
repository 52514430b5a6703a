"""What the database itself refuses to store, and the derived values defined as expressions."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from households import expressions
from households.choices import AreaLevel, MemberStatus
from households.models import AnnualIncome, Area, Household, Member
from tests.builders import make_area, make_household, make_income, make_member

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_negative_money_is_refused():
    household = make_household("230381100201")
    refused(lambda: make_income(household, 2025, wage="-0.01"))
    make_income(household, 2025, wage="0")


def test_months_worked_outside_0_to_12_are_refused():
    household = make_household("230381100201")
    refused(lambda: make_member(household, months_worked=13))
    make_member(household, months_worked=12)


def test_duplicate_household_numbers_are_refused():
    make_household("230381100201", number="H1")
    refused(lambda: make_household("230381100202", number="H1"))


def test_one_income_per_household_and_year():
    household = make_household("230381100201")
    make_income(household, 2025, wage="1")
    refused(lambda: make_income(household, 2025, wage="2"))


def test_a_child_area_must_extend_its_parents_code():
    county = make_area("230381")
    township = make_area("230381100")
    refused(lambda: Area.objects.create(code="340323100", name="错", level=AreaLevel.TOWNSHIP, parent=county))
    refused(lambda: Area.objects.create(code="230381101201", name="错", level=AreaLevel.VILLAGE, parent=township))
    refused(lambda: Area.objects.create(code="2303811002", name="错", level=AreaLevel.VILLAGE, parent=township))
    Area.objects.create(code="230381100299", name="对", level=AreaLevel.VILLAGE, parent=township)


def test_a_household_belongs_to_a_village_not_a_township():
    make_area("230381100")
    refused(lambda: Household.objects.create(number="X", village_id="230381100", household_type="ordinary"))


@pytest.mark.parametrize(
    "born, age",
    [
        (datetime.date(2009, 9, 30), 16),  # birthday on the reference date counts
        (datetime.date(2009, 10, 1), 15),  # a day later has not had it yet
        (datetime.date(2008, 12, 31), 16),
        (datetime.date(2025, 9, 30), 0),  # born on the reference date
        (datetime.date(2025, 10, 1), 0),  # born after it: 未满1岁 on a page, never −1
        (datetime.date(2026, 2, 1), 0),
    ],
)
def test_age_is_whole_years_on_30_september(born, age):
    household = make_household("230381100201", members=0)
    make_member(household, born=born)
    assert Member.objects.with_age(2025).get().age == age
    assert expressions.shown_age_of(born, 2025) == age  # a form's age, for a date not yet a row


@pytest.mark.parametrize(("day", "year"), [
    (datetime.date(2025, 9, 30), 2025), (datetime.date(2025, 10, 1), 2026), (datetime.date(2026, 1, 1), 2026),
])
def test_the_assessment_year_runs_from_1_october_to_30_september(day, year):
    assert expressions.assessment_year(day) == year


def test_age_is_unknown_without_a_birth_date():
    make_member(make_household("230381100201", members=0), birth_date=None)
    assert Member.objects.with_age(2025).get().age is None


def test_net_and_per_capita_income_count_only_active_members_and_empty_as_zero():
    household = make_household("230381100201", members=2)
    make_member(household, status=MemberStatus.DECEASED)
    make_income(household, 2025, wage="10000", operating_income="3000", operating_expense="1000.01",
                transfer_total="500.02")  # public-welfare and property income left empty
    income = AnnualIncome.objects.with_per_capita().get()
    assert income.net == Decimal("12500.01")
    assert income.size == 2
    assert income.per_capita == Decimal("6250.005")  # not rounded before anyone compares it

    listed = Household.objects.with_income(2025).filter(income_net=Decimal("12500.01")).get()  # an alias
    assert (listed.size, listed.income_per_capita) == (2, Decimal("6250.005"))


def test_per_capita_keeps_the_fraction_of_a_whole_yuan_net_income():
    """3001 yuan over 3 members is 1000.33…, not 1000: a whole amount is no reason to divide as integers."""
    make_income(make_household("230381100201", members=3), 2025, wage="3001")
    assert AnnualIncome.objects.with_per_capita().get().per_capita.quantize(Decimal("0.01")) == Decimal("1000.33")
    assert Household.objects.with_income(2025).get().income_per_capita.quantize(Decimal("0.01")) == Decimal("1000.33")


def test_per_capita_is_undefined_for_a_household_without_active_members():
    household = make_household("230381100201", members=0)
    make_income(household, 2025, wage="100")
    assert AnnualIncome.objects.with_per_capita().get().per_capita is None


def test_id_validity_is_stored_on_save():
    household = make_household("230381100201", members=0)
    assert make_member(household).id_valid
    assert not make_member(household, id_number="110105194912310021").id_valid
    # A lower-case x is stored upper-case (id_numbers.normalise), so it is valid.
    assert make_member(household, id_number="11010519491231002x").id_valid
