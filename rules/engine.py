"""Evaluating the catalog: one query per base, one flag column per rule.

`evaluate` returns the failing records of the given rules; it reads, never writes.
`rules/services.py` turns findings into tickets.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from .bases import household_base, member_base
from .expressions import boolean
from .messages import household_context, member_context, parameter_context, render
from .registry import HOUSEHOLD, MEMBER, Parameters, Rule
from .risk import FACTOR_LABELS, annotate_factors

HOUSEHOLD_FACTS = [
    "pk", "village_id", "number", "phone", "household_type", "monitoring_type", "risk_status",
    "included_on", "eliminated_on", "housing_safe", "water_safe", "size", "head_count", "head_age",
    "has0", "has1", "has2", "has3", "net0", "net1", "net2", "net3", "wage0", "welfare_income0",
    "transfer0", "transfer1", "property0", "property1", "transfer_parts0", "any_welfare_job",
    "any_young_dropout", "any_uninsured_not_newborn", "any_on_subsistence", "any_on_extreme_poverty",
    "risk", *[f"rf_{name}" for name in FACTOR_LABELS],
]
MEMBER_FACTS = [
    "pk", "household_id", "household__village_id", "name", "id_number", "id_valid", "gender", "birth_date",
    "age", "head_age", "relationship", "student_status", "education", "labour_ability", "employment",
    "months_worked", "disability_grade", "listed_disability",
]


class Finding:
    """One failing record of one rule. Its message and facts are built only when asked for:
    a rerun finds mostly records whose tickets are already open and need neither."""

    __slots__ = ("rule", "household_id", "member_id", "village_id", "_row", "_describe", "_facts")

    def __init__(self, rule: Rule, household_id: int, member_id: int | None, village_id: str, row: dict,
                 describe, facts: list[str]):
        self.rule, self.household_id, self.member_id, self.village_id = rule, household_id, member_id, village_id
        self._row, self._describe, self._facts = row, describe, facts

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.rule.id, self.household_id, self.member_id or 0)

    @property
    def message(self) -> str:
        return self._describe(self.rule, self._row)

    @property
    def facts(self) -> dict:
        """The values that made the record fail, as JSON (dates and decimals as text)."""
        plain = (int, str, bool, type(None))
        row = self._row
        return {key: row[key] if isinstance(row[key], plain) else str(row[key]) for key in self._facts if key != "pk"}


def evaluate(*, rules: list[Rule], params: Parameters, area_prefix: str,
             household_id: int | None = None) -> list[Finding]:
    """The failing records of `rules` in an area (or one household of it)."""
    household_rules = [r for r in rules if r.scope == HOUSEHOLD]
    findings = []
    if household_rules:
        rows = _rows(_household_base(params, area_prefix, household_id), household_rules, params,
                     HOUSEHOLD_FACTS, only_failing=True)
        findings += _household_findings(rows, household_rules, params)
    return findings + _member_findings(rules, params, area_prefix, household_id)


def evaluate_household(*, rules: list[Rule], params: Parameters, household_id: int, area_prefix: str):
    """One household's failing records and its risk coefficient, read in the same query.

    Returns (findings, risk, factor names): the re-check after an approved change
    compiles two queries instead of three.
    """
    household_rules = [r for r in rules if r.scope == HOUSEHOLD]
    rows = _rows(_household_base(params, area_prefix, household_id), household_rules, params,
                 HOUSEHOLD_FACTS, only_failing=False)
    if not rows:
        return [], None, []
    factors = [name for name in FACTOR_LABELS if rows[0][f"rf_{name}"]]
    findings = _household_findings(rows, household_rules, params)
    return findings + _member_findings(rules, params, area_prefix, household_id), rows[0]["risk"], factors


def _household_base(params, area_prefix, household_id):
    return annotate_factors(household_base(params=params, area_prefix=area_prefix, household_id=household_id), params)


def _describer(params: Parameters, context_of):
    """render(rule, row) with the row's context built once however many rules it fails."""
    texts = parameter_context(params)
    contexts = {}

    def describe(rule: Rule, row: dict) -> str:
        key = id(row)
        if key not in contexts:
            contexts[key] = context_of(row, params)
        return render(rule, contexts[key], texts)

    return describe


def _household_findings(rows, rules: list[Rule], params: Parameters) -> list[Finding]:
    describe = _describer(params, household_context)
    return [
        Finding(rule, row["pk"], None, row["village_id"], row, describe, HOUSEHOLD_FACTS)
        for row in rows for rule in rules if row[f"f_{rule.id}"]
    ]


def _member_findings(rules, params, area_prefix, household_id) -> list[Finding]:
    member_rules = [r for r in rules if r.scope == MEMBER]
    if not member_rules:
        return []
    describe = _describer(params, member_context)
    base = member_base(params=params, area_prefix=area_prefix, household_id=household_id)
    return [
        Finding(rule, row["household_id"], row["pk"], row["household__village_id"], row, describe, MEMBER_FACTS)
        for row in _rows(base, member_rules, params, MEMBER_FACTS, only_failing=True)
        for rule in member_rules if row[f"f_{rule.id}"]
    ]


def _rows(base, rules: list[Rule], params: Parameters, facts: list[str], *, only_failing: bool):
    flags = {f"f_{rule.id}": boolean(rule.condition(params)) for rule in rules}
    rows = base.annotate(**flags)
    if only_failing and flags:
        rows = rows.filter(reduce(or_, (Q(**{name: True}) for name in flags)))
    return list(rows.values(*facts, *flags).order_by())
