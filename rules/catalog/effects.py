"""L — the measures' effect (帮扶成效). L02 is kept for 帮扶消除 without any measure."""

from django.db.models.lookups import Exact

from households.choices import MeasureType

from rules.catalog.common import (
    ELIMINATED, ERROR, F, HOUSEHOLD, MEMBERS, MONITORING, Q, WARNING, Value, rule,
)
from rules.catalog.measures import MEASURES, measure_of


@rule("L01", "整户无劳动力监测户已消除风险", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MONITORING, *MEMBERS, "member.labour_ability"),
      message="风险已消除，但 {size} 名在册成员均为丧失劳动力或无劳动力")
def eliminated_without_any_labour(p):
    """风险已消除，该户至少有一名在册成员，且每名在册成员的劳动技能都是丧失劳动力或无劳动力。"""
    return ELIMINATED & Q(size__gt=0, any_not_without_labour=0)


@rule("L03", "享受就业帮扶但无工资性收入", scope=HOUSEHOLD, severity=WARNING,
      reads=(*MEASURES, "income0", "income0.wage", "income0.public_welfare_income"),
      message="{year} 年度帮扶措施“{measures_label}”，工资性收入与公益性岗位收入合计为0")
def employment_measure_without_wage(p):
    """当年有就业帮扶或公益性岗位措施，有当年收入记录，且工资性收入与公益性岗位收入之和为0。"""
    return (measure_of(MeasureType.EMPLOYMENT, MeasureType.PUBLIC_WELFARE_JOB) & Q(has0=1)
            & Q(Exact(F("wage0") + F("welfare_income0"), Value(0))))


@rule("L04", "享受产业帮扶但无经营性收入", scope=HOUSEHOLD, severity=WARNING,
      reads=(*MEASURES, "income0", "income0.operating_income"),
      message="{year} 年度帮扶措施“{measures_label}”，生产经营性收入为0")
def industry_measure_without_operating_income(p):
    """当年有产业帮扶或庭院经济措施，有当年收入记录，且生产经营性收入（收入本身，不减支出）为0。"""
    return measure_of(MeasureType.INDUSTRY, MeasureType.COURTYARD) & Q(has0=1, operating0=0)
