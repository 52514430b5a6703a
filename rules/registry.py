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

from households.choices import ReviewLevel
from audits.models import Severity

HOUSEHOLD = "H"
MEMBER = "M"

CATEGORIES = {
    "B": "基础信息类",
    "M": "家庭成员类",
    "I": "收入类",
    "A": "两不愁三保障及饮水安全",
    "R": "监测帮扶类",
    "D": "部门比对类",
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

    @property
    def category(self) -> str:
        return self.id[0]

    @property
    def category_label(self) -> str:
        return CATEGORIES[self.category]

    @property
    def final_level(self) -> str:
        """Warnings are closed by the township, errors by the county (rules.md)."""
        return ReviewLevel.COUNTY if self.severity == Severity.ERROR else ReviewLevel.TOWNSHIP

    @property
    def scope_label(self) -> str:
        return "户" if self.scope == HOUSEHOLD else "成员"


CATALOG: dict[str, Rule] = {}


def rule(rule_id: str, name: str, *, scope: str, severity: str, message: str,
         parameters: tuple[str, ...] = ()):
    """Declare a rule; the decorated function's docstring is its description for users."""

    def register(condition):
        if rule_id in CATALOG:
            raise ValueError(f"rule {rule_id} is declared twice")
        CATALOG[rule_id] = Rule(
            id=rule_id, name=name, scope=scope, severity=severity, condition=condition,
            message=message, description=(condition.__doc__ or "").strip(), parameters=parameters,
        )
        return condition

    return register


def all_rules() -> list[Rule]:
    from rules import catalog  # noqa: F401  (declares the rules)

    return [CATALOG[rule_id] for rule_id in sorted(CATALOG, key=_catalog_order)]


def get(rule_id: str) -> Rule:
    all_rules()
    return CATALOG[rule_id]


def _catalog_order(rule_id: str) -> tuple[int, int]:
    return ("BMIARD".index(rule_id[0]), int(rule_id[1:]))


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
