"""The rule catalog as data: each rule one declared object holding a set-based condition.

A rule's condition is a function of the parameters returning a `Q` over its base
queryset (households or members, annotated once with everything the catalog reads;
see `rules/bases.py`). The engine evaluates every rule of a base in one query, one
flag column per rule. Adding a rule means declaring one object here and its tests.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from audits import rule_facts
from audits.rule_facts import RuleFacts

HOUSEHOLD = rule_facts.HOUSEHOLD
MEMBER = rule_facts.MEMBER

CATEGORIES = {
    "B": "基础信息类",
    "M": "家庭成员类",
    "I": "收入类",
    "A": "两不愁三保障及饮水安全",
    "R": "监测帮扶类",
    "D": "部门比对类",
    "G": "家庭关系类",
    "P": "联系方式类",
    "K": "风险类型与家庭情况",
    "S": "风险类型与帮扶措施",
    "L": "帮扶成效",
}


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    scope: str  # HOUSEHOLD or MEMBER
    severity: str  # Severity
    condition: Callable[["Parameters"], Q]
    message: str  # str.format template over the facts of the failing row and the parameters
    description: str
    parameters: tuple[str, ...] = field(default=())  # the catalog parameters this rule reads
    reads: tuple[str, ...] = field(default=())  # the fields its condition reads (audits.rule_facts' vocabulary)

    @property
    def category(self) -> str:
        return self.id[0]

    @property
    def category_label(self) -> str:
        return CATEGORIES[self.category]

    @property
    def final_level(self) -> str:
        """Warnings are closed by the township, errors by the county (rules.md)."""
        return rule_facts.final_level_of(self.severity)

    @property
    def scope_label(self) -> str:
        return "户" if self.scope == HOUSEHOLD else "成员"

    def facts(self) -> RuleFacts:
        """What the tickets app is told of this rule (`register_facts`)."""
        return RuleFacts(
            id=self.id, name=self.name, category=self.category, category_label=self.category_label,
            severity=self.severity, final_level=self.final_level, scope=self.scope,
            description=self.description, reads=frozenset(self.reads),
        )


CATALOG: dict[str, Rule] = {}


def rule(rule_id: str, name: str, *, scope: str, severity: str, message: str,
         parameters: tuple[str, ...] = (), reads: tuple[str, ...] = ()):
    """Declare a rule; the decorated function's docstring is its description for users."""

    def register(condition):
        if rule_id in CATALOG:
            raise ValueError(f"rule {rule_id} is declared twice")
        CATALOG[rule_id] = Rule(
            id=rule_id, name=name, scope=scope, severity=severity, condition=condition,
            message=message, description=(condition.__doc__ or "").strip(), parameters=parameters,
            reads=tuple(reads),
        )
        return condition

    return register


def all_rules() -> list[Rule]:
    """The declared rules in catalog order (rules/catalog/ declares them when the app is ready)."""
    return [CATALOG[rule_id] for rule_id in sorted(CATALOG, key=_catalog_order)]


def register_facts() -> None:
    """Tell the tickets app what it needs of every rule (called from `RulesConfig.ready`)."""
    for declared in all_rules():
        rule_facts.register(declared.facts())


def get(rule_id: str) -> Rule:
    return CATALOG[rule_id]


def _catalog_order(rule_id: str) -> tuple[int, int]:
    return ("BMIARDGPKSL".index(rule_id[0]), int(rule_id[1:]))


@dataclass(frozen=True)
class Parameters:
    """Everything a batch's conditions read: the year, its lines, thresholds, weights."""

    year: int
    monitoring_line: Decimal | None  # monitoring_line[Y]; None when the year has none set
    attention_line: Decimal
    values: dict[str, Decimal]
    department_batches: dict[str, int]  # source -> newest batch id for Y

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def department_batch(self, source: str) -> int | None:
        return self.department_batches.get(source)
