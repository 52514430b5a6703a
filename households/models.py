"""The registry: areas, households, their members, incomes and assistance measures."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.lookups import Regex
from django.db.models.functions import Left
from simple_history.models import HistoricalRecords

from households import id_numbers
from households.scope import county_code
from households.changes.models import (  # noqa: F401
    ChangeRequest,
    ChangeRequestAttachment,
    ChangeRequestEvent,
    HistoricalChangeLink,
)
from households.workbook.models import ImportSource, ImportStatus, RegistryImport  # noqa: F401  (Django finds the models here)
from households.choices import (
    AreaLevel,
    DisabilityGrade,
    EliminationMethod,
    IdentificationSource,
    MeasureNature,
    MeasureState,
    Education,
    Employment,
    Gender,
    Health,
    HouseholdType,
    JoinReason,
    LabourAbility,
    LeaveReason,
    MeasureType,
    MedicalInsurance,
    MemberStatus,
    MonitoringType,
    PensionInsurance,
    Relationship,
    RemovalReason,
    RiskStatus,
    RiskType,
    StudentStatus,
)
from households.querysets import (
    AreaQuerySet,
    HouseholdChildQuerySet,
    HouseholdQuerySet,
    IncomeQuerySet,
    MemberQuerySet,
)

INCOME_MONEY_FIELDS = (
    "wage", "public_welfare_income", "operating_income", "operating_expense",
    "property_income", "transfer_total", "family_planning", "subsistence",
    "extreme_poverty_support", "pension", "eco_compensation", "other_transfer",
    "medical_expense", "education_expense",
)
TRANSFER_PARTS = (
    "family_planning", "subsistence", "extreme_poverty_support", "pension",
    "eco_compensation", "other_transfer",
)
CODE_LENGTH = {AreaLevel.COUNTY: 6, AreaLevel.TOWNSHIP: 9, AreaLevel.VILLAGE: 12}


def money_field(verbose_name: str):
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )


def choice_field(verbose_name: str, choices, **kwargs):
    return models.CharField(verbose_name, max_length=24, choices=choices, blank=True, **kwargs)


class Area(models.Model):
    """A county (6 digits), township (9) or administrative village (12): national codes."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", on_delete=models.PROTECT, null=True, blank=True,
        related_name="children",
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]
        constraints = [
            # A child's code is its parent's code extended by three digits.
            models.CheckConstraint(
                name="area_code_extends_parent",
                condition=(
                    Q(level=AreaLevel.COUNTY, code__regex=r"^[0-9]{6}$", parent__isnull=True)
                    | Q(level=AreaLevel.TOWNSHIP, code__regex=r"^[0-9]{9}$", parent=Left("code", 6))
                    | Q(level=AreaLevel.VILLAGE, code__regex=r"^[0-9]{12}$", parent=Left("code", 9))
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def level_for_code(cls, code: str) -> str | None:
        return {length: level for level, length in CODE_LENGTH.items()}.get(len(code))


class Household(models.Model):
    """户: the unit that is monitored, with its living conditions and monitoring status."""

    number = models.CharField("户编号", max_length=32, unique=True)
    village = models.ForeignKey(
        Area, verbose_name="行政村", on_delete=models.PROTECT, related_name="households"
    )
    natural_village = models.CharField("自然村/组", max_length=64, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)

    household_type = models.CharField("户类型", max_length=12, choices=HouseholdType.choices)
    alleviation_year = models.PositiveSmallIntegerField(
        "脱贫年度", null=True, blank=True,
        validators=[MinValueValidator(2014), MaxValueValidator(2020)],
    )
    monitoring_type = choice_field("监测对象类别", MonitoringType.choices)
    risk_status = choice_field("风险状态", RiskStatus.choices)
    included_on = models.DateField("纳入监测日期", null=True, blank=True)
    eliminated_on = models.DateField("风险消除日期", null=True, blank=True)
    risk_types = models.JSONField("风险类型", default=list, blank=True)
    risk_note = models.CharField("其他风险说明", max_length=200, blank=True)
    identification_source = choice_field("识别来源", IdentificationSource.choices)
    elimination_method = choice_field("风险消除方式", EliminationMethod.choices)

    housing_safe = models.BooleanField("住房安全有保障", null=True, blank=True)
    water_safe = models.BooleanField("饮水安全有保障", null=True, blank=True)

    helper_name = models.CharField("帮扶责任人", max_length=32, blank=True)
    helper_phone = models.CharField("帮扶责任人电话", max_length=32, blank=True)
    helper_employer = models.CharField("帮扶责任人单位", max_length=100, blank=True)

    removed_on = models.DateField("核减日期", null=True, blank=True)
    removal_reason = choice_field("核减原因", RemovalReason.choices)
    # Kept by the database from the village (a stored generated column: no writer can forget it).
    # The scope bounds a household query by it, and the list sorted by number reads a county's
    # households in (county, number) order: with other counties in the database, a page sorted by
    # number descending walked every other county's households first (0.7 s at ten counties).
    county = models.GeneratedField(
        verbose_name="县级区划代码", expression=Left("village_id", 6),
        output_field=models.CharField(max_length=6), db_persist=True)

    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = HouseholdQuerySet.as_manager()
    # Every save keeps who, when and which change request (bulk imports write no history rows).
    history = HistoricalRecords(bases=[HistoricalChangeLink], excluded_fields=["updated_at", "county"])

    class Meta:
        verbose_name = verbose_name_plural = "户"
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                name="household_in_a_village", condition=Regex(F("village_id"), r"^[0-9]{12}$")
            ),
            models.CheckConstraint(
                name="household_alleviation_year_2014_2020",
                condition=Q(alleviation_year__isnull=True)
                | Q(alleviation_year__gte=2014, alleviation_year__lte=2020),
            ),
            models.CheckConstraint(
                name="household_coordinates_on_earth",
                condition=(Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180))
                & (Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90)),
            ),
        ]
        indexes = [
            # A county's pages sorted by number, or by village then number, read these in order
            # and stop at the page, however many counties the database holds.
            models.Index(fields=["county", "number"], name="household_county_number"),
            models.Index(fields=["county", "village", "number"], name="household_county_village_no"),
            # The list's COUNT over a county's active households reads this index only.
            models.Index(fields=["village"], name="household_active_village", opclasses=["varchar_pattern_ops"],
                         condition=Q(removed_on__isnull=True)),
            # The re-check of one household counts the active households sharing its phone (P01):
            # without it, a scan of every household, twice (~0.1 s at 100,000 households).
            models.Index(fields=["phone"], name="household_active_phone", condition=Q(removed_on__isnull=True)),
        ]

    def __str__(self):
        return self.number

    @property
    def county_code(self) -> str:
        """The county whose settings (lines, deadlines, rule switches) apply to this household."""
        return county_code(self.village_id)

    @property
    def is_removed(self) -> bool:
        return self.removed_on is not None

    @property
    def is_monitored(self) -> bool:
        return bool(self.monitoring_type)

    @property
    def risk_type_labels(self) -> list[str]:
        return [RiskType(value).label for value in self.risk_types if value in RiskType.values]


class OfCounty(models.Model):
    """A row of a household (member, income record, measure) carrying its household's county.

    A county's batch reads these, the largest tables, by the indexed `county` rather than by
    joining them to the county's households: with other counties in the database, that join
    read every row of the table (PostgreSQL chose a sequential scan and a hash join).
    `save()` copies it from the household; the bulk writers (the workbook import, the demo) set
    it themselves, and a household moved to another county takes its rows along
    (`move_rows_to_household_county`).
    """

    county = models.CharField("县级区划代码", max_length=6, editable=False)  # indexed by each model

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.county:
            self.county = county_code(self.household.village_id)
        super().save(*args, **kwargs)


def move_rows_to_household_county(household_ids) -> None:
    """After households changed county: their members, incomes and measures follow (one UPDATE each)."""
    village = Subquery(Household.objects.filter(pk=OuterRef("household_id")).values("village_id")[:1])
    for model in (Member, AnnualIncome, AssistanceMeasure):
        model.objects.filter(household_id__in=household_ids).update(county=Left(village, 6))


class Member(OfCounty):
    """家庭成员. `id_valid` is derived from `id_number` on every save, so rule B01 stays in SQL."""

    household = models.ForeignKey(
        Household, verbose_name="户", on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField("姓名", max_length=32, db_index=True)
    id_number = models.CharField("证件号码", max_length=32, blank=True, db_index=True)
    id_valid = models.BooleanField("证件号码合规", default=False, editable=False)
    gender = choice_field("性别", Gender.choices)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    ethnicity = models.CharField("民族", max_length=16, blank=True)
    relationship = choice_field("与户主关系", Relationship.choices)
    education = choice_field("文化程度", Education.choices)
    student_status = choice_field("在校生状况", StudentStatus.choices)
    health = choice_field("健康状况", Health.choices)
    disability_grade = choice_field("残疾等级", DisabilityGrade.choices)
    labour_ability = choice_field("劳动技能", LabourAbility.choices)
    employment = choice_field("务工状况", Employment.choices)
    months_worked = models.PositiveSmallIntegerField(
        "务工时间(月)", null=True, blank=True, validators=[MaxValueValidator(12)]
    )
    public_welfare_job = models.BooleanField("公益性岗位", null=True, blank=True)
    medical_insurance = choice_field("医疗保险", MedicalInsurance.choices)
    pension_insurance = choice_field("养老保险", PensionInsurance.choices)
    status = models.CharField(
        "人员状态", max_length=12, choices=MemberStatus.choices, default=MemberStatus.NORMAL
    )
    # Set by the change requests that add or remove a member (empty for imported members).
    joined_on = models.DateField("增员日期", null=True, blank=True)
    join_reason = choice_field("增员原因", JoinReason.choices)
    left_on = models.DateField("减员日期", null=True, blank=True)
    leave_reason = choice_field("减员原因", LeaveReason.choices)

    objects = MemberQuerySet.as_manager()
    # Like the household's: who, when and which change request (bulk imports write no history rows).
    history = HistoricalRecords(bases=[HistoricalChangeLink], excluded_fields=["county"])

    class Meta:
        verbose_name = verbose_name_plural = "家庭成员"
        ordering = ["household", "pk"]
        indexes = [
            # A county's members (the rules), and a name searched from its start within the county
            # (the list), read without the table: 0.5 ms for a county's 2,042 王 among ten counties.
            models.Index(fields=["county", "name"], name="member_county_name",
                         opclasses=["text_ops", "varchar_pattern_ops"], include=["household"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="member_months_worked_0_12",
                condition=Q(months_worked__isnull=True) | Q(months_worked__gte=0, months_worked__lte=12),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def refresh_derived(self) -> None:
        """Store the ID number in its one form and recompute derived values; bulk writers call
        this before bulk_create and bulk_update."""
        self.id_number = id_numbers.normalise(self.id_number)
        self.id_valid = id_numbers.is_valid(self.id_number)

    @property
    def masked_id_number(self) -> str:
        return id_numbers.mask(self.id_number)

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.NORMAL


class AnnualIncome(OfCounty):
    """年度收入 of one household for one assessment year (1 Oct of Y−1 to 30 Sep of Y)."""

    household = models.ForeignKey(
        Household, verbose_name="户", on_delete=models.CASCADE, related_name="incomes"
    )
    year = models.PositiveSmallIntegerField("年度")
    wage = money_field("工资性收入")
    public_welfare_income = money_field("公益性岗位收入")
    operating_income = money_field("生产经营性收入")
    operating_expense = money_field("生产经营性支出")
    property_income = money_field("财产性收入")
    transfer_total = money_field("转移性收入")
    family_planning = money_field("计划生育金")
    subsistence = money_field("低保金")
    extreme_poverty_support = money_field("特困供养金")
    pension = money_field("养老金或离退休金")
    eco_compensation = money_field("生态补偿金")
    other_transfer = money_field("其他转移性收入")
    medical_expense = money_field("医疗自付支出")
    education_expense = money_field("教育支出")

    objects = IncomeQuerySet.as_manager()
    # Like the household's: who, when and which change request (bulk imports write no history rows).
    history = HistoricalRecords(bases=[HistoricalChangeLink], excluded_fields=["county"])

    class Meta:
        verbose_name = verbose_name_plural = "年度收入"
        ordering = ["household", "-year"]
        indexes = [models.Index(fields=["county", "year"], name="income_county_year")]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_one_per_household_year"),
            models.CheckConstraint(
                name="income_year_plausible", condition=Q(year__gte=2000, year__lte=2100)
            ),
            *[
                models.CheckConstraint(
                    name=f"income_{field}_not_negative",
                    condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
                )
                for field in INCOME_MONEY_FIELDS
            ],
        ]

    def __str__(self):
        return f"{self.household_id} {self.year}"


class AssistanceMeasure(OfCounty):
    """帮扶措施 given to a household in an assessment year."""

    household = models.ForeignKey(
        Household, verbose_name="户", on_delete=models.CASCADE, related_name="measures"
    )
    year = models.PositiveSmallIntegerField("年度")
    measure_type = models.CharField("措施类型", max_length=24, choices=MeasureType.choices)
    content = models.CharField("措施内容", max_length=500, blank=True)
    nature = choice_field("措施性质", MeasureNature.choices)
    state = models.CharField("状态", max_length=12, choices=MeasureState.choices, default=MeasureState.DONE)
    months = models.PositiveSmallIntegerField(
        "岗位月数", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)

    objects = HouseholdChildQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoricalChangeLink], excluded_fields=["county"])

    class Meta:
        verbose_name = verbose_name_plural = "帮扶措施"
        ordering = ["household", "-year", "pk"]
        indexes = [models.Index(fields=["county", "year"], name="measure_county_year")]

    def __str__(self):
        return f"{self.get_measure_type_display()} {self.year}"


class YearParameters(models.Model):
    """The parameters of one assessment year in one county, set by that county's staff."""

    county = models.CharField("县级区划代码", max_length=6, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    monitoring_line = models.DecimalField(
        "监测标准(元/人·年)", max_digits=10, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    attention_line = models.DecimalField(
        "关注线(元/人·年)", max_digits=10, decimal_places=2, default=Decimal("10000"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_current = models.BooleanField("当前年度", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "年度参数"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="one_year_per_county"),
            models.UniqueConstraint(
                fields=["county", "is_current"], condition=Q(is_current=True), name="one_current_year_per_county"
            ),
            models.CheckConstraint(
                name="year_lines_per_county_not_negative",
                condition=Q(monitoring_line__gte=0, attention_line__gte=0),
            ),
        ]

    def __str__(self):
        return str(self.year)

    @property
    def reference_date(self) -> datetime.date:
        return datetime.date(self.year, 9, 30)

    @classmethod
    def current(cls, county: str | None) -> "YearParameters | None":
        """The county's current year (else its newest); None for no county or a county without years."""
        if not county:
            return None
        years = cls.objects.filter(county=county)
        return years.filter(is_current=True).first() or years.first()

    @classmethod
    def lines(cls, county: str | None) -> dict[int, "YearParameters"]:
        """The county's years, by year."""
        return {params.year: params for params in cls.objects.filter(county=county or "")}
