"""A rule owns its thresholds: the bases every rule reads hold values, never a rule's parameter."""

from dataclasses import replace
from decimal import Decimal

import pytest

from rules import registry
from rules.bases import household_base, member_base
from rules.models import DepartmentSource
from rules.parameters import DEFAULTS
from rules.registry import Parameters

EVERY_LIST = {source: 1 for source in DepartmentSource.values}
PARAMS = Parameters(year=2025, monitoring_line=Decimal("7600"), attention_line=Decimal("10000"),
                    values=dict(DEFAULTS), department_batches=EVERY_LIST)


def changed(**values) -> Parameters:
    return replace(PARAMS, values={**PARAMS.values, **{key: Decimal(value) for key, value in values.items()}})


def sql(base, params: Parameters) -> str:
    return str(base(params=params, area_prefix="230381").query)


@pytest.mark.django_db  # on PostgreSQL the member base asks ANALYZE's statistics how B02 reads (bases.repeated_ids)
def test_it_builds_the_same_bases_whatever_a_rules_threshold():
    other = changed(min_months_for_wage="7", large_medical_expense="31000", growth_threshold="0.9")
    assert sql(household_base, other) == sql(household_base, PARAMS)
    assert sql(member_base, other) == sql(member_base, PARAMS)


def test_i08_and_d06_apply_their_thresholds_in_their_conditions():
    for rule_id, key, value in (("I08", "min_months_for_wage", "7"), ("D06", "large_medical_expense", "31000")):
        condition = registry.get(rule_id).condition
        assert str(condition(changed(**{key: value}))) != str(condition(PARAMS)), rule_id
