"""I01–I15, income (收入类): pc(y) over the current active members, exact to the cent.

Y is 2025 with a monitoring line of 7,600 (2024: 7,300) and an attention line of 10,000.
"""

import datetime
from decimal import Decimal

import pytest

from households.choices import Employment, MemberStatus, MonitoringType, RiskStatus
from households.models import YearParameters
from tests.builders import make_household, make_income, make_member
from tests.rules.builders import aged, set_parameter, turning_next_day

pytestmark = pytest.mark.django_db

REMOVED = {"removed_on": datetime.date(2025, 3, 1)}
TRANSFER_PARTS = ["family_planning", "subsistence", "extreme_poverty_support", "pension", "eco_compensation",
                  "other_transfer"]


def home(village, size=1, **fields):
    """A household of `size` active adults, none working, nobody on a public-welfare job."""
    return make_household(village, members=size, **fields)


def with_incomes(village, size=1, *, household_fields=None, **nets_by_year):
    """A household whose net income of each year given (y2025=…, y2024=…) is all wage."""
    household = home(village, size, **(household_fields or {}))
    for key, net in nets_by_year.items():
        make_income(household, int(key[1:]), wage=net)
    return household


# I01 收入低于监测标准未纳入监测 -----------------------------------------------

def test_i01_is_silent_when_per_capita_income_is_exactly_the_line(village, fails):
    with_incomes(village, 3, y2025="22800")
    assert fails("I01") == set()


def test_i01_fires_one_cent_of_net_income_below_the_line(village, fails):
    # 22,799.99 / 3 = 7,599.996…: below the line although it rounds to 7,600.00
    household = with_incomes(village, 3, y2025="22799.99")
    assert fails("I01") == {household.number}


def test_i01_compares_exactly_where_floating_point_would_not(village, fails):
    YearParameters.objects.filter(year=2025).update(monitoring_line=Decimal("7600.01"))
    with_incomes(village, 3, y2025="22800.03")  # exactly 7,600.01 each; 22800.03 / 3 < 7600.01 in binary
    assert fails("I01") == set()


def test_i01_fires_for_an_eliminated_or_unmonitored_household_below_the_line(village, fails):
    plain = with_incomes(village, 1, y2025="5000")
    eliminated = with_incomes(village, 1, y2025="5000", household_fields={
        "monitoring_type": MonitoringType.MARGINAL, "risk_status": RiskStatus.ELIMINATED})
    no_status = with_incomes(village, 1, y2025="5000", household_fields={"monitoring_type": MonitoringType.MARGINAL})
    assert fails("I01") == {plain.number, eliminated.number, no_status.number}


def test_i01_is_silent_for_an_unresolved_household(village, fails):
    with_incomes(village, 1, y2025="5000", household_fields={
        "monitoring_type": MonitoringType.MARGINAL, "risk_status": RiskStatus.UNRESOLVED})
    assert fails("I01") == set()


def test_i01_is_silent_without_the_income_of_y(village, fails):
    with_incomes(village, 1, y2024="100")
    assert fails("I01") == set()


def test_i01_is_silent_without_an_active_member(village, fails):
    household = home(village, 0)
    make_member(household, status=MemberStatus.DECEASED)
    make_income(household, 2025, wage="100")
    assert fails("I01") == set()


def test_i01_divides_by_the_active_members_only(village, fails):
    household = with_incomes(village, 2, y2025="15200")
    make_member(household, status=MemberStatus.DECEASED)
    make_member(household, status=MemberStatus.MOVED_OUT)
    assert fails("I01") == set()  # 15,200 / 2 = 7,600, not / 4


def test_i01_counts_empty_amounts_as_zero(village, fails):
    only_wage = home(village)
    make_income(only_wage, 2025, wage="7599.99")
    all_empty = home(village)
    make_income(all_empty, 2025)
    assert fails("I01") == {only_wage.number, all_empty.number}


def test_i01_nets_every_income_and_subtracts_operating_expenses(village, fails):
    at_line = home(village)
    make_income(at_line, 2025, wage="1000", public_welfare_income="1000", operating_income="3000",
                operating_expense="500", property_income="100", transfer_total="3000")
    below = home(village)
    make_income(below, 2025, wage="1000", public_welfare_income="1000", operating_income="3000",
                operating_expense="500.01", property_income="100", transfer_total="3000")
    assert fails("I01") == {below.number}


def test_i01_does_not_subtract_rigid_expenditures(village, fails):
    household = home(village)
    make_income(household, 2025, wage="8000", medical_expense="5000", education_expense="3000")
    assert fails("I01") == set()


def test_i01_counts_the_transfer_total_not_its_parts(village, fails):
    household = home(village)
    make_income(household, 2025, pension="8000", subsistence="8000")  # parts without a total: I11's business
    assert fails("I01") == {household.number}


def test_i01_reads_the_line_of_the_year_evaluated(village, fails):
    household = home(village)
    make_income(household, 2024, wage="7299.99")
    make_income(household, 2025, wage="7400")
    assert (fails("I01", year=2024), fails("I01", year=2025)) == ({household.number}, {household.number})
    household.incomes.filter(year=2024).update(wage=Decimal(7300))
    assert fails("I01", year=2024) == set()


def test_i01_and_i06_are_silent_for_a_year_without_a_monitoring_line(village, fails):
    with_incomes(village, 1, y2026="100", y2025="100")
    assert (fails("I01", year=2026), fails("I06", year=2026)) == (set(), set())


def test_i01_ignores_a_removed_household(village, fails):
    with_incomes(village, 1, y2025="100", household_fields=REMOVED)
    assert fails("I01") == set()


def test_i01_message_holds_the_per_capita_income_and_the_line(village, message):
    household = with_incomes(village, 2, y2025="11625")
    assert any("人均纯收入 5,812.50 元低于监测标准 7,600 元" in text for text in message("I01", household))


def test_i01_message_takes_the_per_capita_income_of_the_registry_rounded_half_up(village, message):
    whole = with_incomes(village, 3, y2025="3001")  # 1000.333… (not 1000: not an integer division)
    half_cent = with_incomes(village, 2, y2025="3000.01")  # 1500.005
    assert any("人均纯收入 1,000.33 元" in text for text in message("I01", whole))
    assert any("人均纯收入 1,500.01 元" in text for text in message("I01", half_cent))
    # 1000.005 is 1000.00499… as a binary float (SQLite's REAL quotient): Django reads it back as a
    # 15-digit decimal, so it is still rounded up, as the decimal is.
    binary_below = with_incomes(village, 2, y2025="2000.01")
    assert any("人均纯收入 1,000.01 元" in text for text in message("I01", binary_below))


# I02 人均纯收入下降 -----------------------------------------------------------

def test_i02_is_silent_when_per_capita_income_stays_the_same(village, fails):
    with_incomes(village, 3, y2025="30000", y2024="30000")
    assert fails("I02") == set()


def test_i02_fires_when_per_capita_income_falls_by_a_fraction_of_a_cent(village, fails):
    household = with_incomes(village, 3, y2025="30000", y2024="30000.01")
    assert fails("I02") == {household.number}


def test_i02_is_silent_when_it_rises(village, fails):
    with_incomes(village, 1, y2025="30000.01", y2024="30000")
    assert fails("I02") == set()


def test_i02_is_silent_without_last_years_income(village, fails):
    with_incomes(village, 1, y2025="100", y2023="90000")
    assert fails("I02") == set()


def test_i02_is_silent_without_this_years_income(village, fails):
    with_incomes(village, 1, y2024="90000")
    assert fails("I02") == set()


def test_i02_counts_an_empty_record_as_zero(village, fails):
    household = home(village)
    make_income(household, 2025)
    make_income(household, 2024, wage="0.01")
    both_empty = home(village)
    make_income(both_empty, 2025)
    make_income(both_empty, 2024)
    assert fails("I02") == {household.number}


def test_i02_uses_the_current_active_members_for_last_year_too(village, fails):
    household = with_incomes(village, 2, y2025="20000", y2024="20000")
    make_member(household, status=MemberStatus.DECEASED)
    assert fails("I02") == set()


def test_i02_message_holds_both_per_capita_incomes(village, message):
    household = with_incomes(village, 2, y2025="11625", y2024="20000")
    [text] = message("I02", household)
    assert "5,812.50" in text and "10,000" in text


def test_i02_ignores_a_removed_household(village, fails):
    with_incomes(village, 1, y2025="100", y2024="200", household_fields=REMOVED)
    assert fails("I02") == set()


# I03 人均纯收入连续两年下降 ---------------------------------------------------

def test_i03_fires_after_two_falls(village, fails):
    household = with_incomes(village, 2, y2025="18000", y2024="19000", y2023="20000")
    assert fails("I03") == {household.number}


def test_i03_is_silent_when_the_earlier_year_is_level(village, fails):
    with_incomes(village, 2, y2025="18000", y2024="20000", y2023="20000")
    assert fails("I03") == set()


def test_i03_is_silent_when_this_year_is_level(village, fails):
    with_incomes(village, 2, y2025="19000", y2024="19000", y2023="20000")
    assert fails("I03") == set()


def test_i03_is_silent_without_the_income_of_y_minus_2(village, fails):
    with_incomes(village, 2, y2025="18000", y2024="19000", y2022="30000")
    assert fails("I03") == set()


def test_i03_ignores_a_removed_household(village, fails):
    with_incomes(village, 2, y2025="18000", y2024="19000", y2023="20000", household_fields=REMOVED)
    assert fails("I03") == set()


# I04 人均纯收入连续三年下降 ---------------------------------------------------

def test_i04_fires_after_three_falls(village, fails):
    household = with_incomes(village, 2, y2025="18000", y2024="19000", y2023="20000", y2022="20000.01")
    assert fails("I04") == {household.number}


def test_i04_is_silent_when_the_earliest_step_is_level(village, fails):
    with_incomes(village, 2, y2025="18000", y2024="19000", y2023="20000", y2022="20000")
    assert fails("I04") == set()


def test_i04_is_silent_when_a_middle_step_rises(village, fails):
    with_incomes(village, 2, y2025="18000", y2024="21000", y2023="20000", y2022="30000")
    assert fails("I04") == set()


def test_i04_is_silent_without_the_income_of_y_minus_3(village, fails):
    with_incomes(village, 2, y2025="18000", y2024="19000", y2023="20000")
    assert fails("I04") == set()


def test_i04_ignores_a_removed_household(village, fails):
    with_incomes(village, 2, y2025="1", y2024="2", y2023="3", y2022="4", household_fields=REMOVED)
    assert fails("I04") == set()


# I05 人均纯收入增幅异常 -------------------------------------------------------

def test_i05_is_silent_at_exactly_fifty_percent_growth(village, fails):
    with_incomes(village, 1, y2025="15000", y2024="10000")
    # 3,333.33… → 5,000: exactly +50 % although rounded figures would say more
    with_incomes(village, 3, y2025="15000", y2024="10000")
    # exactly +50 %, which binary floating point puts above
    with_incomes(village, 3, y2025="45000.03", y2024="30000.02")
    assert fails("I05") == set()


def test_i05_fires_one_cent_above(village, fails):
    household = with_incomes(village, 1, y2025="15000.01", y2024="10000")
    assert fails("I05") == {household.number}


def test_i05_is_silent_when_last_year_was_zero(village, fails):
    household = home(village)
    make_income(household, 2024)
    make_income(household, 2025, wage="10000")
    assert fails("I05") == set()


def test_i05_is_silent_when_last_year_was_negative(village, fails):
    household = home(village)
    make_income(household, 2024, operating_expense="100")
    make_income(household, 2025, wage="10000")
    assert fails("I05") == set()


def test_i05_is_silent_without_last_years_income(village, fails):
    with_incomes(village, 1, y2025="90000", y2023="100")
    assert fails("I05") == set()


def test_i05_reads_the_growth_threshold(village, fails):
    set_parameter("growth_threshold", "0.20")
    above = with_incomes(village, 1, y2025="12000.01", y2024="10000")
    with_incomes(village, 1, y2025="12000", y2024="10000")
    assert fails("I05") == {above.number}


def test_i05_message_holds_both_per_capita_incomes(village, message):
    household = with_incomes(village, 2, y2025="30000", y2024="10000")
    [text] = message("I05", household)
    assert "15,000.00" in text and "5,000.00" in text


def test_i05_ignores_a_removed_household(village, fails):
    with_incomes(village, 1, y2025="90000", y2024="100", household_fields=REMOVED)
    assert fails("I05") == set()


# I06 人均纯收入低于关注线 -----------------------------------------------------

def test_i06_fires_from_exactly_the_monitoring_line_to_just_below_the_attention_line(village, fails):
    at_line = with_incomes(village, 2, y2025="15200")
    just_below_attention = with_incomes(village, 3, y2025="29999.99")
    assert fails("I06") == {at_line.number, just_below_attention.number}


def test_i06_is_silent_just_below_the_monitoring_line_and_at_the_attention_line(village, fails):
    with_incomes(village, 3, y2025="22799.99")
    with_incomes(village, 3, y2025="30000")
    assert fails("I06") == set()


def test_i06_reads_the_attention_line_of_the_year(village, fails):
    YearParameters.objects.filter(year=2025).update(attention_line=Decimal(12000))
    below = with_incomes(village, 1, y2025="11999.99")
    with_incomes(village, 1, y2025="12000")
    assert fails("I06") == {below.number}


def test_i06_fires_whatever_the_monitoring_status(village, fails):
    household = with_incomes(village, 1, y2025="8000", household_fields={
        "monitoring_type": MonitoringType.MARGINAL, "risk_status": RiskStatus.UNRESOLVED})
    assert fails("I06") == {household.number}


def test_i06_is_silent_without_the_income_of_y(village, fails):
    with_incomes(village, 1, y2024="8000")
    assert fails("I06") == set()


def test_i06_ignores_a_removed_household(village, fails):
    with_incomes(village, 1, y2025="8000", household_fields=REMOVED)
    assert fails("I06") == set()


# I07 有工资性收入无务工人员 ---------------------------------------------------

def test_i07_fires_for_a_cent_of_wage_without_anyone_working(village, fails):
    household = with_incomes(village, 2, y2025="0.01")
    assert fails("I07") == {household.number}


def test_i07_is_silent_for_zero_or_empty_wage(village, fails):
    with_incomes(village, 1, y2025="0")
    empty = home(village)
    make_income(empty, 2025, operating_income="9000")
    assert fails("I07") == set()


def test_i07_is_silent_when_an_active_member_works(village, fails):
    household = with_incomes(village, 1, y2025="9000")
    make_member(household, employment=Employment.OUT_OF_PROVINCE, months_worked=1)
    assert fails("I07") == set()


def test_i07_fires_when_only_an_inactive_member_works(village, fails):
    household = with_incomes(village, 1, y2025="9000")
    make_member(household, employment=Employment.OUT_OF_PROVINCE, months_worked=6, status=MemberStatus.MOVED_OUT)
    assert fails("I07") == {household.number}


def test_i07_is_silent_without_the_income_of_y(village, fails):
    with_incomes(village, 1, y2024="9000")
    assert fails("I07") == set()


def test_i07_ignores_a_removed_household(village, fails):
    with_incomes(village, 1, y2025="9000", household_fields=REMOVED)
    assert fails("I07") == set()


# I08 有务工人员无工资性收入 ---------------------------------------------------

def worker_household(village, months, **household_fields):
    household = home(village, 1, **household_fields)
    make_member(household, employment=Employment.IN_COUNTY, months_worked=months)
    return household


def test_i08_fires_for_a_worker_of_3_months_without_wage(village, fails):
    household = worker_household(village, 3)
    make_income(household, 2025, wage="0", public_welfare_income="5000")  # 公益性岗位 is not wage
    assert fails("I08") == {household.number}


def test_i08_is_silent_for_a_worker_of_2_months(village, fails):
    household = worker_household(village, 2)
    make_income(household, 2025, wage="0")
    assert fails("I08") == set()


def test_i08_is_silent_with_a_cent_of_wage(village, fails):
    household = worker_household(village, 12)
    make_income(household, 2025, wage="0.01")
    assert fails("I08") == set()


def test_i08_counts_an_empty_wage_as_zero(village, fails):
    household = worker_household(village, 3)
    make_income(household, 2025, operating_income="9000")
    assert fails("I08") == {household.number}


def test_i08_is_silent_without_the_income_of_y(village, fails):
    household = worker_household(village, 6)
    make_income(household, 2024)
    assert fails("I08") == set()


def test_i08_ignores_an_inactive_worker(village, fails):
    household = home(village)
    make_member(household, employment=Employment.IN_COUNTY, months_worked=6, status=MemberStatus.DECEASED)
    make_income(household, 2025)
    assert fails("I08") == set()


def test_i08_reads_min_months_for_wage(village, fails):
    set_parameter("min_months_for_wage", "6")
    five, six = worker_household(village, 5), worker_household(village, 6)
    make_income(five, 2025)
    make_income(six, 2025)
    assert fails("I08") == {six.number}


def test_i08_ignores_a_removed_household(village, fails):
    household = worker_household(village, 6, **REMOVED)
    make_income(household, 2025)
    assert fails("I08") == set()


# I09 60岁以上人员未采集养老金 -------------------------------------------------

def elder_household(village, born, **member_fields):
    household = home(village)
    make_member(household, born=born, **member_fields)
    return household


def test_i09_fires_for_a_member_of_exactly_60_without_pension(village, fails):
    household = elder_household(village, aged(60))
    make_income(household, 2025, transfer_total="100", other_transfer="100")
    assert fails("I09") == {household.number}


def test_i09_is_silent_for_a_member_one_day_short_of_60(village, fails):
    household = elder_household(village, turning_next_day(60))
    make_income(household, 2025)
    assert fails("I09") == set()


def test_i09_is_silent_with_a_cent_of_pension(village, fails):
    household = elder_household(village, aged(80))
    make_income(household, 2025, transfer_total="0.01", pension="0.01")
    assert fails("I09") == set()


def test_i09_counts_an_empty_pension_as_zero(village, fails):
    household = elder_household(village, aged(70))
    make_income(household, 2025, wage="9000")
    assert fails("I09") == {household.number}


def test_i09_is_silent_without_the_income_of_y(village, fails):
    household = elder_household(village, aged(70))
    make_income(household, 2024)
    assert fails("I09") == set()


def test_i09_ignores_an_inactive_elder_and_one_without_birth_date(village, fails):
    dead = elder_household(village, aged(70), status=MemberStatus.DECEASED)
    make_income(dead, 2025)
    unknown = elder_household(village, aged(70), birth_date=None)
    make_income(unknown, 2025)
    assert fails("I09") == set()


def test_i09_ignores_a_removed_household(village, fails):
    household = elder_household(village, aged(70))
    household.removed_on = datetime.date(2025, 1, 1)
    household.save()
    make_income(household, 2025)
    assert fails("I09") == set()


# I10 公益性岗位收入与人员不符 -------------------------------------------------

def welfare_household(village, holds, **member_fields):
    household = home(village)
    make_member(household, public_welfare_job=holds, **member_fields)
    return household


def test_i10_fires_for_a_job_holder_without_that_income(village, fails):
    household = welfare_household(village, True)
    make_income(household, 2025, wage="9000")
    assert fails("I10") == {household.number}


def test_i10_is_silent_for_a_job_holder_with_a_cent_of_that_income(village, fails):
    household = welfare_household(village, True)
    make_income(household, 2025, public_welfare_income="0.01")
    assert fails("I10") == set()


def test_i10_fires_for_that_income_without_a_job_holder(village, fails):
    household = welfare_household(village, False)
    make_income(household, 2025, public_welfare_income="0.01")
    assert fails("I10") == {household.number}


def test_i10_is_silent_without_job_and_income(village, fails):
    household = welfare_household(village, False)
    make_income(household, 2025, public_welfare_income="0")
    assert fails("I10") == set()


def test_i10_does_not_count_an_inactive_job_holder(village, fails):
    household = welfare_household(village, True, status=MemberStatus.DECEASED)
    make_income(household, 2025, public_welfare_income="3000")
    assert fails("I10") == {household.number}


def test_i10_is_silent_without_the_income_of_y(village, fails):
    welfare_household(village, True)
    assert fails("I10") == set()


def test_i10_ignores_a_removed_household(village, fails):
    household = welfare_household(village, False)
    household.removed_on = datetime.date(2025, 1, 1)
    household.save()
    make_income(household, 2025, public_welfare_income="3000")
    assert fails("I10") == set()


# I11 转移性收入明细与合计不符 -------------------------------------------------

def transfers(village, total, **parts):
    household = home(village)
    make_income(household, 2025, **({"transfer_total": total} if total is not None else {}), **parts)
    return household


def test_i11_is_silent_when_the_parts_add_up(village, fails):
    transfers(village, "600", family_planning="100", subsistence="100", extreme_poverty_support="100",
              pension="100", eco_compensation="100", other_transfer="100")
    assert fails("I11") == set()


@pytest.mark.parametrize("part", TRANSFER_PARTS)
def test_i11_counts_every_part(village, fails, part):
    transfers(village, "100", **{part: "100"})
    assert fails("I11") == set()


def test_i11_is_silent_at_a_difference_of_exactly_one_cent(village, fails):
    transfers(village, "100.01", pension="100")
    transfers(village, "99.99", pension="100")
    transfers(village, "0.05", subsistence="0.01", pension="0.05")  # 0.01 + 0.05 − 0.05 > 0.01 in binary
    assert fails("I11") == set()


def test_i11_fires_at_a_difference_of_two_cents(village, fails):
    over = transfers(village, "100.02", pension="100")
    under = transfers(village, "99.98", pension="100")
    assert fails("I11") == {over.number, under.number}


def test_i11_counts_empty_amounts_as_zero(village, fails):
    no_parts = transfers(village, "100")
    no_total = transfers(village, None, pension="100")
    transfers(village, None)
    assert fails("I11") == {no_parts.number, no_total.number}


def test_i11_message_holds_the_total_and_the_sum_of_the_parts(village, message):
    household = transfers(village, "1234.56", pension="1000", subsistence="200")
    [text] = message("I11", household)
    assert "1,234.56" in text and "1,200.00" in text


def test_i11_is_silent_without_the_income_of_y(village, fails):
    household = home(village)
    make_income(household, 2024, transfer_total="100")
    assert fails("I11") == set()


def test_i11_ignores_a_removed_household(village, fails):
    household = home(village, **REMOVED)
    make_income(household, 2025, transfer_total="100")
    assert fails("I11") == set()


# I12 转移性收入大幅下降 -------------------------------------------------------

def transfer_years(village, last, this, **household_fields):
    household = home(village, **household_fields)
    if last is not False:
        make_income(household, 2024, **({"transfer_total": last} if last is not None else {}))
    if this is not False:
        make_income(household, 2025, **({"transfer_total": this} if this is not None else {}))
    return household


def test_i12_is_silent_at_exactly_half(village, fails):
    transfer_years(village, "1000.02", "500.01")
    assert fails("I12") == set()


def test_i12_fires_one_cent_below_half(village, fails):
    household = transfer_years(village, "1000.02", "500.00")
    assert fails("I12") == {household.number}


def test_i12_counts_an_empty_total_of_y_as_zero(village, fails):
    household = transfer_years(village, "0.01", None)
    assert fails("I12") == {household.number}


def test_i12_is_silent_when_last_years_total_was_zero_or_empty(village, fails):
    transfer_years(village, "0", "0")
    transfer_years(village, None, "0")
    assert fails("I12") == set()


def test_i12_is_silent_without_either_years_income(village, fails):
    transfer_years(village, False, "0")
    transfer_years(village, "1000", False)
    assert fails("I12") == set()


def test_i12_reads_the_transfer_drop_threshold(village, fails):
    set_parameter("transfer_drop_threshold", "0.20")
    below = transfer_years(village, "1000", "799.99")
    transfer_years(village, "1000", "800")
    assert fails("I12") == {below.number}


def test_i12_ignores_a_removed_household(village, fails):
    transfer_years(village, "1000", "0", **REMOVED)
    assert fails("I12") == set()


# I13 财产性收入疑似漏采 -------------------------------------------------------

def property_years(village, last, this, **household_fields):
    household = home(village, **household_fields)
    if last is not False:
        make_income(household, 2024, **({"property_income": last} if last is not None else {}))
    if this is not False:
        make_income(household, 2025, **({"property_income": this} if this is not None else {}))
    return household


def test_i13_fires_when_property_income_stops(village, fails):
    zero = property_years(village, "0.01", "0")
    empty = property_years(village, "500", None)
    assert fails("I13") == {zero.number, empty.number}


def test_i13_is_silent_with_a_cent_of_property_income(village, fails):
    property_years(village, "500", "0.01")
    assert fails("I13") == set()


def test_i13_is_silent_when_there_was_none_last_year(village, fails):
    property_years(village, "0", "0")
    property_years(village, None, None)
    property_years(village, False, "0")
    assert fails("I13") == set()


def test_i13_is_silent_without_the_income_of_y(village, fails):
    property_years(village, "500", False)
    assert fails("I13") == set()


def test_i13_ignores_a_removed_household(village, fails):
    property_years(village, "500", "0", **REMOVED)
    assert fails("I13") == set()


# I14 年度收入未采集 -----------------------------------------------------------

def test_i14_fires_without_a_record_for_y(village, fails):
    none = home(village)
    last_year_only = with_incomes(village, 1, y2024="9000")
    assert fails("I14") == {none.number, last_year_only.number}


def test_i14_is_silent_with_an_empty_record_for_y(village, fails):
    household = home(village)
    make_income(household, 2025)
    assert fails("I14") == set()


def test_i14_ignores_a_removed_household(village, fails):
    home(village, **REMOVED)
    assert fails("I14") == set()


# I15 人均纯收入为零或负数 -----------------------------------------------------

def test_i15_fires_at_zero_and_below(village, fails):
    empty = home(village)
    make_income(empty, 2025)
    negative = home(village, 2)
    make_income(negative, 2025, operating_income="1000", operating_expense="1000.01")
    assert fails("I15") == {empty.number, negative.number}


def test_i15_is_silent_at_a_cent(village, fails):
    with_incomes(village, 3, y2025="0.01")
    assert fails("I15") == set()


def test_i15_is_silent_without_the_income_of_y_or_an_active_member(village, fails):
    home(village)
    nobody = home(village, 0)
    make_member(nobody, status=MemberStatus.DECEASED)
    make_income(nobody, 2025)
    assert fails("I15") == set()


def test_i15_ignores_a_removed_household(village, fails):
    household = home(village, **REMOVED)
    make_income(household, 2025)
    assert fails("I15") == set()
