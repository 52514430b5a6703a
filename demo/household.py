"""The demo county's households: monitoring status, helpers, incomes and assistance measures.

Incomes are built bottom-up from the members (wages from months worked, pensions for
the over-60s, public-welfare pay for job holders), then steered so that a household
that is not an unresolved monitoring object stays above the monitoring line, and
back-cast with steady growth so that clean data trips no income-trend rule.
"""

import datetime
import enum
import random
from dataclasses import dataclass
from decimal import Decimal

from households.choices import (
    DisabilityGrade,
    Employment,
    Health,
    LabourAbility,
    MeasureType,
    MonitoringType,
    RiskStatus,
    RiskType,
    StudentStatus,
)
from demo.people import ABLE, Person, monthly_wage
from households.models import TRANSFER_PARTS, AnnualIncome, AssistanceMeasure, Household

AGENCIES = (
    "农业农村局",
    "乡村振兴局",
    "教育体育局",
    "卫生健康委员会",
    "人力资源和社会保障局",
    "财政局",
    "自然资源局",
    "住房和城乡建设局",
    "水利局",
    "民政局",
    "医疗保障局",
    "交通运输局",
    "林业局",
    "发展和改革委员会",
    "审计局",
    "统计局",
)
CROPS = ("脐橙", "油茶", "蔬菜", "水稻", "白莲", "茶叶", "中药材", "红薯", "花生")
WELFARE_JOBS = ("村保洁员", "护林员", "河道管护员", "道路养护员", "农村水管员")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


SCHOOL_COSTS = {
    StudentStatus.PRESCHOOL: (1000, 3000),
    StudentStatus.PRIMARY: (200, 1200),
    StudentStatus.JUNIOR: (300, 1500),
    StudentStatus.HOME_TAUGHT: (100, 500),
    StudentStatus.SENIOR: (2000, 5000),
    StudentStatus.VOCATIONAL: (1500, 4000),
    StudentStatus.HIGHER_VOCATIONAL: (5000, 10000),
    StudentStatus.UNDERGRADUATE: (6000, 12000),
}


class IncomeTarget(enum.Enum):
    ABOVE = "above"  # at least 3 % over the monitoring line
    AROUND = "around"  # an unresolved monitoring object: 60 %–140 % of the line
    BELOW = "below"  # planted I01: under the line though not monitored


@dataclass(frozen=True)
class Helper:
    name: str
    phone: str
    employer: str


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3335557788899") + "".join(rng.choice("0123456789") for _ in range(9))


def helper_pool(
    rng: random.Random, *, size: int, county_name: str, township_name: str, make_name
) -> list[Helper]:
    """帮扶责任人 of one township: cadres of county bureaus and of the township itself."""
    township_office = (
        township_name + "人民政府" if township_name.endswith(("镇", "乡")) else township_name
    )
    helpers = []
    for _ in range(size):
        employer = township_office if rng.random() < 0.35 else county_name + rng.choice(AGENCIES)
        helpers.append(Helper(name=make_name(rng), phone=mobile(rng), employer=employer))
    return helpers


def plan_monitoring(
    rng: random.Random, household: Household, *, year: int, alleviated: bool
) -> None:
    """Make about 8 % of households monitoring objects of the type their household type allows."""
    if rng.random() >= (0.12 if alleviated else 0.055):
        return
    if alleviated:
        household.monitoring_type = MonitoringType.UNSTABLE
    else:
        household.monitoring_type = (
            MonitoringType.MARGINAL if rng.random() < 0.75 else MonitoringType.SUDDEN_HARDSHIP
        )
    reference = datetime.date(year, 9, 30)
    earliest = datetime.date(year - 4, 3, 1)
    if rng.random() < 0.25:
        gap = rng.randint(190, 720)
        latest = reference - datetime.timedelta(days=gap)
        span = max(0, (latest - earliest).days)
        household.included_on = earliest + datetime.timedelta(days=rng.randint(0, span))
        household.eliminated_on = household.included_on + datetime.timedelta(days=gap)
        household.risk_status = RiskStatus.ELIMINATED
    else:
        latest = datetime.date(year, 8, 31)
        household.included_on = earliest + datetime.timedelta(
            days=rng.randint(0, (latest - earliest).days)
        )
        household.risk_status = RiskStatus.UNRESOLVED


def risk_types_for(rng: random.Random, household: Household, people: list[Person]) -> list[str]:
    """One or two risk types that the family's circumstances explain."""
    members = [p.member for p in people if p.is_active]
    found = []
    if any(m.health in (Health.MAJOR_ILLNESS, Health.CHRONIC) for m in members):
        found.append(RiskType.ILLNESS)
    if any(m.disability_grade not in ("", DisabilityGrade.NONE) for m in members):
        found.append(RiskType.DISABILITY)
    if not any(m.labour_ability in ABLE for m in members):
        found.append(RiskType.NO_LABOUR)
    if any(
        m.student_status
        in (
            StudentStatus.SENIOR,
            StudentStatus.VOCATIONAL,
            StudentStatus.HIGHER_VOCATIONAL,
            StudentStatus.UNDERGRADUATE,
        )
        for m in members
    ):
        found.append(RiskType.SCHOOLING)
    if household.monitoring_type == MonitoringType.SUDDEN_HARDSHIP:
        found.insert(0, rng.choice((RiskType.ACCIDENT, RiskType.DISASTER, RiskType.ILLNESS)))
    if not found:
        found.append(
            rng.choice(
                (
                    RiskType.DISASTER,
                    RiskType.ACCIDENT,
                    RiskType.PROJECT_FAILURE,
                    RiskType.UNSTABLE_WORK,
                    RiskType.OTHER,
                )
            )
        )
    unique = list(dict.fromkeys(str(value) for value in found))
    return unique[: rng.choice((1, 2, 2))]


def assign_welfare_job(rng: random.Random, people: list[Person], *, chance: float) -> None:
    """Sometimes one idle adult of the family holds a public-welfare job (公益性岗位)."""
    if rng.random() >= chance:
        return
    candidates = [
        p
        for p in people
        if p.is_active
        and 30 <= p.age <= 70
        and p.member.employment == Employment.NONE
        and p.member.labour_ability in (LabourAbility.ORDINARY, LabourAbility.WEAK)
    ]
    if candidates:
        rng.choice(candidates).member.public_welfare_job = True


def money(value: float) -> Decimal:
    return Decimal(f"{max(value, 0):.2f}")


def draw_incomes(
    rng: random.Random,
    household: Household,
    people: list[Person],
    *,
    lines: dict[int, Decimal],
    year: int,
    target: IncomeTarget,
) -> list[AnnualIncome]:
    """Four years of income ending in `year`.

    A BELOW target that the family's fixed transfers make impossible falls back to ABOVE:
    the builder reads the per-capita income of what was written to count its I01 defects.
    """
    active = [p for p in people if p.is_active]
    size = len(active)
    line = float(lines[year])
    alleviated = household.alleviation_year is not None
    eldest = max((p.age for p in active), default=0)

    workers = [
        (p.member, monthly_wage(rng, p.member))
        for p in active
        if p.member.employment != Employment.NONE
    ]

    def wages() -> float:
        return sum(member.months_worked * rate for member, rate in workers)

    wage = wages()
    welfare = sum(rng.uniform(6000, 9600) for p in active if p.member.public_welfare_job)
    able = sum(
        1
        for p in active
        if 16 <= p.age < 75 and p.member.labour_ability in (*ABLE, LabourAbility.WEAK)
    )
    farming = able > 0 or rng.random() < 0.4
    operating = rng.uniform(1500, 6000) * max(1, min(able, 3)) if farming else 0.0
    expense = operating * rng.uniform(0.25, 0.45)
    if alleviated and rng.random() < 0.6:
        prop = rng.uniform(300, 1500)  # asset dividends (资产收益分红)
    else:
        prop = rng.uniform(500, 3000) if rng.random() < 0.1 else 0.0

    parts = dict.fromkeys(TRANSFER_PARTS, 0.0)
    if eldest >= 60 and rng.random() < 0.12:
        parts["family_planning"] = 960.0 * rng.choice((1, 2))
    if size == 1 and active[0].age >= 60 and able == 0 and rng.random() < 0.4:
        parts["extreme_poverty_support"] = rng.uniform(6000, 9000)
    elif rng.random() < (0.35 if household.monitoring_type else 0.08 if alleviated else 0.02):
        parts["subsistence"] = size * rng.uniform(2400, 4200)
    parts["pension"] = sum(rng.uniform(1560, 2400) for p in active if p.age >= 60)
    parts["eco_compensation"] = rng.uniform(50, 600) if rng.random() < 0.4 else 0.0
    parts["other_transfer"] = rng.uniform(100, 1000) if rng.random() < 0.35 else 0.0
    transfers = sum(parts.values())

    fixed = welfare + transfers
    flexible = wage + operating - expense + prop
    if target is not IncomeTarget.ABOVE:
        low, high = (0.6, 1.4) if target is IncomeTarget.AROUND else (0.7, 0.95)
        need = line * rng.uniform(low, high) * size - fixed
        if need <= 0 or need < 0.1 * flexible:
            # Transfers alone keep the family near or over the target: leave the rest as drawn.
            if target is IncomeTarget.BELOW:
                target = IncomeTarget.ABOVE
        elif need < flexible:
            # A poor year: fewer months of work and a smaller harvest.
            factor = need / flexible
            for member, _ in workers:
                member.months_worked = max(1, round(member.months_worked * factor))
            wage = wages()
            operating, expense, prop = (v * factor for v in (operating, expense, prop))
        else:
            operating += (need - flexible) / 0.7
            expense += (need - flexible) * 0.3 / 0.7
    net = wage + welfare + operating - expense + prop + transfers
    if target is IncomeTarget.ABOVE and net < line * 1.03 * size:
        lift = line * rng.uniform(1.05, 1.7) * size - net
        operating += lift / 0.7
        expense += lift * 0.3 / 0.7
        net += lift

    medical = 0.0
    education = 0.0
    for person in active:
        member = person.member
        if member.health == Health.MAJOR_ILLNESS:
            medical += rng.uniform(5000, 25000)
        elif member.health == Health.CHRONIC:
            medical += rng.uniform(500, 3000)
        elif rng.random() < 0.1:
            medical += rng.uniform(0, 600)
        if member.student_status in SCHOOL_COSTS:
            education += rng.uniform(*SCHOOL_COSTS[member.student_status])
    if target is not IncomeTarget.AROUND:
        # Keep clean households clear of the medical and education burden factors.
        medical = min(medical, 0.25 * net)
        education = min(education, 0.15 * net)

    growth = rng.uniform(1.04, 1.10)
    incomes = []
    for back in range(3, -1, -1):
        shrink = growth**back

        def past(value: float, shrink: float = shrink) -> Decimal:
            return money(value * (1 + rng.uniform(-0.01, 0.01)) / shrink)

        farm = 1 + rng.uniform(-0.01, 0.01)
        income = AnnualIncome(
            household=household,
            year=year - back,
            wage=past(wage),
            public_welfare_income=past(welfare),
            operating_income=money(operating * farm / shrink),
            operating_expense=money(expense * farm / shrink),
            property_income=past(prop),
            medical_expense=money(medical * rng.uniform(0.6, 1.4) if back else medical),
            education_expense=money(education * rng.uniform(0.8, 1.2) if back else education),
            **{part: past(value) for part, value in parts.items()},
        )
        income.transfer_total = sum((getattr(income, part) for part in TRANSFER_PARTS), ZERO)
        incomes.append(income)
    return incomes


def measures_for(
    rng: random.Random, household: Household, people: list[Person], *, year: int
) -> list[AssistanceMeasure]:
    """One to three measures of `year` that fit what the family needs."""
    members = [p.member for p in people if p.is_active]
    wanted = []
    if any(m.public_welfare_job for m in members):
        wanted.append(MeasureType.PUBLIC_WELFARE_JOB)
    if any(m.health != Health.HEALTHY for m in members):
        wanted.append(MeasureType.HEALTH)
    if any(m.student_status in SCHOOL_COSTS for m in members):
        wanted.append(MeasureType.EDUCATION)
    if any(m.employment != Employment.NONE for m in members):
        wanted.append(MeasureType.EMPLOYMENT)
    wanted += [MeasureType.INDUSTRY, MeasureType.COURTYARD, MeasureType.MICROCREDIT]
    chosen = list(dict.fromkeys(wanted))[: rng.choice((1, 2, 2, 3))]
    return [
        AssistanceMeasure(
            household=household, year=year, measure_type=kind, content=measure_content(rng, kind)
        )
        for kind in chosen
    ]


def measure_content(rng: random.Random, kind: str) -> str:
    if kind == MeasureType.PUBLIC_WELFARE_JOB:
        return f"安排{rng.choice(WELFARE_JOBS)}公益性岗位，月补贴{rng.choice((500, 600, 800))}元"
    if kind == MeasureType.HEALTH:
        return rng.choice(
            (
                "落实家庭医生签约服务",
                f"落实先诊疗后付费和医疗救助，报销{rng.randint(5, 80) * 100}元",
            )
        )
    if kind == MeasureType.EDUCATION:
        return rng.choice(("落实雨露计划补助3000元", "落实义务教育阶段营养改善计划和生活补助"))
    if kind == MeasureType.EMPLOYMENT:
        return rng.choice(
            (
                "推荐到县工业园区企业就业",
                f"发放一次性务工交通补贴{rng.choice((300, 500))}元",
                "组织参加电工技能培训",
            )
        )
    if kind == MeasureType.INDUSTRY:
        return (
            f"发放产业奖补资金{rng.randint(10, 50) * 100}元，"
            f"发展{rng.choice(CROPS)}种植{rng.randint(1, 8)}亩"
        )
    if kind == MeasureType.COURTYARD:
        return rng.choice((f"扶持庭院养鸡{rng.randint(3, 10) * 10}只", "扶持庭院种植蔬菜"))
    return f"发放脱贫人口小额信贷{rng.choice((1, 2, 3, 5))}万元"
