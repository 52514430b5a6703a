"""The engine's clever parts, held in place: the risk factors' bit order and the fast fetch.

RiskScore.factor_mask stores bit i for the i-th factor of FACTOR_LABELS, so a reordered dict
would relabel every stored coefficient. The engine reads its rows with a bare cursor, naming the
columns in the order of Django's ValuesIterable (an internal of Django): a Django upgrade that
changed it would hand every fact to the wrong name.
"""

import datetime

import pytest
from django.db import connection

from households.choices import DisabilityGrade, Health, MemberStatus, MonitoringType, Relationship, RiskStatus
from households.models import AssistanceMeasure
from rules import engine, registry
from rules.bases import member_base
from rules.models import RiskScore
from rules.parameters import parameters_for
from rules.models import FACTOR_LABELS
from tests.builders import make_household, make_income, make_member

COUNTY = "230381"


def test_the_risk_factors_keep_their_bit_positions():
    """Appending a factor is fine; reordering or removing one relabels the stored masks."""
    assert list(FACTOR_LABELS) == [
        "income_below_line", "income_near_line", "income_drop", "major_illness", "severe_disability",
        "no_labour", "medical_burden", "education_burden", "housing_unsafe", "water_unsafe", "dropout",
        "uninsured",
    ]


def test_a_stored_mask_reads_back_as_its_factors_labels():
    assert RiskScore(factor_mask=0b1_0000_1001).factor_labels == ["收入低于监测标准", "患有大病", "住房不安全"]


@pytest.fixture
def several_households(village):
    """Households that differ in every kind of column the bases read: incomes over four years
    (and none), heads and no head, a deceased member, a child born after the reference date,
    a monitored household with a measure, an unsafe house, a removed household."""
    poor = make_household(village, members=3, monitoring_type=MonitoringType.UNSTABLE,
                          risk_status=RiskStatus.UNRESOLVED, included_on=datetime.date(2024, 5, 1))
    for year, wage in ((2025, "3001"), (2024, "9000.5"), (2023, "12000"), (2022, "15000.01")):
        make_income(poor, year, wage=wage, transfer_total="120.30", operating_expense="100")
    make_member(poor, relationship=Relationship.SON, born=datetime.date(2025, 11, 2))
    make_member(poor, relationship=Relationship.SPOUSE, status=MemberStatus.DECEASED)
    AssistanceMeasure.objects.create(household=poor, year=2025, measure_type="employment", content="务工")
    ill = make_household(village, members=2, housing_safe=False)
    make_member(ill, relationship=Relationship.FATHER, born=datetime.date(1940, 1, 1), health=Health.MAJOR_ILLNESS,
                disability_grade=DisabilityGrade.GRADE_1)
    make_income(ill, 2025, wage="20000", medical_expense="9000")
    headless = make_household(village, members=0)
    make_member(headless, relationship=Relationship.SON, birth_date=None)
    make_household(village, members=1)  # no income at all
    make_household(village, members=2, removed_on=datetime.date(2025, 1, 1))
    return parameters_for(2025, county=COUNTY)


def fetched_as_django_does(rows) -> list[dict]:
    """The bare cursor's rows, converted only where the backend needs Django's converters."""
    return engine.raw_dicts(rows, converted=connection.vendor != "postgresql")


def test_the_fast_fetch_of_the_household_base_is_what_values_returns(several_households):
    params = several_households
    rules = [rule for rule in registry.all_rules() if rule.scope == registry.HOUSEHOLD]
    assert len(rules) > engine.MASK_BITS  # more than one mask column
    rows = engine.flagged_values(engine.household_facts(params, COUNTY), rules, params,
                                 [*engine.HOUSEHOLD_FACTS, *engine.HOUSEHOLD_MESSAGE_VALUES], only_failing=False)
    expected = list(rows)
    assert len(expected) == 4
    fetched = fetched_as_django_does(rows)
    assert [list(row) for row in fetched] == [list(row) for row in expected]  # the same names, in the same order
    assert fetched == expected


def test_the_fast_fetch_of_the_member_base_is_what_values_returns(several_households):
    params = several_households
    rules = [rule for rule in registry.all_rules() if rule.scope == registry.MEMBER]
    rows = engine.flagged_values(member_base(params=params, area_prefix=COUNTY), rules, params,
                                 engine.MEMBER_FACTS, only_failing=False)
    expected = list(rows)
    assert len(expected) == 9
    fetched = fetched_as_django_does(rows)
    assert [list(row) for row in fetched] == [list(row) for row in expected]
    assert fetched == expected


def test_the_engine_reads_the_rows_the_fast_fetch_returns(several_households):
    """On PostgreSQL the engine's own read is the bare cursor, unconverted."""
    params = several_households
    rules = [rule for rule in registry.all_rules() if rule.scope == registry.HOUSEHOLD]
    rows = engine.flagged_values(engine.household_facts(params, COUNTY), rules, params, engine.HOUSEHOLD_FACTS)
    assert engine.read_rows(rows) == list(rows)


def test_the_packed_rule_flags_read_back_as_each_rule_alone_finds(several_households):
    """Flags are bits of 31-rule integer columns: all rules at once fail the same records as
    each rule evaluated on its own, across every mask column."""
    params = several_households
    rules = registry.all_rules()
    together = {finding.key for finding in engine.evaluate(rules=rules, params=params, area_prefix=COUNTY)}
    alone = {finding.key for rule in rules
             for finding in engine.evaluate(rules=[rule], params=params, area_prefix=COUNTY)}
    assert together == alone
    assert {rule_id for rule_id, _household, _member in together} & {r.id for r in rules[engine.MASK_BITS:]}
