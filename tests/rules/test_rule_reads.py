"""Every rule declares the fields it reads (`reads=`), and the declaration covers its condition."""

import re
from decimal import Decimal

import pytest
from django.db.models import F, Lookup, Q

from households.models import AnnualIncome, Household, Member
from rules import registry
from rules.bases import COLUMN_READS
from rules.models import DepartmentSource
from rules.registry import HOUSEHOLD, Parameters


class AnyValue(dict):
    def __missing__(self, key):
        return Decimal("0.5")


# Every list present and every line set, so that no condition falls silent (NEVER).
STAND_IN = Parameters(year=2025, monitoring_line=Decimal("7600"), attention_line=Decimal("10000"),
                      values=AnyValue(), department_batches={source: 1 for source in DepartmentSource.values})


def referenced(node, found: set) -> set:
    """The base columns a condition names: Q keys, F()s, and the sides of lookups and expressions."""
    if isinstance(node, Q):
        for child in node.children:
            referenced(child, found)
    elif isinstance(node, tuple):
        found.add(node[0].split("__")[0])
        referenced(node[1], found)
    elif isinstance(node, F):
        found.add(node.name.split("__")[0])
    elif isinstance(node, Lookup):
        referenced(node.lhs, found)
        referenced(node.rhs, found)
    elif hasattr(node, "get_source_expressions"):
        for expression in node.get_source_expressions():
            referenced(expression, found)
    return found


def reads_of_column(rule, column: str) -> tuple[str, ...]:
    if column in COLUMN_READS:
        return COLUMN_READS[column]
    return (f"{'household' if rule.scope == HOUSEHOLD else 'member'}.{column}",)


def is_known(name: str) -> bool:
    """A name of audits.rule_facts' vocabulary that names a real field."""
    model_of = {"household": Household, "member": Member}
    if name in ("members", "measures", "risk") or re.fullmatch(r"income[0-3]", name):
        return True
    prefix, _, field = name.partition(".")
    model = AnnualIncome if re.fullmatch(r"income[0-3]", prefix) else model_of.get(prefix)
    return model is not None and any(f.name == field for f in model._meta.get_fields())


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.id)
def test_a_rules_reads_cover_the_columns_its_condition_references(rule):
    columns = referenced(rule.condition(STAND_IN), set()) - {"pk"}
    assert columns, "the stand-in parameters silence the condition"
    needed = {name for column in columns for name in reads_of_column(rule, column)}
    assert needed <= set(rule.reads), sorted(needed - set(rule.reads))


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.id)
def test_a_rules_reads_name_real_fields(rule):
    assert rule.reads and [name for name in rule.reads if not is_known(name)] == []


def test_i08_and_i09_read_the_member_fields_behind_their_any_columns():
    assert {"member.employment", "member.months_worked"} <= set(registry.get("I08").reads)
    assert "member.birth_date" in registry.get("I09").reads
