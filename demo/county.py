"""The demo county: villages, households, members, incomes, measures and one account per role.

`build_demo_county` is deterministic: the same seed, county and size give the same
villages, household numbers and ID numbers, because every draw comes from a
`random.Random` seeded here and nothing depends on database ids or the clock.
A few records in every hundred carry a planted defect of the kind the cleansing
rules find (demo_defects.py); the returned counts say how many of each.
"""

import random
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from accounts.models import User
from accounts.roles import Role

from households.areas import AreaFileError, load_seed_areas
from households.choices import AreaLevel, Gender, HouseholdType, RiskStatus
from demo.defects import DEFECT_LABELS, INCOME_DEFECTS, Planter, plant_income_defect
from demo.household import (
    Helper,
    IncomeTarget,
    assign_welfare_job,
    draw_incomes,
    helper_pool,
    measures_for,
    mobile,
    plan_monitoring,
    risk_types_for,
)
from demo.people import IdAllocator, birth_date_for_age, draw_family, full_name
from demo.villages import Village, allocate, create_villages
from households.expressions import reference_date
from monitoring_objects.models import Clue
from households.models import AnnualIncome, Area, AssistanceMeasure, Household, Member, YearParameters
from households.table_stats import analyze

DEFAULT_LINES = {2021: 6000, 2022: 6500, 2023: 6900, 2024: 7300, 2025: 7600}
ATTENTION_LINE = Decimal("10000")
DEMO_PASSWORD = "demo12345"
BATCH_SIZE = 2000
CHUNK_HOUSEHOLDS = 1000
MAX_PER_VILLAGE = 9999  # the household number gives a village four digits
DEMO_ACCOUNTS = (
    # username, role, display name
    ("clerk", Role.VILLAGE_CLERK, "张伟"),
    ("reviewer", Role.TOWNSHIP_REVIEWER, "李秀英"),
    ("county", Role.COUNTY_STAFF, "王芳"),
    ("inspector", Role.INSPECTOR, "刘建国"),
)


class DemoError(Exception):
    """The demo cannot be built as asked; the message says why, in words for the operator."""


def ensure_year_parameters(*, year: int, county: str) -> dict[int, Decimal]:
    """Create the county's default years that are missing; return its monitoring lines of year−3 … year.

    Existing years keep what the county's staff set. `year` becomes current only when no year
    of the county is. Other counties' years are not touched.
    """
    years = YearParameters.objects.filter(county=county)
    for demo_year, line in DEFAULT_LINES.items():
        YearParameters.objects.get_or_create(
            county=county, year=demo_year,
            defaults={"monitoring_line": Decimal(line), "attention_line": ATTENTION_LINE},
        )
    if not years.filter(is_current=True).exists():
        years.filter(year=year).update(is_current=True)
    lines = dict(
        years.filter(year__gte=year - 3, year__lte=year).values_list(
            "year", "monitoring_line"
        )
    )
    missing = [str(y) for y in range(year - 3, year + 1) if y not in lines]
    if missing:
        raise DemoError(f"缺少{'、'.join(missing)}年度的监测标准，请先用 set_parameters 设置")
    return lines


def delete_county_households(county_code: str) -> int:
    """Delete the county's households and everything that cascades from them, a chunk at a time
    so that memory stays flat however big the county is."""
    pks = list(
        Household.objects.filter(village__code__startswith=county_code)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    deleted = 0
    try:
        for start in range(0, len(pks), BATCH_SIZE):
            _, per_model = Household.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).delete()
            deleted += per_model.get(Household._meta.label, 0)
        Clue.objects.filter(village__code__startswith=county_code).delete()
    except (ProtectedError, RestrictedError) as error:
        raise DemoError(f"该县已有户被其他数据引用，无法替换：{error.args[0]}") from error
    return deleted


def build_demo_county(
    *,
    county_code: str = "360732",
    households: int = 1500,
    seed: int = 1,
    year: int = 2025,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Build a demo county of `households` households; returns what was created.

    Refuses a county that already has households unless `replace` deletes them first.
    """
    if households < 1:
        raise DemoError("户数必须至少为1")
    with transaction.atomic():
        try:
            areas = load_seed_areas()
        except AreaFileError as error:
            raise DemoError(str(error)) from error
        county = Area.objects.filter(code=county_code, level=AreaLevel.COUNTY).first()
        if county is None:
            known = "、".join(
                f"{a.code} {a.name}" for a in Area.objects.filter(level=AreaLevel.COUNTY)
            )
            raise DemoError(f"未知的县级区划代码 {county_code}（可选：{known}）")
        replaced = 0
        if Household.objects.filter(village__code__startswith=county_code).exists():
            if not replace:
                raise DemoError(
                    f"{county.name}（{county_code}）已有户数据；如需重建请使用 --replace"
                )
            replaced = delete_county_households(county_code)
        lines = ensure_year_parameters(year=year, county=county_code)

        villages = create_villages(
            county=county, rng=random.Random(f"{seed}:{county_code}:villages")
        )
        if not villages:
            raise DemoError(f"{county.name}没有乡镇，无法建立行政村")
        rng = random.Random(f"{seed}:{county_code}:households")
        per_village = allocate(rng, total=households, slots=len(villages))
        if max(per_village) > MAX_PER_VILLAGE:
            raise DemoError(f"户数过多：每个行政村最多{MAX_PER_VILLAGE}户")
        builder = Builder(
            rng=rng,
            county=county,
            year=year,
            lines=lines,
            villages=villages,
            per_village=per_village,
        )
        builder.run(progress=progress)
        analyze(Area, Household, Member, AnnualIncome, AssistanceMeasure)  # once committed

    return {
        "county": county.name,
        "areas": areas,
        "townships": len({v.township.code for v in villages}),
        "villages": len(villages),
        "replaced": replaced,
        **builder.totals,
        "defects": builder.planter.counts,
    }


class Builder:
    """Draws the households village by village and writes them in chunks."""

    def __init__(
        self,
        *,
        rng: random.Random,
        county: Area,
        year: int,
        lines: dict[int, Decimal],
        villages: list[Village],
        per_village: list[int],
    ):
        self.rng = rng
        self.county = county
        self.year = year
        self.reference = reference_date(year)
        self.lines = lines
        self.villages = villages
        self.per_village = per_village
        self.ids = IdAllocator(region=county.code, rng=rng)
        self.planter = Planter(rng)
        self.pools: dict[str, list[Helper]] = {}
        self.totals = dict.fromkeys(
            (
                "households",
                "alleviated",
                "monitored",
                "unresolved",
                "eliminated",
                "members",
                "incomes",
                "measures",
            ),
            0,
        )
        self.below_line: list[Household] = []  # drawn for I01, not yet counted
        self.pending: dict[str, list] = {
            "households": [],
            "members": [],
            "incomes": [],
            "measures": [],
        }

    def run(self, *, progress: Callable[[int], None] | None) -> None:
        for village, count in zip(self.villages, self.per_village, strict=True):
            for sequence in range(1, count + 1):
                self.draw_household(village, sequence)
                if len(self.pending["households"]) >= CHUNK_HOUSEHOLDS:
                    self.flush()
            if progress:
                progress(count)
        self.flush()

    def helper(self, village: Village) -> Helper:
        pool = self.pools.get(village.township.code)
        if pool is None:
            expected = sum(
                c
                for v, c in zip(self.villages, self.per_village, strict=False)
                if v.township == village.township
            )
            pool = helper_pool(
                self.rng,
                size=max(3, expected // 20),
                county_name=self.county.name,
                township_name=village.township.name,
                make_name=self.cadre_name,
            )
            self.pools[village.township.code] = pool
        return self.rng.choice(pool)

    def cadre_name(self, rng: random.Random) -> str:
        gender = rng.choice((Gender.MALE, Gender.FEMALE))
        return full_name(
            rng,
            gender=gender,
            born=birth_date_for_age(rng, age=rng.randint(25, 55), reference=self.reference),
        )

    def draw_household(self, village: Village, sequence: int) -> None:
        rng = self.rng
        alleviated = rng.random() < 0.35
        group = rng.randint(1, village.groups)
        household = Household(
            number=f"{village.area.code}{sequence:04d}",
            village_id=village.area.code,
            natural_village=f"{group}组",
            address=(
                f"{self.county.name}{village.township.name}{village.area.name}"
                f"{group}组{rng.randint(1, 120)}号"
            ),
            phone=mobile(rng),
            longitude=Decimal(f"{village.longitude + rng.uniform(-0.005, 0.005):.6f}"),
            latitude=Decimal(f"{village.latitude + rng.uniform(-0.005, 0.005):.6f}"),
            household_type=HouseholdType.ALLEVIATED if alleviated else HouseholdType.ORDINARY,
            alleviation_year=(
                rng.choices(range(2014, 2021), (8, 12, 16, 18, 20, 16, 10))[0]
                if alleviated
                else None
            ),
            housing_safe=True,
            water_safe=True,
        )
        plan_monitoring(rng, household, year=self.year, alleviated=alleviated)
        monitored = bool(household.monitoring_type)
        people = draw_family(rng, reference=self.reference, ids=self.ids, vulnerable=monitored)
        assign_welfare_job(rng, people, chance=0.08 if alleviated or monitored else 0.01)
        if monitored:
            household.risk_types = risk_types_for(rng, household, people)
        if alleviated or monitored:
            helper = self.helper(village)
            household.helper_name, household.helper_phone, household.helper_employer = (
                helper.name,
                helper.phone,
                helper.employer,
            )

        code = self.planter.choose(household, people)
        self.planter.plant(code, household, people)

        unresolved = household.risk_status == RiskStatus.UNRESOLVED
        if unresolved:
            target = IncomeTarget.AROUND
        elif code == "I01":
            target = IncomeTarget.BELOW
        else:
            target = IncomeTarget.ABOVE
        incomes = draw_incomes(
            rng, household, people, lines=self.lines, year=self.year, target=target
        )
        if code == "I01":
            self.below_line.append(household)  # counted once written, if it did fall below
        elif code in INCOME_DEFECTS:
            incomes = plant_income_defect(rng, code, incomes)
            self.planter.count(code)

        measures = []
        if monitored:
            measures = measures_for(
                rng, household, people, year=self.year - 1 if code == "R04" else self.year
            )
        elif alleviated and rng.random() < 0.25:
            measures = measures_for(rng, household, people, year=self.year)[:1]

        for person in people:
            person.member.household = household
        self.pending["households"].append(household)
        self.pending["members"].extend(p.member for p in people)
        self.pending["incomes"].extend(incomes)
        self.pending["measures"].extend(measures)
        self.totals["alleviated"] += alleviated
        self.totals["monitored"] += monitored
        self.totals["unresolved"] += unresolved
        self.totals["eliminated"] += household.risk_status == RiskStatus.ELIMINATED

    def flush(self) -> None:
        """Write the pending rows."""
        households = self.pending["households"]
        if not households:
            return
        Household.objects.bulk_create(households, batch_size=BATCH_SIZE)
        if any(h.pk is None for h in households):  # a backend that cannot return ids
            ids = dict(
                Household.objects.filter(number__in=[h.number for h in households]).values_list(
                    "number", "pk"
                )
            )
            for h in households:
                h.pk = ids[h.number]
        for member in self.pending["members"]:
            member.household = member.household  # picks up the household's new id
            member.refresh_derived()
        for row in (*self.pending["members"], *self.pending["incomes"], *self.pending["measures"]):
            row.county = self.county.code  # bulk_create skips save(), which copies it from the household
        Member.objects.bulk_create(self.pending["members"], batch_size=BATCH_SIZE)
        AnnualIncome.objects.bulk_create(self.pending["incomes"], batch_size=BATCH_SIZE)
        AssistanceMeasure.objects.bulk_create(self.pending["measures"], batch_size=BATCH_SIZE)
        for key, rows in self.pending.items():
            self.totals[key] += len(rows)
            rows.clear()
        self._count_below_line()

    def _count_below_line(self) -> None:
        """I01 is planted by drawing an income below the line, which the family's fixed transfers
        may make impossible: count the households whose per-capita income (as the registry
        computes it) did fall below."""
        if not self.below_line:
            return
        below = (
            Household.objects.filter(pk__in=[h.pk for h in self.below_line])
            .with_income(self.year)
            .filter(income_per_capita__lt=self.lines[self.year])
            .count()
        )
        self.planter.count("I01", times=below)
        self.below_line.clear()


def create_demo_accounts(county_code: str) -> list[tuple[str, str, str]]:
    """One account per role in the county (password DEMO_PASSWORD): (username, role, area name).

    Rerunning resets them: same role, area, name and password.
    """
    county = Area.objects.filter(code=county_code, level=AreaLevel.COUNTY).first()
    township = (
        Area.objects.filter(parent_id=county_code, level=AreaLevel.TOWNSHIP)
        .order_by("code")
        .first()
    )
    village = (
        Area.objects.filter(parent=township, level=AreaLevel.VILLAGE).order_by("code").first()
        if township
        else None
    )
    if county is None or village is None:
        raise DemoError(f"{county_code} 尚无行政村，请先建立演示数据")
    areas = {
        Role.VILLAGE_CLERK: village,
        Role.TOWNSHIP_REVIEWER: township,
        Role.COUNTY_STAFF: county,
        Role.INSPECTOR: county,
    }
    created = []
    for username, role, display_name in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.role, user.area = role, areas[role]
        user.first_name, user.last_name, user.is_active = display_name, "", True
        user.set_password(DEMO_PASSWORD)
        user.save()
        created.append((username, role.label, areas[role].name))
    return created


__all__ = [
    "DEFECT_LABELS",
    "DEMO_PASSWORD",
    "DemoError",
    "build_demo_county",
    "create_demo_accounts",
]
