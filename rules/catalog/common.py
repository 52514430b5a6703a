"""Vocabulary shared by the rule declarations."""

from django.db.models import F, Q, Value
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual

from audits.models import Severity
from households.choices import Employment, HouseholdType, MonitoringType, RiskStatus

from rules.expressions import decimal_cents, ratio
from rules.registry import HOUSEHOLD, MEMBER, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING
NEVER = Q(pk__isnull=True)  # a condition no row meets: the rule is silent

MONITORED = ~Q(monitoring_type="")
UNRESOLVED = MONITORED & Q(risk_status=RiskStatus.UNRESOLVED)
NOT_UNRESOLVED = Q(monitoring_type="") | ~Q(risk_status=RiskStatus.UNRESOLVED)
ELIMINATED = MONITORED & Q(risk_status=RiskStatus.ELIMINATED)
RECORDED_EMPLOYMENT_NOT_NONE = ~Q(employment="") & ~Q(employment=Employment.NONE)


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
]
