"""Vocabulary shared by the rule declarations."""

from django.db.models import F, Q, Value
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual

from audits.models import Severity
from households.choices import Employment, HouseholdType, MonitoringType, RiskStatus
from households.expressions import EXPENSE_FIELDS, INCOME_FIELDS
from households.models import TRANSFER_PARTS

from rules.expressions import decimal_cents, ratio
from rules.registry import HOUSEHOLD, MEMBER, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING
NEVER = Q(pk__isnull=True)  # a condition no row meets: the rule is silent

MONITORED = ~Q(monitoring_type="")
UNRESOLVED = MONITORED & Q(risk_status=RiskStatus.UNRESOLVED)
NOT_UNRESOLVED = Q(monitoring_type="") | ~Q(risk_status=RiskStatus.UNRESOLVED)
ELIMINATED = MONITORED & Q(risk_status=RiskStatus.ELIMINATED)
RECORDED_EMPLOYMENT_NOT_NONE = ~Q(employment="") & ~Q(employment=Employment.NONE)

# What conditions read, in audits.rule_facts' vocabulary (a rule's `reads=`).
ID_NUMBER = ("member.id_number",)  # also every department list, matched on it
MEMBERS = ("members",)  # the household's active members as a whole: its size, its heads
MONITORING = ("household.monitoring_type", "household.risk_status")  # MONITORED, UNRESOLVED, …


def per_capita(*years_back: int) -> tuple[str, ...]:
    """What pc(Y−k) reads: the household size, and the records of those years with their net income."""
    return (*MEMBERS, *(f"income{back}" for back in years_back),
            *(f"income{back}.{name}" for back in years_back for name in (*INCOME_FIELDS, *EXPENSE_FIELDS)))


def pc_defined(*years_back: int) -> Q:
    """pc(Y−k) is defined: the income record of that year exists and someone is active."""
    condition = Q(size__gt=0)
    for back in years_back:
        condition &= Q(**{f"has{back}": 1})
    return condition


def lt(left, right) -> Q:
    return Q(LessThan(left, right))


def lte(left, right) -> Q:
    return Q(LessThanOrEqual(left, right))


def gt(left, right) -> Q:
    return Q(GreaterThan(left, right))


def gte(left, right) -> Q:
    return Q(GreaterThanOrEqual(left, right))


def line_times_size(amount) -> object:
    """A per-person line in cents times the household size: pc < line ⇔ net < line × size."""
    return F("size") * Value(decimal_cents(amount))


def scaled(name: str, factor) -> tuple:
    """(F(name) × p, q) for a factor p/q, to compare `a < name × factor` as `a × q < name × p`."""
    p, q = ratio(factor)
    return F(name) * Value(p), Value(q)


__all__ = [
    "ERROR", "WARNING", "HOUSEHOLD", "MEMBER", "rule", "NEVER", "MONITORED", "UNRESOLVED",
    "NOT_UNRESOLVED", "ELIMINATED", "RECORDED_EMPLOYMENT_NOT_NONE", "pc_defined", "lt", "lte", "gt",
    "gte", "line_times_size", "scaled", "F", "Q", "Value", "HouseholdType", "MonitoringType", "RiskStatus",
    "ID_NUMBER", "MEMBERS", "MONITORING", "per_capita", "TRANSFER_PARTS",
]
