"""Evaluating the catalog: one query per base, one flag column per rule.

`evaluate` returns the failing records of the given rules; it reads, never writes.
`rules/services.py` turns findings into tickets.
"""

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Finding:
    rule_id: str
    household_id: int
    member_id: int | None
    village_id: str
    message: str
    facts: dict

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.rule_id, self.household_id, self.member_id or 0)


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


def _household_findings(rows, rules: list[Rule], params: Parameters) -> list[Finding]:
    texts = parameter_context(params)
    findings = []
    for row in rows:
        context = household_context(row, params)
        for rule in rules:
            if row[f"f_{rule.id}"]:
                findings.append(Finding(rule.id, row["pk"], None, row["village_id"],
                                        render(rule, context, texts), _jsonable(row, HOUSEHOLD_FACTS)))
    return findings


def _member_findings(rules, params, area_prefix, household_id) -> list[Finding]:
    member_rules = [r for r in rules if r.scope == MEMBER]
    if not member_rules:
        return []
    texts = parameter_context(params)
    findings = []
    base = member_base(params=params, area_prefix=area_prefix, household_id=household_id)
    for row in _rows(base, member_rules, params, MEMBER_FACTS, only_failing=True):
        context = member_context(row, params)
        for rule in member_rules:
            if row[f"f_{rule.id}"]:
                findings.append(Finding(rule.id, row["household_id"], row["pk"], row["household__village_id"],
                                        render(rule, context, texts), _jsonable(row, MEMBER_FACTS)))
    return findings


def _rows(base, rules: list[Rule], params: Parameters, facts: list[str], *, only_failing: bool):
    flags = {f"f_{rule.id}": boolean(rule.condition(params)) for rule in rules}
    rows = base.annotate(**flags)
    if only_failing and flags:
        rows = rows.filter(reduce(or_, (Q(**{name: True}) for name in flags)))
    return list(rows.values(*facts, *flags).order_by())


def _jsonable(row: dict, facts: list[str]) -> dict:
    """The values that made a record fail, as JSON (dates and decimals as text)."""
    plain = (int, str, bool, type(None))
    return {key: row[key] if isinstance(row[key], plain) else str(row[key]) for key in facts if key != "pk"}
