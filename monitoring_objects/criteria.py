"""风险消除 criteria, computed in SQL from the registry: each with its value and whether it passes.

Income is compared exactly, as the rules compare it: per-capita net income above a line means
net income > line × active members (no division, no floats). A year's income is divided by the
household's *current* active members, as everywhere in the registry.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import (
    BooleanField, Case, Count, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, Value, When,
)
from django.db.models.functions import Coalesce, Left

from households import expressions
from households.choices import LabourAbility, MedicalInsurance, MemberStatus, StudentStatus
from households.models import AnnualIncome, AssistanceMeasure, Household, Member, YearParameters

MONEY = expressions.MONEY
WORKING = (LabourAbility.SKILLED, LabourAbility.ORDINARY, LabourAbility.WEAK)
NOT_IN_SCHOOL = (StudentStatus.NOT_STUDENT, StudentStatus.PRESCHOOL)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    value: str
    passed: bool


LABELS = {
    "income_above_line": "当年人均纯收入高于监测线",
    "income_stable": "收入持续稳定（前两个记录年度不低于监测线）",
    "housing_safe": "住房安全有保障",
    "water_safe": "饮水安全有保障",
    "schooling": "无义务教育阶段适龄人员失学辍学",
    "medical_insurance": "家庭成员均参加基本医疗保险",
    "months_monitored": "纳入监测时间已满规定月数",
    "has_measure": "至少有一项帮扶措施",
    "has_labour": "非整户无劳动力（整户无劳动力户纳入兜底保障持续监测）",
}


def _line(year_expression):
    lines = YearParameters.objects.filter(county=Left(OuterRef("village_id"), 6), year=year_expression)
    return Subquery(lines.values("monitoring_line")[:1], output_field=MONEY)


def _previous(offset: int, year: int, field: str):
    incomes = AnnualIncome.objects.filter(household=OuterRef("pk"), year__lt=year).order_by("-year")
    if field == "net":
        incomes = incomes.annotate(net=expressions.net_income())
    return Subquery(incomes.values(field)[offset:offset + 1])


def with_elimination_criteria(households, *, year: int, today: datetime.date, months: int):
    """`households` annotated with every criterion (`c_<key>` booleans) and the values shown."""
    active = Member.objects.filter(household=OuterRef("pk"), status=MemberStatus.NORMAL)
    age = expressions.age_on_reference_date(year)
    out_of_school = active.annotate(age=age).filter(
        Q(age__gte=7, age__lte=15, student_status__in=NOT_IN_SCHOOL)
        | Q(age__lte=16, student_status=StudentStatus.DROPOUT)
    )
    uninsured = active.filter(Q(medical_insurance=MedicalInsurance.NONE) | Q(medical_insurance=""))
    cutoff = today - relativedelta(months=months)
    current = AnnualIncome.objects.filter(household=OuterRef("pk"), year=year).annotate(
        net=expressions.net_income())
    qs = households.with_size().annotate(
        net_now=Subquery(current.values("net")[:1], output_field=MONEY),
        line_now=_line(Value(year)),
        prev1_year=_previous(0, year, "year"),
        prev1_net=ExpressionWrapper(_previous(0, year, "net"), output_field=MONEY),
        prev2_year=_previous(1, year, "year"),
        prev2_net=ExpressionWrapper(_previous(1, year, "net"), output_field=MONEY),
        out_of_school_count=_count(out_of_school),
        uninsured_count=_count(uninsured),
        working_count=_count(active.filter(labour_ability__in=WORKING)),
        measure_count=_count(AssistanceMeasure.objects.filter(household=OuterRef("pk"))),
    ).annotate(
        prev1_line=_line(OuterRef("prev1_year")),
        prev2_line=_line(OuterRef("prev2_year")),
    )
    return qs.annotate(
        c_income_above_line=_bool(Q(size__gt=0, net_now__gt=F("line_now") * F("size"))),
        c_income_stable=_bool(
            Q(size__gt=0, prev1_net__gte=F("prev1_line") * F("size"), prev2_net__gte=F("prev2_line") * F("size"))
        ),
        c_housing_safe=_bool(Q(housing_safe=True)),
        c_water_safe=_bool(Q(water_safe=True)),
        c_schooling=_bool(Q(out_of_school_count=0)),
        c_medical_insurance=_bool(Q(uninsured_count=0)),
        c_months_monitored=_bool(Q(included_on__lte=cutoff)),
        c_has_measure=_bool(Q(measure_count__gt=0)),
        c_has_labour=_bool(Q(working_count__gt=0)),
    )


def _count(rows):
    counted = rows.order_by().values("household").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _bool(condition: Q):
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _per_capita(net, size) -> str:
    if net is None or not size:
        return "无记录"
    return f"{(Decimal(net) / size).quantize(Decimal('0.01'))} 元"


def criteria_of(household: Household, *, year: int, today: datetime.date, months: int) -> list[Criterion]:
    """Every criterion for one household, in one query, with the values a reviewer reads."""
    row = with_elimination_criteria(
        Household.objects.filter(pk=household.pk), year=year, today=today, months=months
    ).get()
    size = row.size

    def prior(y, net, line):
        if y is None:
            return "无记录"
        return f"{y}年 {_per_capita(net, size)}（监测线 {line if line is not None else '未设置'}）"

    values = {
        "income_above_line": f"{year}年 {_per_capita(row.net_now, size)}（监测线 "
                             f"{row.line_now if row.line_now is not None else '未设置'}）",
        "income_stable": "；".join([prior(row.prev1_year, row.prev1_net, row.prev1_line),
                                   prior(row.prev2_year, row.prev2_net, row.prev2_line)]),
        "housing_safe": {True: "是", False: "否"}.get(row.housing_safe, "未登记"),
        "water_safe": {True: "是", False: "否"}.get(row.water_safe, "未登记"),
        "schooling": f"失学辍学或未在校 {row.out_of_school_count} 人",
        "medical_insurance": f"未参保或未登记 {row.uninsured_count} 人",
        "months_monitored": (f"纳入于 {row.included_on:%Y-%m-%d}，满 {months} 个月之日为 "
                             f"{row.included_on + relativedelta(months=months):%Y-%m-%d}"
                             if row.included_on else "无纳入日期"),
        "has_measure": f"{row.measure_count} 项",
        "has_labour": f"有劳动能力成员 {row.working_count} 人",
    }
    return [Criterion(key, label, values[key], getattr(row, f"c_{key}")) for key, label in LABELS.items()]

