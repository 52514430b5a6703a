"""Plausible families for the demo county: names, ages, ID numbers and member attributes.

Everything here draws from the `random.Random` it is given, never the global one, so a
seed reproduces the same people. States (age, schooling, health) hold on the reference
date, 30 September of the assessment year.
"""

import datetime
import random
from dataclasses import dataclass

from households import id_numbers
from households.choices import (
    DisabilityGrade,
    Education,
    Employment,
    Gender,
    Health,
    LabourAbility,
    MedicalInsurance,
    MemberStatus,
    PensionInsurance,
    Relationship,
    StudentStatus,
)
from households.models import Member

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
)
# Common surnames are much commoner: weight falls with rank.
SURNAME_WEIGHTS = [1 / (rank + 6) for rank in range(len(SURNAMES))]
GIVEN = {
    # (gender, born before 1980): characters of given names of that generation
    (Gender.MALE, True): "国建华明德福贵生发根水顺祥财东红新军平忠富林春金荣兴长仁有庆",
    (Gender.MALE, False): "伟强勇杰磊涛超刚辉鹏飞斌宇浩凯健俊帆旭宁龙洋成志文海亮鑫睿轩博晨",
    (Gender.FEMALE, True): "秀英桂兰凤珍玉梅莲翠花芳香菊琴春金淑娥妹华红霞云凤素冬",
    (Gender.FEMALE, False): "芳娟敏静丽艳娜燕玲萍婷雪慧佳欣怡悦涵琳晶倩颖洁蓉梦雨思琪诗",
}
ETHNIC_MINORITIES = ("回族", "满族", "畲族", "苗族", "土家族", "壮族", "蒙古族", "朝鲜族")
WORK_PLACES = (
    # (employment, weight, monthly wage range in yuan)
    (Employment.IN_TOWNSHIP, 20, (2200, 3200)),
    (Employment.IN_COUNTY, 25, (2600, 3800)),
    (Employment.IN_PROVINCE, 20, (3000, 4800)),
    (Employment.OUT_OF_PROVINCE, 35, (3600, 6000)),
)
MONTHLY_WAGE = {employment: wage for employment, _, wage in WORK_PLACES}
SCHOOL_STATUSES = (
    StudentStatus.PRIMARY,
    StudentStatus.JUNIOR,
    StudentStatus.SENIOR,
    StudentStatus.VOCATIONAL,
    StudentStatus.HIGHER_VOCATIONAL,
    StudentStatus.UNDERGRADUATE,
)
ABLE = (LabourAbility.SKILLED, LabourAbility.ORDINARY)


@dataclass
class Person:
    """A member being generated, with their age on the reference date."""

    member: Member
    age: int

    @property
    def is_active(self) -> bool:
        return self.member.status == MemberStatus.NORMAL


def age_on(reference: datetime.date, born: datetime.date) -> int:
    return reference.year - born.year - ((born.month, born.day) > (reference.month, reference.day))


def birth_date_for_age(rng: random.Random, *, age: int, reference: datetime.date) -> datetime.date:
    """A day on which someone born is exactly `age` on the reference date."""
    latest = reference.replace(year=reference.year - age)
    earliest = reference.replace(year=reference.year - age - 1) + datetime.timedelta(days=1)
    return earliest + datetime.timedelta(days=rng.randrange((latest - earliest).days + 1))


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, *, gender: str, born: datetime.date) -> str:
    chars = GIVEN[(gender, born.year < 1980)]
    length = 1 if rng.random() < 0.3 else 2
    return "".join(rng.choice(chars) for _ in range(length))


def full_name(
    rng: random.Random, *, gender: str, born: datetime.date, family: str | None = None
) -> str:
    return (family or surname(rng)) + given_name(rng, gender=gender, born=born)


def opposite(gender: str) -> str:
    return Gender.FEMALE if gender == Gender.MALE else Gender.MALE


class IdAllocator:
    """Hands out valid, unique resident ID numbers of one region for one build."""

    def __init__(self, *, region: str, rng: random.Random):
        self.region = region
        self.rng = rng
        self.used: set[tuple[datetime.date, int]] = set()

    def allocate(self, *, born: datetime.date, gender: str) -> str:
        parity = 1 if gender == Gender.MALE else 0
        while True:
            sequence = self.rng.randrange(500) * 2 + parity
            if (born, sequence) not in self.used:
                self.used.add((born, sequence))
                return id_numbers.make(region=self.region, born=born, sequence=sequence)


@dataclass(frozen=True)
class Sketch:
    """Who is in a family before their attributes are drawn."""

    relationship: str
    gender: str
    age: int
    family: str | None  # surname to use; None draws a new one


def sketch_family(rng: random.Random) -> list[Sketch]:
    """Head 25–80, maybe a spouse, children born when the head was 20–40, maybe a parent,
    children-in-law and grandchildren when the head is old enough; 1–6 people."""
    head_gender = Gender.MALE if rng.random() < 0.86 else Gender.FEMALE
    head_age = min(80, max(25, round(rng.triangular(25, 80, 56))))
    family = surname(rng)
    people = [Sketch(Relationship.HEAD, head_gender, head_age, family)]

    spouse_chance = (
        0.7 if head_age < 30 else 0.88 if head_age < 66 else 0.7 if head_age < 76 else 0.5
    )
    if head_gender == Gender.FEMALE:
        spouse_chance *= 0.4  # women head the household mostly when widowed or alone
    if rng.random() < spouse_chance:
        gap = rng.randint(-2, 6) if head_gender == Gender.MALE else rng.randint(-6, 2)
        people.append(
            Sketch(Relationship.SPOUSE, opposite(head_gender), max(20, head_age - gap), None)
        )

    if head_age <= 60 and rng.random() < 0.2:
        parent_age = head_age + rng.randint(20, 40)
        if parent_age <= 95:
            if rng.random() < 0.65:
                people.append(Sketch(Relationship.MOTHER, Gender.FEMALE, parent_age, None))
            else:
                people.append(Sketch(Relationship.FATHER, Gender.MALE, parent_age, family))

    # Grown children often live apart (分户), so old heads keep fewer of them at home.
    kids = rng.choices((0, 1, 2, 3), (10, 35, 40, 15) if head_age < 55 else (35, 40, 20, 5))[0]
    children = []
    for _ in range(kids):
        age = head_age - rng.randint(20, min(40, head_age))
        son = rng.random() < 0.52
        children.append(
            Sketch(
                Relationship.SON if son else Relationship.DAUGHTER,
                Gender.MALE if son else Gender.FEMALE,
                age,
                family if rng.random() < 0.93 else None,
            )
        )
    children.sort(key=lambda child: -child.age)
    people.extend(children)

    for child in children:
        if child.relationship == Relationship.SON and child.age >= 22 and rng.random() < 0.45:
            people.append(
                Sketch(
                    Relationship.DAUGHTER_IN_LAW,
                    Gender.FEMALE,
                    max(20, child.age + rng.randint(-4, 2)),
                    None,
                )
            )
            for _ in range(rng.choice((1, 1, 2))):
                if child.age >= 21:
                    grandson = rng.random() < 0.52
                    people.append(
                        Sketch(
                            Relationship.GRANDSON if grandson else Relationship.GRANDDAUGHTER,
                            Gender.MALE if grandson else Gender.FEMALE,
                            child.age - rng.randint(20, min(35, child.age)),
                            family,
                        )
                    )
            break
        if child.relationship == Relationship.DAUGHTER and child.age >= 24 and rng.random() < 0.08:
            people.append(
                Sketch(Relationship.SON_IN_LAW, Gender.MALE, child.age + rng.randint(-1, 4), None)
            )
            break
    return people[:6]


def draw_person(
    rng: random.Random,
    sketch: Sketch,
    *,
    reference: datetime.date,
    ids: IdAllocator,
    vulnerable: bool,
) -> Person:
    """One member whose schooling, health, work and insurance fit their age."""
    age = sketch.age
    born = birth_date_for_age(rng, age=age, reference=reference)
    gender = sketch.gender
    name = full_name(rng, gender=gender, born=born, family=sketch.family)

    health = Health.HEALTHY
    roll = rng.random()
    major = 0.01 + (0.06 if vulnerable else 0)
    chronic = (0.03 if age < 40 else 0.10 if age < 60 else 0.30) + (0.10 if vulnerable else 0)
    if roll < major:
        health = Health.MAJOR_ILLNESS
    elif roll < major + chronic:
        health = Health.CHRONIC
    disability = DisabilityGrade.NONE
    if rng.random() < 0.03 + (0.10 if vulnerable else 0):
        disability = rng.choices(
            (
                DisabilityGrade.GRADE_1,
                DisabilityGrade.GRADE_2,
                DisabilityGrade.GRADE_3,
                DisabilityGrade.GRADE_4,
            ),
            (10, 20, 35, 35),
        )[0]
    severe = health == Health.MAJOR_ILLNESS or disability in (
        DisabilityGrade.GRADE_1,
        DisabilityGrade.GRADE_2,
    )

    student, education = schooling(rng, age=age, born=born, severe=severe)
    labour = labour_ability(
        rng, age=age, student=student, health=health, disability=disability, severe=severe
    )
    employment, months = work(rng, age=age, labour=labour)
    medical = MedicalInsurance.RESIDENT
    if employment != Employment.NONE and labour == LabourAbility.SKILLED and rng.random() < 0.3:
        medical = MedicalInsurance.EMPLOYEE
    if age < 16 or student in SCHOOL_STATUSES:
        pension = PensionInsurance.NONE
    elif medical == MedicalInsurance.EMPLOYEE:
        pension = PensionInsurance.EMPLOYEE
    else:
        pension = PensionInsurance.RESIDENT

    member = Member(
        name=name,
        id_number=ids.allocate(born=born, gender=gender),
        gender=gender,
        birth_date=born,
        ethnicity="汉族" if rng.random() < 0.96 else rng.choice(ETHNIC_MINORITIES),
        relationship=sketch.relationship,
        education=education,
        student_status=student,
        health=health,
        disability_grade=disability,
        labour_ability=labour,
        employment=employment,
        months_worked=months,
        public_welfare_job=False,
        medical_insurance=medical,
        pension_insurance=pension,
        status=MemberStatus.NORMAL,
    )
    return Person(member=member, age=age)


def schooling(
    rng: random.Random, *, age: int, born: datetime.date, severe: bool
) -> tuple[str, str]:
    """(student status, education level) for someone of `age` (M01–M03 hold)."""
    if age <= 2:
        return StudentStatus.NOT_STUDENT, Education.PRESCHOOL_CHILD
    if age <= 5:
        status = StudentStatus.PRESCHOOL if rng.random() < 0.9 else StudentStatus.NOT_STUDENT
        return status, Education.PRESCHOOL_CHILD
    if age == 6:
        if rng.random() < 0.5:
            return StudentStatus.PRESCHOOL, Education.PRESCHOOL_CHILD
        return StudentStatus.PRIMARY, Education.PRIMARY
    if age <= 15:
        if severe and rng.random() < 0.5:
            return StudentStatus.HOME_TAUGHT, Education.PRIMARY
        if age <= 12:
            return StudentStatus.PRIMARY, Education.PRIMARY
        return StudentStatus.JUNIOR, Education.JUNIOR
    if age <= 18 and rng.random() < 0.75:
        if rng.random() < 0.6:
            return StudentStatus.SENIOR, Education.SENIOR
        return StudentStatus.VOCATIONAL, Education.VOCATIONAL
    if 18 <= age <= 22 and rng.random() < 0.35:
        if rng.random() < 0.55:
            return StudentStatus.HIGHER_VOCATIONAL, Education.COLLEGE
        return StudentStatus.UNDERGRADUATE, Education.COLLEGE
    if age <= 18:
        return StudentStatus.NOT_STUDENT, Education.JUNIOR
    if born.year < 1955:
        weights = (35, 45, 17, 3, 0, 0)
    elif born.year < 1970:
        weights = (15, 40, 35, 8, 2, 0)
    elif born.year < 1985:
        weights = (3, 22, 55, 12, 5, 3)
    else:
        weights = (0, 5, 45, 20, 15, 15)
    levels = (
        Education.ILLITERATE,
        Education.PRIMARY,
        Education.JUNIOR,
        Education.SENIOR,
        Education.VOCATIONAL,
        Education.COLLEGE,
    )
    return StudentStatus.NOT_STUDENT, rng.choices(levels, weights)[0]


def labour_ability(
    rng: random.Random, *, age: int, student: str, health: str, disability: str, severe: bool
) -> str:
    if age < 16 or student in SCHOOL_STATUSES:
        return LabourAbility.NONE
    if severe:
        return LabourAbility.LOST
    frail = health == Health.CHRONIC or disability != DisabilityGrade.NONE
    if age < 60:
        weights = (5, 35, 60, 0) if frail else (15, 76, 9, 0)
    elif age < 65:
        weights = (0, 45, 45, 10)
    elif age < 75:
        weights = (0, 10, 65, 25)
    else:
        weights = (0, 0, 45, 55)
    abilities = (
        LabourAbility.SKILLED,
        LabourAbility.ORDINARY,
        LabourAbility.WEAK,
        LabourAbility.LOST,
    )
    return rng.choices(abilities, weights)[0]


def work(rng: random.Random, *, age: int, labour: str) -> tuple[str, int]:
    """(employment, months worked in the assessment year); 未务工 always has 0 months."""
    if labour in ABLE and age < 65:
        chance = 0.75 if age < 45 else 0.55 if age < 60 else 0.25
        if rng.random() < chance:
            employment = rng.choices(
                [p for p, _, _ in WORK_PLACES], [w for _, w, _ in WORK_PLACES]
            )[0]
            months = rng.choices(
                (12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1), (20, 12, 14, 12, 10, 8, 8, 5, 4, 3, 2, 2)
            )[0]
            return employment, months
    elif labour == LabourAbility.WEAK and age < 70 and rng.random() < 0.2:
        return rng.choice((Employment.IN_TOWNSHIP, Employment.IN_COUNTY)), rng.randint(1, 8)
    return Employment.NONE, 0


def draw_family(
    rng: random.Random, *, reference: datetime.date, ids: IdAllocator, vulnerable: bool
) -> list[Person]:
    """A whole family; a few non-head members have died or moved out (人员状态 not 正常)."""
    people = [
        draw_person(rng, sketch, reference=reference, ids=ids, vulnerable=vulnerable)
        for sketch in sketch_family(rng)
    ]
    for person in people[1:]:
        if rng.random() < 0.01:
            member = person.member
            if person.age >= 60:
                member.status = MemberStatus.DECEASED
            elif person.age >= 18:
                member.status = MemberStatus.MOVED_OUT
            else:
                continue
            member.employment, member.months_worked = Employment.NONE, 0
    return people


def monthly_wage(rng: random.Random, member: Member) -> int:
    """What a worker earns a month where they work."""
    low, high = MONTHLY_WAGE.get(member.employment, (2200, 3200))
    return rng.randint(low, high)
