"""I — income (收入类). pc(y) is compared through net income over the same current size."""

from rules.catalog.common import (
    ERROR, F, HOUSEHOLD, MONITORING, NEVER, NOT_UNRESOLVED, Q, TRANSFER_PARTS, WARNING, Value, gt,
    line_times_size, lt, lte, pc_defined, per_capita, rule, scaled,
)


@rule("I01", "收入低于监测标准未纳入监测", scope=HOUSEHOLD, severity=ERROR,
      reads=(*per_capita(0), *MONITORING),
      message="人均纯收入 {pc0} 元低于监测标准 {monitoring_line} 元，且不是风险未消除的监测对象")
def income_below_line_not_monitored(p):
    """当年人均纯收入低于当年监测标准，且该户不是风险未消除的监测对象。"""
    if p.monitoring_line is None:
        return NEVER
    return pc_defined(0) & lt(F("net0"), line_times_size(p.monitoring_line)) & NOT_UNRESOLVED


@rule("I02", "人均纯收入下降", scope=HOUSEHOLD, severity=WARNING,
      reads=per_capita(0, 1),
      message="人均纯收入由 {pc1} 元降至 {pc0} 元")
def per_capita_income_fell(p):
    """当年人均纯收入低于上年。"""
    return pc_defined(0, 1) & lt(F("net0"), F("net1"))


@rule("I03", "人均纯收入连续两年下降", scope=HOUSEHOLD, severity=WARNING,
      reads=per_capita(0, 1, 2),
      message="人均纯收入连续两年下降：{pc2} → {pc1} → {pc0} 元")
def per_capita_income_fell_two_years(p):
    """当年低于上年，且上年低于前年。"""
    return pc_defined(0, 1, 2) & lt(F("net0"), F("net1")) & lt(F("net1"), F("net2"))


@rule("I04", "人均纯收入连续三年下降", scope=HOUSEHOLD, severity=ERROR,
      reads=per_capita(0, 1, 2, 3),
      message="人均纯收入连续三年下降：{pc3} → {pc2} → {pc1} → {pc0} 元")
def per_capita_income_fell_three_years(p):
    """pc(Y) < pc(Y−1) < pc(Y−2) < pc(Y−3)。"""
    return pc_defined(0, 1, 2, 3) & lt(F("net0"), F("net1")) & lt(F("net1"), F("net2")) & lt(F("net2"), F("net3"))


@rule("I05", "人均纯收入增幅异常", scope=HOUSEHOLD, severity=WARNING, parameters=("growth_threshold",),
      reads=per_capita(0, 1),
      message="人均纯收入由 {pc1} 元增至 {pc0} 元，增幅超过 {growth_threshold_percent}")
def per_capita_income_jumped(p):
    """上年人均纯收入大于0，且当年高于上年×(1+增幅阈值)。"""
    grown, denominator = scaled("net1", 1 + p.growth_threshold)
    return pc_defined(0, 1) & Q(net1__gt=0) & gt(F("net0") * denominator, grown)


@rule("I06", "人均纯收入低于关注线", scope=HOUSEHOLD, severity=WARNING,
      reads=per_capita(0),
      message="人均纯收入 {pc0} 元，介于监测标准 {monitoring_line} 元与关注线 {attention_line} 元之间")
def per_capita_income_below_attention_line(p):
    """监测标准 ≤ 当年人均纯收入 < 关注线。"""
    if p.monitoring_line is None:
        return NEVER
    return (
        pc_defined(0)
        & lte(line_times_size(p.monitoring_line), F("net0"))
        & lt(F("net0"), line_times_size(p.attention_line))
    )


@rule("I07", "有工资性收入无务工人员", scope=HOUSEHOLD, severity=WARNING,
      reads=("income0", "income0.wage", "member.employment"),
      message="工资性收入 {wage0} 元，但无在册务工人员")
def wage_without_worker(p):
    """当年工资性收入大于0，且没有务工状况为未务工以外的在册成员。"""
    return Q(has0=1, wage0__gt=0, any_worker=0)


@rule("I08", "有务工人员无工资性收入", scope=HOUSEHOLD, severity=ERROR, parameters=("min_months_for_wage",),
      reads=("income0", "income0.wage", "member.employment", "member.months_worked"),
      message="有务工满 {min_months_for_wage} 个月的在册成员，但工资性收入为0")
def worker_without_wage(p):
    """有在册成员务工且务工时间≥最少务工月数，而当年工资性收入为0。"""
    return Q(has0=1, wage0=0, most_months_worked__gte=int(p.min_months_for_wage))


@rule("I09", "60岁以上人员未采集养老金", scope=HOUSEHOLD, severity=WARNING,
      reads=("income0", "income0.pension", "member.birth_date"),
      message="有60岁以上在册成员，但养老金或离退休金为0")
def pension_missing_for_elderly(p):
    """有年满60岁的在册成员，且当年转移性收入中的养老金为0。"""
    return Q(has0=1, any_aged_60=1, pension0=0)


@rule("I10", "公益性岗位收入与人员不符", scope=HOUSEHOLD, severity=ERROR,
      reads=("income0", "income0.public_welfare_income", "member.public_welfare_job"),
      message="公益性岗位收入 {welfare_income0} 元，在册公益性岗位人员 {welfare_job_label}")
def welfare_job_income_disagrees(p):
    """有在册成员从事公益性岗位但当年该项收入为0，或该项收入大于0但无在册成员从事公益性岗位。"""
    return Q(has0=1) & (Q(any_welfare_job=1, welfare_income0=0) | Q(any_welfare_job=0, welfare_income0__gt=0))


@rule("I11", "转移性收入明细与合计不符", scope=HOUSEHOLD, severity=ERROR,
      reads=("income0", "income0.transfer_total", *(f"income0.{name}" for name in TRANSFER_PARTS)),
      message="转移性收入合计 {transfer0} 元，明细之和 {transfer_parts0} 元")
def transfer_parts_disagree(p):
    """当年转移性收入各明细之和与合计相差超过0.01元。"""
    return Q(has0=1) & (gt(F("transfer_parts0") - F("transfer0"), Value(1)) | gt(F("transfer0") - F("transfer_parts0"), Value(1)))


@rule("I12", "转移性收入大幅下降", scope=HOUSEHOLD, severity=WARNING, parameters=("transfer_drop_threshold",),
      reads=("income0", "income1", "income0.transfer_total", "income1.transfer_total"),
      message="转移性收入由 {transfer1} 元降至 {transfer0} 元")
def transfer_income_dropped(p):
    """上年转移性收入大于0，且当年低于上年×(1−降幅阈值)。"""
    floor, denominator = scaled("transfer1", 1 - p.transfer_drop_threshold)
    return Q(has0=1, has1=1, transfer1__gt=0) & lt(F("transfer0") * denominator, floor)


@rule("I13", "财产性收入疑似漏采", scope=HOUSEHOLD, severity=WARNING,
      reads=("income0", "income1", "income0.property_income", "income1.property_income"),
      message="上年财产性收入 {property1} 元，当年为0")
def property_income_missing(p):
    """上年财产性收入大于0，当年为0。"""
    return Q(has0=1, has1=1, property1__gt=0, property0=0)


@rule("I14", "年度收入未采集", scope=HOUSEHOLD, severity=ERROR, reads=("income0",), message="{year} 年度收入未采集")
def income_not_collected(p):
    """没有当年的年度收入记录。"""
    return Q(has0=0)


@rule("I15", "人均纯收入为零或负数", scope=HOUSEHOLD, severity=ERROR,
      reads=per_capita(0),
      message="人均纯收入 {pc0} 元")
def per_capita_income_not_positive(p):
    """当年人均纯收入≤0。"""
    return pc_defined(0) & Q(net0__lte=0)
