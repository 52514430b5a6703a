"""R01–R07, monitoring and assistance (监测帮扶类), and the risk coefficient (风险系数) behind R01/R02."""

import datetime
import re
from decimal import Decimal

import pytest

from households.choices import (
    DisabilityGrade,
    Health,
    LabourAbility,
    MedicalInsurance,
    MemberStatus,
    MonitoringType,
    RiskStatus,
    RiskType,
    StudentStatus,
)
from households.models import AssistanceMeasure
from rules.bases import household_base
from rules.parameters import parameters_for
from rules.risk import annotate_factors, risk_of
from tests.builders import make_household, make_income, make_member
from tests.rules.builders import REFERENCE_DATE, aged, disable, set_parameter

pytestmark = pytest.mark.django_db

UNRESOLVED = {"monitoring_type": MonitoringType.MARGINAL, "risk_status": RiskStatus.UNRESOLVED,
              "included_on": datetime.date(2024, 6, 1), "risk_types": [RiskType.ILLNESS]}
ELIMINATED = {"monitoring_type": MonitoringType.MARGINAL, "risk_status": RiskStatus.ELIMINATED,
              "included_on": datetime.date(2024, 1, 1), "eliminated_on": datetime.date(2025, 1, 1),
              "risk_types": [RiskType.ILLNESS]}
REMOVED = {"removed_on": datetime.date(2025, 3, 1)}


def calm(village, *, wage="60000", **fields):
    """One able, healthy, insured adult with 60,000 of income in 2025: no risk factor holds, risk 0
    (and none while 60,000 ÷ the members stays at or above 1.5 × 7,600)."""
    household = make_household(village, members=1, **fields)
    if wage is not None:
        make_income(household, 2025, wage=wage)
    return household


def risk(household) -> Decimal:
    params = parameters_for(2025, county="230381")
    base = annotate_factors(household_base(params=params, area_prefix="230381"), params)
    return base.values_list("risk", flat=True).get(pk=household.pk)


# the risk coefficient: each factor alone gives its weight --------------------------

def test_risk_a_calm_household_has_risk_zero(village):
    assert risk(calm(village)) == 0


def test_risk_income_below_line_holds_a_cent_below_the_line(village):
    assert risk(calm(village, wage="7599.99")) == Decimal("0.6")


def test_risk_income_near_line_holds_from_exactly_the_line(village):
    assert risk(calm(village, wage="7600")) == Decimal("0.3")


def test_risk_income_near_line_holds_up_to_a_cent_below_one_and_a_half_lines(village):
    assert (risk(calm(village, wage="11399.99")), risk(calm(village, wage="11400"))) == (Decimal("0.3"), 0)


def test_risk_income_factors_compare_per_capita_income(village):
    household = calm(village, wage="22799.99")  # 3 members: 7,599.996… each
    make_member(household)
    make_member(household)
    assert risk(household) == Decimal("0.6")


def test_risk_income_drop_holds_at_exactly_seventy_percent_of_last_year(village):
    household = calm(village, wage="14000")
    make_income(household, 2024, wage="20000")
    assert risk(household) == Decimal("0.3")


def test_risk_income_drop_does_not_hold_a_cent_above_seventy_percent(village):
    household = calm(village, wage="14000.01")
    make_income(household, 2024, wage="20000")
    assert risk(household) == 0


def test_risk_income_drop_needs_a_positive_income_last_year(village):
    household = calm(village, wage="14000")
    make_income(household, 2024)
    assert risk(household) == 0


def test_risk_income_factors_do_not_hold_without_the_income_of_y(village):
    household = calm(village, wage=None)
    make_income(household, 2024, wage="20000")
    assert risk(household) == 0


@pytest.mark.parametrize("health, expected", [(Health.MAJOR_ILLNESS, "0.35"), (Health.CHRONIC, "0")])
def test_risk_major_illness(village, health, expected):
    household = calm(village)
    make_member(household, health=health)
    assert risk(household) == Decimal(expected)


@pytest.mark.parametrize("grade, expected", [
    (DisabilityGrade.GRADE_1, "0.25"), (DisabilityGrade.GRADE_2, "0.25"),
    (DisabilityGrade.GRADE_3, "0"), (DisabilityGrade.GRADE_4, "0"),
])
def test_risk_severe_disability_is_grade_one_or_two(village, grade, expected):
    household = calm(village)
    make_member(household, disability_grade=grade)
    assert risk(household) == Decimal(expected)


def test_risk_inactive_members_bring_no_factor(village):
    household = calm(village)
    make_member(household, status=MemberStatus.DECEASED, health=Health.MAJOR_ILLNESS,
                disability_grade=DisabilityGrade.GRADE_1, student_status=StudentStatus.DROPOUT,
                medical_insurance=MedicalInsurance.NONE)
    assert risk(household) == 0


@pytest.mark.parametrize("ability, expected", [
    (LabourAbility.WEAK, "0.35"), (LabourAbility.LOST, "0.35"), (LabourAbility.NONE, "0.35"),
    (LabourAbility.SKILLED, "0"), (LabourAbility.ORDINARY, "0"),
])
def test_risk_no_labour(village, ability, expected):
    household = make_household(village, members=0)
    make_member(household, labour_ability=ability)
    make_member(household, labour_ability=LabourAbility.WEAK)
    make_income(household, 2025, wage="40000")
    assert risk(household) == Decimal(expected)


def test_risk_no_labour_does_not_count_an_inactive_labourer(village):
    household = make_household(village, members=0)
    make_member(household, labour_ability=LabourAbility.WEAK)
    make_member(household, labour_ability=LabourAbility.SKILLED, status=MemberStatus.MOVED_OUT)
    make_income(household, 2025, wage="40000")
    assert risk(household) == Decimal("0.35")


def test_risk_medical_burden_holds_at_exactly_half_of_net_income(village):
    household = make_household(village, members=1)
    make_income(household, 2025, wage="20000", medical_expense="10000")
    below = make_household(village, members=1)
    make_income(below, 2025, wage="20000", medical_expense="9999.99")
    assert (risk(household), risk(below)) == (Decimal("0.4"), 0)


def test_risk_medical_burden_holds_for_any_expense_when_net_income_is_not_positive(village):
    household = make_household(village, members=1)
    make_income(household, 2025, medical_expense="0.01")
    without = make_household(village, members=1)
    make_income(without, 2025, operating_expense="100")
    # with income below the line too: 1 − 0.40 × 0.60 = 0.76; without the expense 0.60
    assert (risk(household), risk(without)) == (Decimal("0.76"), Decimal("0.6"))


def test_risk_education_burden_holds_at_exactly_thirty_percent_of_net_income(village):
    household = make_household(village, members=1)
    make_income(household, 2025, wage="20000", education_expense="6000")
    below = make_household(village, members=1)
    make_income(below, 2025, wage="20000", education_expense="5999.99")
    assert (risk(household), risk(below)) == (Decimal("0.2"), 0)


def test_risk_education_burden_holds_for_any_expense_when_net_income_is_not_positive(village):
    household = make_household(village, members=1)
    make_income(household, 2025, education_expense="0.01")
    assert risk(household) == Decimal("0.68")  # 1 − 0.40 × 0.80


def test_risk_burdens_do_not_hold_without_the_income_of_y(village):
    household = calm(village, wage=None)
    make_income(household, 2024, medical_expense="50000", education_expense="50000")
    assert risk(household) == 0


@pytest.mark.parametrize("fields, expected", [
    ({"housing_safe": False}, "0.5"), ({"housing_safe": None}, "0"),
    ({"water_safe": False}, "0.4"), ({"water_safe": None}, "0"),
])
def test_risk_housing_and_water_unsafe(village, fields, expected):
    assert risk(calm(village, **fields)) == Decimal(expected)


@pytest.mark.parametrize("age", [12, 30])
def test_risk_dropout_at_any_age(village, age):
    household = calm(village)
    make_member(household, born=aged(age), student_status=StudentStatus.DROPOUT)
    assert risk(household) == Decimal("0.5")


def test_risk_uninsured_has_no_newborn_exception(village):
    household = calm(village)
    make_member(household, born=REFERENCE_DATE - datetime.timedelta(days=10), medical_insurance=MedicalInsurance.NONE)
    assert risk(household) == Decimal("0.3")


def test_risk_factors_combine_as_independent_probabilities(village):
    household = calm(village, wage="5000", housing_safe=False)
    make_member(household, health=Health.MAJOR_ILLNESS)
    assert risk(household) == Decimal("0.8700")  # 1 − 0.40 × 0.65 × 0.50


def test_risk_coefficient_rounds_an_exact_half_up(village):
    """0.88625 → 0.8863: major illness, uninsured, unsafe housing and a dropout (1 − 0.65 × 0.70 × 0.50 × 0.50)."""
    household = calm(village, housing_safe=False)
    make_member(household, born=aged(14), health=Health.MAJOR_ILLNESS, student_status=StudentStatus.DROPOUT,
                medical_insurance=MedicalInsurance.NONE)
    factors = ["major_illness", "uninsured", "housing_unsafe", "dropout"]
    assert (risk(household), risk_of(factors, parameters_for(2025, county="230381"))) == (Decimal("0.8863"), Decimal("0.8863"))


def test_risk_weights_are_read_from_the_catalog_parameters(village):
    set_parameter("weight_housing_unsafe", "0.1234")
    assert risk(calm(village, housing_safe=False)) == Decimal("0.1234")


def test_risk_rounding_of_a_changed_weight_is_half_up_too(village):
    set_parameter("weight_water_unsafe", "0.4999")  # 1 − 0.50 × 0.5001 = 0.74995
    assert risk(calm(village, housing_safe=False, water_safe=False)) == Decimal("0.7500")


# R01 风险系数达到乡镇审核线 / R02 风险系数达到县级复核线 ----------------------

def risky(village, weight, **fields):
    """A calm household whose only factor is unsafe housing, weighted `weight`."""
    set_parameter("weight_housing_unsafe", weight)
    return calm(village, housing_safe=False, **fields)


def test_r01_fires_at_exactly_0_75(village, fails):
    household = risky(village, "0.75")
    assert (fails("R01"), fails("R02")) == ({household.number}, set())


def test_r01_is_silent_just_below_0_75(village, fails):
    risky(village, "0.7499")
    assert (fails("R01"), fails("R02")) == (set(), set())


def test_r01_fires_when_the_exact_coefficient_rounds_up_to_0_75(village, fails):
    set_parameter("weight_water_unsafe", "0.4999")  # 0.74995 → 0.7500
    household = calm(village, housing_safe=False, water_safe=False)
    assert fails("R01") == {household.number}


def test_r01_is_silent_when_the_exact_coefficient_rounds_down_below_0_75(village, fails):
    set_parameter("weight_water_unsafe", "0.4998")  # 0.7499 exactly
    calm(village, housing_safe=False, water_safe=False)
    assert fails("R01") == set()


def test_r02_fires_at_exactly_0_85_and_r01_stops(village, fails):
    household = risky(village, "0.85")
    assert (fails("R01"), fails("R02")) == (set(), {household.number})


def test_r02_is_silent_just_below_0_85_where_r01_fires(village, fails):
    household = risky(village, "0.8499")
    assert (fails("R01"), fails("R02")) == ({household.number}, set())


def test_r02_fires_when_the_exact_coefficient_rounds_up_to_0_85(village, fails):
    set_parameter("weight_water_unsafe", "0.6999")  # 1 − 0.50 × 0.3001 = 0.84995 → 0.8500
    household = calm(village, housing_safe=False, water_safe=False)
    assert (fails("R01"), fails("R02")) == (set(), {household.number})


def test_r02_fires_for_the_half_up_example(village, fails):
    household = calm(village, housing_safe=False)
    make_member(household, born=aged(14), health=Health.MAJOR_ILLNESS, student_status=StudentStatus.DROPOUT,
                medical_insurance=MedicalInsurance.NONE)
    assert fails("R02") == {household.number}


def test_r02_message_shows_the_coefficient_to_4_decimals(village, message):
    household = calm(village, housing_safe=False)
    make_member(household, born=aged(14), health=Health.MAJOR_ILLNESS, student_status=StudentStatus.DROPOUT,
                medical_insurance=MedicalInsurance.NONE)
    [text] = message("R02", household)
    assert re.search(r"风险系数 0\.8863(?![0-9])", text), text
    assert "0.85" in text


def test_r01_message_shows_the_coefficient_to_4_decimals(village, message):
    household = risky(village, "0.8")
    [text] = message("R01", household)
    assert re.search(r"风险系数 0\.8(000)?(?![0-9])", text), text


def test_r01_and_r02_are_silent_for_an_unresolved_household(village, fails):
    risky(village, "0.80", **UNRESOLVED)
    set_parameter("weight_water_unsafe", "0.90")
    calm(village, water_safe=False, **UNRESOLVED)
    assert (fails("R01"), fails("R02")) == (set(), set())


def test_r01_and_r02_fire_for_an_eliminated_household(village, fails):
    township = risky(village, "0.80", **ELIMINATED)
    set_parameter("weight_water_unsafe", "0.90")
    county = calm(village, water_safe=False, **ELIMINATED)
    assert (fails("R01"), fails("R02")) == ({township.number}, {county.number})


def test_r01_and_r02_read_their_thresholds(village, fails):
    set_parameter("risk_township", "0.40")
    set_parameter("risk_county", "0.50")
    township = calm(village, water_safe=False)    # 0.40
    county = calm(village, housing_safe=False)    # 0.50
    assert (fails("R01"), fails("R02")) == ({township.number}, {county.number})


def test_r01_and_r02_ignore_a_removed_household(village, fails):
    risky(village, "0.80", **REMOVED)
    set_parameter("weight_water_unsafe", "0.90")
    calm(village, water_safe=False, **REMOVED)
    assert (fails("R01"), fails("R02")) == (set(), set())


# R03 风险消除不精准 -----------------------------------------------------------

def eliminated(village, *, wage="20000", **fields):
    return calm(village, wage=wage, **{**ELIMINATED, **fields})


def test_r03_is_silent_for_an_eliminated_household_at_exactly_the_line(village, fails):
    eliminated(village, wage="7600")
    assert fails("R03") == set()


def test_r03_fires_when_per_capita_income_is_a_cent_below_the_line(village, fails):
    household = eliminated(village, wage="7599.99")
    assert fails("R03") == {household.number}


def test_r03_is_silent_without_the_income_of_y(village, fails):
    eliminated(village, wage=None)
    assert fails("R03") == set()


@pytest.mark.parametrize("fields", [{"housing_safe": False}, {"water_safe": False}])
def test_r03_fires_for_unsafe_housing_or_water(village, fails, fields):
    household = eliminated(village, **fields)
    assert fails("R03") == {household.number}


def test_r03_fires_for_a_dropout_of_16_and_not_of_17(village, fails):
    sixteen = eliminated(village)
    make_member(sixteen, born=aged(16), student_status=StudentStatus.DROPOUT)
    seventeen = eliminated(village)
    make_member(seventeen, born=aged(17), student_status=StudentStatus.DROPOUT)
    assert fails("R03") == {sixteen.number}


def test_r03_fires_for_an_uninsured_member_but_not_a_newborn(village, fails):
    ninety_days = eliminated(village)
    make_member(ninety_days, born=REFERENCE_DATE - datetime.timedelta(days=90), medical_insurance=MedicalInsurance.NONE)
    newborn = eliminated(village)
    make_member(newborn, born=REFERENCE_DATE - datetime.timedelta(days=89), medical_insurance=MedicalInsurance.NONE)
    assert fails("R03") == {ninety_days.number}


def test_r03_reads_a03_and_a04_even_when_they_are_disabled(village, fails):
    disable("A03")
    disable("A04")
    dropout = eliminated(village)
    make_member(dropout, born=aged(12), student_status=StudentStatus.DROPOUT)
    uninsured = eliminated(village)
    make_member(uninsured, medical_insurance=MedicalInsurance.NONE)
    assert fails("R03") == {dropout.number, uninsured.number}


def test_r03_ignores_inactive_members(village, fails):
    household = eliminated(village)
    make_member(household, born=aged(12), student_status=StudentStatus.DROPOUT, status=MemberStatus.MOVED_OUT)
    make_member(household, medical_insurance=MedicalInsurance.NONE, status=MemberStatus.DECEASED)
    assert fails("R03") == set()


def test_r03_reads_only_eliminated_households(village, fails):
    calm(village, wage="100", housing_safe=False, **UNRESOLVED)
    calm(village, wage="100", housing_safe=False)
    calm(village, wage="100", housing_safe=False, risk_status=RiskStatus.ELIMINATED)  # not monitored
    assert fails("R03") == set()


def test_r03_ignores_a_removed_household(village, fails):
    eliminated(village, wage="100", **REMOVED)
    assert fails("R03") == set()


# R04 监测对象未落实帮扶措施 ---------------------------------------------------

def measure(household, year):
    AssistanceMeasure.objects.create(household=household, year=year, measure_type="health", content="医疗救助")


def test_r04_fires_for_an_unresolved_household_without_a_measure_of_y(village, fails):
    none = calm(village, **UNRESOLVED)
    last_year = calm(village, **UNRESOLVED)
    measure(last_year, 2024)
    assert fails("R04") == {none.number, last_year.number}


def test_r04_is_silent_with_a_measure_of_y(village, fails):
    household = calm(village, **UNRESOLVED)
    measure(household, 2025)
    assert fails("R04") == set()


def test_r04_reads_only_unresolved_households(village, fails):
    calm(village, **ELIMINATED)
    calm(village)
    calm(village, monitoring_type=MonitoringType.MARGINAL)
    assert fails("R04") == set()


def test_r04_ignores_a_removed_household(village, fails):
    calm(village, **UNRESOLVED, **REMOVED)
    assert fails("R04") == set()


# R05 监测对象未标注风险类型 ---------------------------------------------------

def test_r05_fires_for_a_monitored_household_without_risk_type(village, fails):
    unresolved = calm(village, **{**UNRESOLVED, "risk_types": []})
    done = calm(village, **{**ELIMINATED, "risk_types": []})
    no_status = calm(village, monitoring_type=MonitoringType.SUDDEN_HARDSHIP)
    assert fails("R05") == {unresolved.number, done.number, no_status.number}


def test_r05_is_silent_with_a_risk_type(village, fails):
    calm(village, **{**UNRESOLVED, "risk_types": [RiskType.OTHER]})
    assert fails("R05") == set()


def test_r05_reads_only_monitored_households(village, fails):
    calm(village)
    calm(village, risk_status=RiskStatus.UNRESOLVED)
    assert fails("R05") == set()


def test_r05_ignores_a_removed_household(village, fails):
    calm(village, monitoring_type=MonitoringType.MARGINAL, **REMOVED)
    assert fails("R05") == set()


# R06 风险消除时间过短 ---------------------------------------------------------

def eliminated_after(village, days, **fields):
    included = datetime.date(2024, 11, 15)
    return calm(village, **{**ELIMINATED, "included_on": included,
                            "eliminated_on": included + datetime.timedelta(days=days), **fields})


def test_r06_fires_at_179_days(village, fails):
    household = eliminated_after(village, 179)
    assert fails("R06") == {household.number}


def test_r06_is_silent_at_180_days(village, fails):
    eliminated_after(village, 180)
    assert fails("R06") == set()


def test_r06_reads_only_eliminated_households(village, fails):
    eliminated_after(village, 10, risk_status=RiskStatus.UNRESOLVED)
    eliminated_after(village, 10, monitoring_type="")
    assert fails("R06") == set()


def test_r06_is_silent_without_either_date(village, fails):
    eliminated_after(village, 10, included_on=None)
    eliminated_after(village, 10, eliminated_on=None)
    assert fails("R06") == set()


def test_r06_reads_elimination_min_days(village, fails):
    set_parameter("elimination_min_days", "365")
    short = eliminated_after(village, 364)
    eliminated_after(village, 365)
    assert fails("R06") == {short.number}


def test_r06_ignores_a_removed_household(village, fails):
    eliminated_after(village, 10, **REMOVED)
    assert fails("R06") == set()


# R07 监测日期逻辑错误 ---------------------------------------------------------

def test_r07_is_silent_for_consistent_dates(village, fails):
    calm(village, **UNRESOLVED)
    calm(village, **ELIMINATED)
    calm(village, **{**ELIMINATED, "eliminated_on": ELIMINATED["included_on"]})  # the same day is not before
    calm(village)
    assert fails("R07") == set()


def test_r07_fires_for_a_monitored_household_without_included_date(village, fails):
    unresolved = calm(village, **{**UNRESOLVED, "included_on": None})
    done = calm(village, **{**ELIMINATED, "included_on": None})
    no_status = calm(village, monitoring_type=MonitoringType.MARGINAL)
    assert fails("R07") == {unresolved.number, done.number, no_status.number}


def test_r07_fires_for_an_eliminated_household_without_eliminated_date(village, fails):
    household = calm(village, **{**ELIMINATED, "eliminated_on": None})
    assert fails("R07") == {household.number}


def test_r07_fires_when_eliminated_a_day_before_included(village, fails):
    household = calm(village, **{**ELIMINATED, "eliminated_on": ELIMINATED["included_on"] - datetime.timedelta(days=1)})
    assert fails("R07") == {household.number}


def test_r07_fires_for_an_unresolved_household_with_an_eliminated_date(village, fails):
    household = calm(village, **{**UNRESOLVED, "eliminated_on": datetime.date(2025, 1, 1)})
    assert fails("R07") == {household.number}


def test_r07_is_silent_for_a_household_that_is_not_monitored(village, fails):
    calm(village, eliminated_on=datetime.date(2025, 1, 1))
    calm(village, risk_status=RiskStatus.ELIMINATED)  # B11's business
    assert fails("R07") == set()


def test_r07_ignores_a_removed_household(village, fails):
    calm(village, **{**UNRESOLVED, "included_on": None}, **REMOVED)
    assert fails("R07") == set()
