"""R — monitoring and assistance (监测帮扶类)."""

from rules.catalog.common import (
    ELIMINATED, ERROR, F, HOUSEHOLD, MONITORED, MONITORING, NEVER, NOT_UNRESOLVED, Q, UNRESOLVED,
    WARNING, Value, gte, line_times_size, lt, pc_defined, per_capita, rule,
)
from django.db.models import DurationField, ExpressionWrapper
from datetime import timedelta


@rule("R01", "风险系数达到乡镇审核线", scope=HOUSEHOLD, severity=WARNING,
      parameters=("risk_township", "risk_county"),
      reads=("risk", *MONITORING),
      message="风险系数 {risk:.4f}（{risk_factors}）达到乡镇审核线 {risk_township}，且不是风险未消除的监测对象")
def risk_reaches_township_line(p):
    """乡镇审核线 ≤ 风险系数 < 县级复核线，且该户不是风险未消除的监测对象。"""
    return gte(F("risk"), Value(p.risk_township)) & lt(F("risk"), Value(p.risk_county)) & NOT_UNRESOLVED


@rule("R02", "风险系数达到县级复核线", scope=HOUSEHOLD, severity=ERROR, parameters=("risk_county",),
      reads=("risk", *MONITORING),
      message="风险系数 {risk:.4f}（{risk_factors}）达到县级复核线 {risk_county}，且不是风险未消除的监测对象")
def risk_reaches_county_line(p):
    """风险系数 ≥ 县级复核线，且该户不是风险未消除的监测对象。"""
    return gte(F("risk"), Value(p.risk_county)) & NOT_UNRESOLVED


@rule("R03", "风险消除不精准", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MONITORING, *per_capita(0), "household.housing_safe", "household.water_safe", "member.student_status", "member.birth_date", "member.medical_insurance"),
      message="已标注风险消除，但{elimination_problem}")
def elimination_inaccurate(p):
    """风险已消除，但当年人均纯收入低于监测标准，或住房、饮水无保障，或有在册成员符合A03、A04的条件。"""
    below_line = NEVER if p.monitoring_line is None else pc_defined(0) & lt(F("net0"), line_times_size(p.monitoring_line))
    return ELIMINATED & (
        below_line | Q(housing_safe=False) | Q(water_safe=False)
        | Q(any_young_dropout=1) | Q(any_uninsured_not_newborn=1)
    )


@rule("R04", "监测对象未落实帮扶措施", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MONITORING, "measures"),
      message="风险未消除，{year} 年度无帮扶措施")
def monitored_without_measures(p):
    """风险未消除的监测对象，当年没有帮扶措施。"""
    return UNRESOLVED & Q(has_measure=False)


@rule("R05", "监测对象未标注风险类型", scope=HOUSEHOLD, severity=ERROR, reads=("household.monitoring_type", "household.risk_types"), message="监测对象未标注风险类型")
def monitored_without_risk_type(p):
    """监测对象没有标注致贫返贫风险类型。"""
    return MONITORED & Q(risk_types=[])


@rule("R06", "风险消除时间过短", scope=HOUSEHOLD, severity=WARNING, parameters=("elimination_min_days",),
      reads=(*MONITORING, "household.included_on", "household.eliminated_on"),
      message="纳入监测 {included_on}，风险消除 {eliminated_on}，不足 {elimination_min_days} 天")
def elimination_too_soon(p):
    """风险已消除，且风险消除日期与纳入监测日期相差不足规定天数。"""
    days = timedelta(days=int(p.elimination_min_days))
    span = ExpressionWrapper(F("eliminated_on") - F("included_on"), output_field=DurationField())
    return ELIMINATED & Q(included_on__isnull=False, eliminated_on__isnull=False) & lt(span, Value(days))


@rule("R07", "监测日期逻辑错误", scope=HOUSEHOLD, severity=ERROR, reads=(*MONITORING, "household.included_on", "household.eliminated_on"), message="{date_problem}")
def monitoring_dates_illogical(p):
    """监测对象无纳入监测日期；风险已消除但无消除日期或早于纳入日期；风险未消除却有消除日期。"""
    return (
        (MONITORED & Q(included_on__isnull=True))
        | (ELIMINATED & (Q(eliminated_on__isnull=True) | lt(F("eliminated_on"), F("included_on"))))
        | (UNRESOLVED & Q(eliminated_on__isnull=False))
    )
