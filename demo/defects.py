"""Planting the defects the cleansing rules exist to find (rules.md), and counting them.

Each household draws at most one household-level defect and each active member at
most one member-level defect, at a small rate among the records the defect can apply
to, so that one planted defect trips its own rule and, as far as possible, no other
error rule. The counts are exact: a defect that could not be planted is not counted.
"""

import collections
import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from households.choices import (
    Employment,
    Gender,
    HouseholdType,
    LabourAbility,
    MedicalInsurance,
    MemberStatus,
    MonitoringType,
    Relationship,
    RiskStatus,
    StudentStatus,
)
from demo.people import ABLE, SCHOOL_STATUSES, Person
from households.models import AnnualIncome, Household, Member

# What the demo did for each rule, as the summary shows it.
DEFECT_LABELS = {
    "B01": "证件号码校验位错误或位数不足",
    "B02": "同一人登记在两户（对）",
    "B03": "性别与证件号码不符",
    "B04": "出生日期与证件号码不符",
    "B05": "户主缺失或重复",
    "B06": "联系电话缺失或无效",
    "B07": "经纬度未采集",
    "B10": "帮扶责任人缺失",
    "B11": "监测对象类别与户类型不符",
    "M01": "义务教育适龄儿童登记为非在校生",
    "M06": "未务工却有务工时间",
    "I01": "收入低于监测标准未纳入监测",
    "I09": "养老金错填为其他转移性收入",
    "I11": "转移性收入明细与合计不符",
    "I14": "当年收入未采集",
    "A01": "住房安全无保障",
    "A02": "饮水安全无保障",
    "A04": "未参加基本医疗保险",
    "R04": "监测对象当年无帮扶措施",
    "R05": "监测对象未标注风险类型",
    "R06": "风险消除时间不足180天",
}
INCOME_DEFECTS = ("I01", "I09", "I11", "I14")
# B05 is planted before the members' defects; R04 by the builder, which gives that
# household last year's measures only; the income ones by the income builder.
PLANTED_ELSEWHERE = ("B05", "R04", *INCOME_DEFECTS)


@dataclass(frozen=True)
class HouseholdFacts:
    alleviated: bool
    monitored: bool
    unresolved: bool
    eliminated: bool
    active: int
    has_elder: bool


def household_facts(household: Household, people: list[Person]) -> HouseholdFacts:
    active = [p for p in people if p.is_active]
    return HouseholdFacts(
        alleviated=household.household_type == HouseholdType.ALLEVIATED,
        monitored=bool(household.monitoring_type),
        unresolved=household.risk_status == RiskStatus.UNRESOLVED,
        eliminated=household.risk_status == RiskStatus.ELIMINATED,
        active=len(active),
        has_elder=any(p.age >= 60 for p in active),
    )


# (code, rate among eligible households, who is eligible). An eliminated household
# is never given an A-defect or a low income: R03 would fire as well.
HOUSEHOLD_DEFECTS: tuple[tuple[str, float, Callable[[HouseholdFacts], bool]], ...] = (
    ("B05", 0.008, lambda f: f.active >= 2),
    ("B06", 0.012, lambda f: True),
    ("B07", 0.010, lambda f: True),
    ("B10", 0.030, lambda f: f.alleviated or f.monitored),
    ("B11", 0.080, lambda f: f.monitored),
    ("I01", 0.012, lambda f: not f.monitored),
    ("I09", 0.020, lambda f: f.has_elder),
    ("I11", 0.008, lambda f: True),
    ("I14", 0.008, lambda f: True),
    ("A01", 0.008, lambda f: not f.eliminated),
    ("A02", 0.006, lambda f: not f.eliminated),
    ("R04", 0.080, lambda f: f.unresolved),
    ("R05", 0.080, lambda f: f.monitored),
    ("R06", 0.150, lambda f: f.eliminated),
    ("B02", 0.006, lambda f: f.active < 6),
)


def _child_in_school(p: Person) -> bool:
    return 7 <= p.age <= 15 and p.member.student_status in (
        StudentStatus.PRIMARY,
        StudentStatus.JUNIOR,
    )


def _idle_adult(p: Person) -> bool:
    m = p.member
    return (
        16 <= p.age < 65
        and m.employment == Employment.NONE
        and m.student_status not in SCHOOL_STATUSES
        and m.labour_ability in (*ABLE, LabourAbility.WEAK)
    )


MEMBER_DEFECTS: tuple[tuple[str, float, Callable[[Person, HouseholdFacts], bool]], ...] = (
    ("B01", 0.008, lambda p, f: True),
    ("B03", 0.006, lambda p, f: True),
    ("B04", 0.006, lambda p, f: True),
    ("M01", 0.030, lambda p, f: _child_in_school(p)),
    ("M06", 0.012, lambda p, f: _idle_adult(p)),
    ("A04", 0.006, lambda p, f: p.age >= 1 and not f.eliminated),
)
CLONED_FIELDS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "student_status",
    "health",
    "disability_grade",
    "labour_ability",
    "employment",
    "months_worked",
    "public_welfare_job",
    "medical_insurance",
    "pension_insurance",
)


def draw(rng: random.Random, options: list[tuple[str, float]]) -> str | None:
    """At most one code, each with its own probability (they sum to well under 1)."""
    roll = rng.random()
    for code, rate in options:
        if roll < rate:
            return code
        roll -= rate
    return None


class Planter:
    """Decides and applies the defects of one build and counts what it planted."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.counts = dict.fromkeys(DEFECT_LABELS, 0)
        # Adult children of earlier households, each of whom may turn up again in a later
        # household (a married-out daughter still on her parents' register: B02).
        self.donors: collections.deque[Person] = collections.deque(maxlen=64)

    def choose(self, household: Household, people: list[Person]) -> str | None:
        facts = household_facts(household, people)
        options = [(code, rate) for code, rate, eligible in HOUSEHOLD_DEFECTS if eligible(facts)]
        code = draw(self.rng, options)
        if code == "B02" and not self.donors:
            return None
        return code

    def plant(self, code: str | None, household: Household, people: list[Person]) -> None:
        """Apply the household's defect, except income ones (the builder's), and members' ones."""
        if code == "B05":
            self._no_single_head(people)
        facts = household_facts(household, people)
        untouched = []
        for person in people:
            if not person.is_active:
                continue
            options = [(c, rate) for c, rate, eligible in MEMBER_DEFECTS if eligible(person, facts)]
            member_code = draw(self.rng, options)
            if member_code is None:
                untouched.append(person)
            else:
                getattr(self, f"_member_{member_code.lower()}")(person.member)
                self.counts[member_code] += 1
        if code == "B02":
            donor = self.donors.popleft()
            clone = Member(**{field: getattr(donor.member, field) for field in CLONED_FIELDS})
            clone.relationship = (
                Relationship.DAUGHTER_IN_LAW
                if clone.gender == Gender.FEMALE
                else Relationship.SON_IN_LAW
            )
            people.append(Person(member=clone, age=donor.age))
        elif code is not None and code not in PLANTED_ELSEWHERE:
            getattr(self, f"_household_{code.lower()}")(household)
        if code is not None and code not in INCOME_DEFECTS:
            self.counts[code] += 1
        self.donors.extend(
            p
            for p in untouched
            if p.member.relationship in (Relationship.SON, Relationship.DAUGHTER)
            and 20 <= p.age <= 45
        )

    def count(self, code: str, *, times: int = 1) -> None:
        self.counts[code] += times

    # Household defects.

    def _no_single_head(self, people: list[Person]) -> None:
        spouse = next(
            (p for p in people if p.member.relationship == Relationship.SPOUSE and p.is_active),
            None,
        )
        if spouse is not None and self.rng.random() < 0.5:
            spouse.member.relationship = Relationship.HEAD
        else:
            head = people[0].member  # the head has died and nobody took over
            head.status = MemberStatus.DECEASED
            head.employment, head.months_worked, head.public_welfare_job = Employment.NONE, 0, False

    def _household_b06(self, household: Household) -> None:
        roll = self.rng.random()
        if roll < 0.4:
            household.phone = ""
        elif roll < 0.7:
            household.phone = household.phone[:10]
        else:
            household.phone = "12" + household.phone[2:]

    def _household_b07(self, household: Household) -> None:
        household.latitude = None
        if self.rng.random() < 0.7:
            household.longitude = None

    def _household_b10(self, household: Household) -> None:
        household.helper_name = household.helper_phone = household.helper_employer = ""

    def _household_b11(self, household: Household) -> None:
        household.monitoring_type = (
            MonitoringType.MARGINAL
            if household.household_type == HouseholdType.ALLEVIATED
            else MonitoringType.UNSTABLE
        )

    def _household_a01(self, household: Household) -> None:
        household.housing_safe = False

    def _household_a02(self, household: Household) -> None:
        household.water_safe = False

    def _household_r05(self, household: Household) -> None:
        household.risk_types = []

    def _household_r06(self, household: Household) -> None:
        household.eliminated_on = household.included_on + datetime.timedelta(
            days=self.rng.randint(45, 170)
        )

    # Member defects.

    def _member_b01(self, member: Member) -> None:
        number = member.id_number
        # Never a lower-case x: every write stores the upper case, which would make it valid.
        if self.rng.random() < 0.2:
            member.id_number = number[:17]
        else:
            member.id_number = number[:17] + self.rng.choice(
                [c for c in "0123456789X" if c != number[17]]
            )

    def _member_b03(self, member: Member) -> None:
        member.gender = Gender.FEMALE if member.gender == Gender.MALE else Gender.MALE

    def _member_b04(self, member: Member) -> None:
        # Another day of the same month: the age on 30 September stays what it was.
        born = member.birth_date
        day = self.rng.choice([d for d in range(1, 29) if d != born.day])
        member.birth_date = born.replace(day=day)

    def _member_m01(self, member: Member) -> None:
        member.student_status = StudentStatus.NOT_STUDENT

    def _member_m06(self, member: Member) -> None:
        member.months_worked = self.rng.randint(1, 6)

    def _member_a04(self, member: Member) -> None:
        member.medical_insurance = MedicalInsurance.NONE


def plant_income_defect(
    rng: random.Random, code: str | None, incomes: list[AnnualIncome]
) -> list[AnnualIncome]:
    """I09, I11 and I14 change the current year's record (the last); the builder plants I01."""
    current = incomes[-1]
    if code == "I09":
        # The pension was entered as another transfer: the total still adds up.
        current.other_transfer += current.pension
        current.pension = Decimal("0.00")
    elif code == "I11":
        # A mistyped total, 100–800 yuan over its parts.
        current.transfer_total += Decimal(rng.randint(10000, 80000)) / 100
    elif code == "I14":
        return incomes[:-1]
    return incomes
