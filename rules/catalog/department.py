"""D — department comparison (部门比对类): each reads the newest list of its source for Y."""

from households.choices import Employment, StudentStatus

from rules.expressions import ceil_cents
from rules.models import DepartmentSource
from rules.catalog.common import (
    ERROR, F, HOUSEHOLD, ID_NUMBER, MEMBER, MONITORED, MONITORING, NEVER, NOT_UNRESOLVED, Q, WARNING, rule,
)


def when_listed(p, source, condition: Q) -> Q:
    """Silent when the source has no list for the year."""
    return condition if p.department_batch(source) else NEVER


@rule("D01", "公安已注销人员仍在册", scope=MEMBER, severity=ERROR,
      reads=ID_NUMBER,
      message="公安部门死亡注销名单中有此人，仍为在册人员")
def cancelled_by_police_still_registered(p):
    """证件号码在公安-死亡注销名单中。"""
    return when_listed(p, DepartmentSource.DEATHS, Q(on_deaths=True))


@rule("D02", "教育部门在校生登记为非在校", scope=MEMBER, severity=ERROR,
      reads=(*ID_NUMBER, "member.student_status"),
      message="教育部门在校生名单中有此人，登记为“{student_status}”")
def enrolled_registered_as_not_studying(p):
    """证件号码在教育-在校生名单中，在校生状况为非在校生或失学辍学。"""
    return when_listed(p, DepartmentSource.ENROLMENT, Q(
        on_enrolment=True, student_status__in=[StudentStatus.NOT_STUDENT, StudentStatus.DROPOUT]))


@rule("D03", "教育部门辍学人员未如实登记", scope=MEMBER, severity=ERROR,
      reads=(*ID_NUMBER, "member.student_status"),
      message="教育部门失学辍学名单中有此人，登记为“{student_status}”")
def dropout_not_registered(p):
    """证件号码在教育-失学辍学名单中，在校生状况既不是失学辍学也不是送教上门。"""
    return when_listed(p, DepartmentSource.DROPOUTS, Q(on_dropouts=True) & ~Q(
        student_status__in=[StudentStatus.DROPOUT, StudentStatus.HOME_TAUGHT]))


@rule("D04", "低保特困金疑似漏采", scope=HOUSEHOLD, severity=WARNING,
      reads=("income0", "income0.subsistence", "income0.extreme_poverty_support", *ID_NUMBER),
      message="有在册成员在民政{welfare_list}名单中，但对应转移性收入为0")
def welfare_payment_missing(p):
    """有在册成员在民政-低保名单中而当年低保金为0，或在民政-特困名单中而特困供养金为0。"""
    return Q(has0=1) & (Q(any_on_subsistence=1, subsistence0=0) | Q(any_on_extreme_poverty=1, extreme_support0=0))


@rule("D05", "持证残疾人残疾等级不符", scope=MEMBER, severity=WARNING,
      reads=(*ID_NUMBER, "member.disability_grade"),
      message="残联名单残疾等级“{listed_disability_label}”，登记为“{disability_grade}”")
def disability_grade_disagrees(p):
    """证件号码在残联-持证残疾人名单中，登记的残疾等级与名单（同一证件号码取最后一行）不同；未登记残疾等级时不报。"""
    return when_listed(p, DepartmentSource.DISABILITY, Q(listed_disability__isnull=False) & ~Q(disability_grade="")
        & ~Q(disability_grade=F("listed_disability")))


@rule("D06", "大额医疗支出疑似风险户", scope=HOUSEHOLD, severity=WARNING, parameters=("large_medical_expense",),
      reads=(*ID_NUMBER, *MONITORING),
      message="有在册成员个人自付医疗费用达到 {large_medical_expense} 元，且不是风险未消除的监测对象")
def large_medical_expense_not_monitored(p):
    """有在册成员在医保-大额医疗支出名单中且某一行个人自付金额≥标准，且该户不是风险未消除的监测对象。"""
    return Q(largest_medical__gte=ceil_cents(p.large_medical_expense)) & NOT_UNRESOLVED


@rule("D07", "危房户住房安全登记有误", scope=HOUSEHOLD, severity=ERROR,
      reads=(*ID_NUMBER, "household.housing_safe"),
      message="有在册成员在住建部门危房名单中，住房安全登记为“是”")
def unsafe_house_registered_safe(p):
    """有在册成员在住建-危房名单中，且住房安全有保障为“是”。"""
    return Q(any_unsafe_house=1, housing_safe=True)


@rule("D08", "人社部门就业人员登记为未务工", scope=MEMBER, severity=WARNING,
      reads=(*ID_NUMBER, "member.employment"),
      message="人社部门就业名单中有此人，登记为未务工")
def employed_registered_as_not_working(p):
    """证件号码在人社-就业名单中，务工状况为未务工。"""
    return when_listed(p, DepartmentSource.EMPLOYMENT, Q(on_employment=True, employment=Employment.NONE))


@rule("D09", "特困供养人员登记外出务工", scope=MEMBER, severity=WARNING,
      reads=(*ID_NUMBER, "member.employment"),
      message="民政部门特困名单中有此人，务工状况登记为“{employment}”")
def extreme_poverty_registered_as_working_away(p):
    """证件号码在民政-特困名单中，务工状况为县内乡外务工、省内县外务工或省外务工。"""
    return when_listed(p, DepartmentSource.EXTREME_POVERTY, Q(
        on_extreme_poverty=True,
        employment__in=[Employment.IN_COUNTY, Employment.IN_PROVINCE, Employment.OUT_OF_PROVINCE]))


@rule("D10", "享受低保特困但未登记兜底保障", scope=HOUSEHOLD, severity=WARNING,
      reads=(*ID_NUMBER, *MONITORING, "measures"),
      message="有在册成员在民政{welfare_list}名单中，{year} 年度帮扶措施“{measures_label}”中无兜底保障")
def welfare_listed_without_safety_net(p):
    """监测对象（风险未消除或已消除），有在册成员在民政-低保或民政-特困名单中，且当年无兜底保障措施；两份名单都没有时不报。"""
    if not (p.department_batch(DepartmentSource.SUBSISTENCE) or p.department_batch(DepartmentSource.EXTREME_POVERTY)):
        return NEVER
    return MONITORED & (Q(any_on_subsistence=1) | Q(any_on_extreme_poverty=1)) & Q(measure_safety_net=0)
