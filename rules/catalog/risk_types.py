"""K — risk types against the household's facts (风险类型与家庭情况).

"Has risk type T" reads the column has_<T> of the household base (1 when T is one of its risk
types); "no active member has …" holds for a household without active members too (the any_*
columns are 0 there).
"""

from households.choices import RiskType

from rules.catalog.common import ERROR, F, HOUSEHOLD, MEMBERS, MONITORING, Q, UNRESOLVED, WARNING, Value, gt, rule

RISK_TYPES = ("household.risk_types",)


def has(risk: str) -> Q:
    return Q(**{f"has_{risk}": 1})


@rule("K01", "风险类型为因残但家中无残疾人", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MONITORING, *RISK_TYPES, "member.disability_grade"),
      message="风险类型“{risk_types_label}”，但在册成员中无一至四级残疾人")
def disability_risk_without_disabled_member(p):
    """风险未消除，风险类型含因残，且没有在册成员残疾等级为一级至四级。"""
    return UNRESOLVED & has(RiskType.DISABILITY) & Q(any_disabled=0)


@rule("K02", "风险类型为因病但家中无患病人员", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MONITORING, *RISK_TYPES, "member.health"),
      message="风险类型“{risk_types_label}”，但在册成员中无长期慢性病或患有大病人员")
def illness_risk_without_ill_member(p):
    """风险未消除，风险类型含因病，且没有在册成员健康状况为长期慢性病或患有大病。"""
    return UNRESOLVED & has(RiskType.ILLNESS) & Q(any_ill=0)


@rule("K03", "风险类型为因学但家中无在校生", scope=HOUSEHOLD, severity=WARNING,
      reads=(*MONITORING, *RISK_TYPES, "member.student_status"),
      message="风险类型“{risk_types_label}”，但在册成员中无在校生")
def schooling_risk_without_student(p):
    """风险未消除，风险类型含因学，且没有在册成员在校生状况为学前教育至本科及以上或送教上门。"""
    return UNRESOLVED & has(RiskType.SCHOOLING) & Q(any_student=0)


@rule("K04", "风险类型为缺劳动力但劳动力充足", scope=HOUSEHOLD, severity=WARNING,
      reads=(*MONITORING, *RISK_TYPES, *MEMBERS, "member.labour_ability"),
      message="风险类型“{risk_types_label}”，但 {size} 名在册成员中有 {labour_count} 名技能或普通劳动力")
def no_labour_risk_with_enough_labour(p):
    """风险未消除，风险类型含缺劳动力，且技能劳动力和普通劳动力人数的4倍大于在册成员人数。"""
    return UNRESOLVED & has(RiskType.NO_LABOUR) & gt(F("labour_count") * Value(4), F("size"))


@rule("K05", "风险类型为因务工就业不稳但无劳动力", scope=HOUSEHOLD, severity=WARNING,
      reads=(*MONITORING, *RISK_TYPES, "member.labour_ability"),
      message="风险类型“{risk_types_label}”，但在册成员中无技能、普通或弱劳动力")
def unstable_work_risk_without_labour(p):
    """风险未消除，风险类型含因务工就业不稳，且没有在册成员劳动技能为技能劳动力、普通劳动力或弱劳动力或半劳动力。"""
    return UNRESOLVED & has(RiskType.UNSTABLE_WORK) & Q(any_some_labour=0)


@rule("K06", "住房不安全但未标注住房安全风险", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MONITORING, *RISK_TYPES, "household.housing_safe"),
      message="住房安全无保障，风险类型“{risk_types_label}”未含住房安全问题")
def unsafe_housing_without_housing_risk(p):
    """风险未消除，住房安全有保障为否，且风险类型不含住房安全问题。"""
    return UNRESOLVED & Q(housing_safe=False) & ~has(RiskType.HOUSING)


@rule("K07", "饮水不安全但未标注饮水安全风险", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MONITORING, *RISK_TYPES, "household.water_safe"),
      message="饮水安全无保障，风险类型“{risk_types_label}”未含饮水安全问题")
def unsafe_water_without_water_risk(p):
    """风险未消除，饮水安全有保障为否，且风险类型不含饮水安全问题。"""
    return UNRESOLVED & Q(water_safe=False) & ~has(RiskType.DRINKING_WATER)
