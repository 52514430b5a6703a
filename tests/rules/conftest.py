"""Evaluating single rules in tests: `fails("I02")` is the set of records that fail it."""

import pytest

from rules import registry
from rules.engine import evaluate
from rules.parameters import parameters_for
from tests.builders import make_area, make_year

VILLAGE = "230381100201"


@pytest.fixture
def village(db):
    """A village of 虎林市 and the assessment year 2025 (monitoring line 7,600, attention line 10,000)."""
    make_year(2025, "7600")
    make_year(2024, "7300", current=False)
    return make_area(VILLAGE, "金湾村")


@pytest.fixture
def fails(village):
    """fails(rule_id) -> the set of failing records: household numbers for H rules, member names for M rules."""
    def run(rule_id: str, year: int = 2025):
        rule = registry.get(rule_id)
        findings = evaluate(rules=[rule], params=parameters_for(year, county=VILLAGE[:6]), area_prefix=VILLAGE[:6])
        if rule.scope == registry.HOUSEHOLD:
            from households.models import Household
            return set(Household.objects.filter(pk__in=[f.household_id for f in findings]).values_list("number", flat=True))
        from households.models import Member
        return set(Member.objects.filter(pk__in=[f.member_id for f in findings]).values_list("name", flat=True))
    return run


@pytest.fixture
def message(village):
    """message(rule_id, household) -> the ticket message the rule writes for that household."""
    def run(rule_id: str, household, year: int = 2025):
        rule = registry.get(rule_id)
        findings = evaluate(rules=[rule], params=parameters_for(year, county=VILLAGE[:6]), area_prefix=VILLAGE[:6],
                            household_id=household.pk)
        return [f.message for f in findings]
    return run
