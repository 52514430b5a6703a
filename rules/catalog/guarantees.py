"""A — the guarantees (两不愁三保障及饮水安全)."""

from datetime import timedelta

from households.choices import MedicalInsurance, StudentStatus
from households.expressions import reference_date

from rules.catalog.common import ERROR, HOUSEHOLD, MEMBER, Q, rule


@rule("A01", "住房安全无保障", scope=HOUSEHOLD, severity=ERROR, reads=("household.housing_safe",), message="住房安全有保障登记为“否”")
def housing_unsafe(p):
    """住房安全有保障为“否”。"""
    return Q(housing_safe=False)


@rule("A02", "饮水安全无保障", scope=HOUSEHOLD, severity=ERROR, reads=("household.water_safe",), message="饮水安全有保障登记为“否”")
def water_unsafe(p):
    """饮水安全有保障为“否”。"""
    return Q(water_safe=False)


def young_dropout() -> Q:
    """A03's condition, also read by R03."""
    return Q(student_status=StudentStatus.DROPOUT, age__lte=16)


def uninsured_not_newborn(year: int) -> Q:
    """A04's condition: born 90 days or more before the reference date (a newborn has 90 days)."""
    return Q(medical_insurance=MedicalInsurance.NONE, birth_date__lte=reference_date(year) - timedelta(days=90))


@rule("A03", "义务教育阶段失学辍学", scope=MEMBER, severity=ERROR, reads=("member.student_status", "member.birth_date"), message="{age} 岁，在校生状况为失学辍学")
def compulsory_education_dropout(p):
    """在校生状况为失学辍学，且年龄≤16岁。"""
    return young_dropout()


@rule("A04", "未参加基本医疗保险", scope=MEMBER, severity=ERROR, reads=("member.medical_insurance", "member.birth_date"), message="医疗保险为“未参保”")
def no_medical_insurance(p):
    """医疗保险为未参保；出生日期晚于参考日前90天的新生儿除外（出生89天不报，90天报）。"""
    return uninsured_not_newborn(p.year)
