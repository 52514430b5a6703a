"""S — risk types against the measures (风险类型与帮扶措施).

"A measure of Y of type T" reads the column measure_<T> of the household base: 1 when the
household has an assistance measure of the year Y of that type.
"""

from households.choices import MeasureType, RiskType

from rules.catalog.common import ERROR, HOUSEHOLD, MONITORING, Q, UNRESOLVED, WARNING, rule
from rules.catalog.risk_types import RISK_TYPES, has

MEASURES = ("measures",)


def measure_of(*kinds: str) -> Q:
    """The household has a measure of Y of one of these types."""
    condition = Q()
    for kind in kinds:
        condition |= Q(**{f"measure_{kind}": 1})
    return condition


@rule("S01", "因病风险未落实健康帮扶", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MONITORING, *RISK_TYPES, *MEASURES),
      message="风险类型“{risk_types_label}”，{year} 年度帮扶措施“{measures_label}”中无健康帮扶或兜底保障")
def illness_risk_without_health_measure(p):
    """风险未消除，风险类型含因病，且当年无健康帮扶或兜底保障措施。"""
    return UNRESOLVED & has(RiskType.ILLNESS) & ~measure_of(MeasureType.HEALTH, MeasureType.SAFETY_NET)


@rule("S02", "因学风险未落实教育帮扶", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MONITORING, *RISK_TYPES, *MEASURES),
      message="风险类型“{risk_types_label}”，{year} 年度帮扶措施“{measures_label}”中无教育帮扶")
def schooling_risk_without_education_measure(p):
    """风险未消除，风险类型含因学，且当年无教育帮扶措施。"""
    return UNRESOLVED & has(RiskType.SCHOOLING) & ~measure_of(MeasureType.EDUCATION)


@rule("S03", "住房安全风险未落实住房保障", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MONITORING, *RISK_TYPES, *MEASURES),
      message="风险类型“{risk_types_label}”，{year} 年度帮扶措施“{measures_label}”中无住房保障")
def housing_risk_without_housing_measure(p):
    """风险未消除，风险类型含住房安全问题，且当年无住房保障措施。"""
    return UNRESOLVED & has(RiskType.HOUSING) & ~measure_of(MeasureType.HOUSING)


@rule("S04", "饮水安全风险未落实饮水保障", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MONITORING, *RISK_TYPES, *MEASURES),
      message="风险类型“{risk_types_label}”，{year} 年度帮扶措施“{measures_label}”中无饮水保障")
def water_risk_without_water_measure(p):
    """风险未消除，风险类型含饮水安全问题，且当年无饮水保障措施。"""
    return UNRESOLVED & has(RiskType.DRINKING_WATER) & ~measure_of(MeasureType.WATER)


@rule("S05", "有劳动力监测户仅享受兜底保障", scope=HOUSEHOLD, severity=WARNING,
      reads=(*MONITORING, "member.labour_ability", *MEASURES),
      message="有技能或普通劳动力，{year} 年度帮扶措施仅有兜底保障")
def able_household_only_on_safety_net(p):
    """风险未消除，有在册成员为技能劳动力或普通劳动力，当年至少有一项帮扶措施，且当年的措施全部是兜底保障。"""
    return UNRESOLVED & Q(any_labour=1, has_measure=True, measure_not_safety_net=0)


@rule("S06", "因残风险未落实兜底或健康帮扶", scope=HOUSEHOLD, severity=WARNING,
      reads=(*MONITORING, *RISK_TYPES, *MEASURES),
      message="风险类型“{risk_types_label}”，{year} 年度帮扶措施“{measures_label}”中无兜底保障或健康帮扶")
def disability_risk_without_measure(p):
    """风险未消除，风险类型含因残，且当年无兜底保障或健康帮扶措施。"""
    return UNRESOLVED & has(RiskType.DISABILITY) & ~measure_of(MeasureType.SAFETY_NET, MeasureType.HEALTH)
