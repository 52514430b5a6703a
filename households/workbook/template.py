"""The registry workbook (the import template of the documentation in docs/): its sheets and their columns.

One `SheetSpec` per sheet lists its columns in template order; the importer, the
exporter and the tests all read the template from here. How one cell is read and
written is in workbook_cells.py.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models as db_models

from households.choices import (
    DisabilityGrade,
    Education,
    EliminationMethod,
    Employment,
    Gender,
    Health,
    HouseholdType,
    IdentificationSource,
    LabourAbility,
    MeasureType,
    MedicalInsurance,
    MemberStatus,
    MonitoringType,
    PensionInsurance,
    Relationship,
    RiskStatus,
    RiskType,
    StudentStatus,
)
from households.models import AnnualIncome, Area, AssistanceMeasure, Household, Member
from households.workbook.cells import Column, Kind


@dataclass(frozen=True)
class SheetSpec:
    name: str                    # the Chinese sheet name of the template
    code: str                    # the English code, accepted as an alternative name
    model: type[db_models.Model]
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())  # column codes that identify a row

    def column(self, code: str) -> Column:
        return next(column for column in self.columns if column.code == code)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def _text(model, header, code, field_name=None, *, kind=Kind.TEXT, required=False) -> Column:
    field_name = field_name or code
    max_length = model._meta.get_field(field_name).max_length
    return Column(header, code, kind, field_name, required=required, max_length=max_length)


def _enum(header, code, choices, field_name=None, *, required=False, later=False) -> Column:
    return Column(header, code, Kind.ENUM, field_name or code, required=required, choices=choices, later=later)


def _money(header, code) -> Column:
    return Column(header, code, Kind.MONEY, code)


MEMBER_NO_LIMIT = 9_999_999_999
YEAR = Column("年度", "year", Kind.INTEGER, "year", required=True, low=2000, high=2100)


def _household_no() -> Column:
    return Column("户编号", "household_no", Kind.CODE, "household", required=True,
                  max_length=Household._meta.get_field("number").max_length)


AREAS = SheetSpec("区划", "areas", Area, (
    Column("区划代码", "code", Kind.CODE, "code", required=True, max_length=12),
    _text(Area, "名称", "name", required=True),
), key=("code",))

HOUSEHOLDS = SheetSpec("户信息", "households", Household, (
    Column("户编号", "household_no", Kind.CODE, "number", required=True,
           max_length=Household._meta.get_field("number").max_length),
    Column("村代码", "village_code", Kind.CODE, "village_id", required=True, max_length=12),
    _text(Household, "自然村", "natural_village"),
    _text(Household, "地址", "address"),
    _enum("户类型", "household_type", HouseholdType, required=True),
    Column("脱贫年度", "alleviation_year", Kind.INTEGER, "alleviation_year", low=2014, high=2020),
    _enum("监测对象类别", "monitoring_type", MonitoringType),
    _enum("风险状态", "risk_status", RiskStatus),
    Column("纳入监测日期", "included_on", Kind.DATE, "included_on"),
    Column("风险消除日期", "eliminated_on", Kind.DATE, "eliminated_on"),
    Column("风险类型", "risk_types", Kind.RISK_TYPES, "risk_types", choices=RiskType),
    # Both added with the monitoring procedure: older workbooks lack them (see Column.later).
    _enum("识别来源", "identification_source", IdentificationSource, later=True),
    _enum("风险消除方式", "elimination_method", EliminationMethod, later=True),
    _text(Household, "联系电话", "phone", kind=Kind.PHONE),
    Column("住房安全有保障", "housing_safe", Kind.YES_NO, "housing_safe"),
    Column("饮水安全有保障", "water_safe", Kind.YES_NO, "water_safe"),
    Column("经度", "longitude", Kind.DEGREES, "longitude", low=Decimal(-180), high=Decimal(180)),
    Column("纬度", "latitude", Kind.DEGREES, "latitude", low=Decimal(-90), high=Decimal(90)),
    _text(Household, "帮扶责任人", "helper_name", kind=Kind.NAME),
    _text(Household, "帮扶责任人电话", "helper_phone", kind=Kind.PHONE),
    _text(Household, "帮扶责任人单位", "helper_employer"),
), key=("household_no",))

MEMBERS = SheetSpec("家庭成员", "members", Member, (
    _household_no(),
    _text(Member, "姓名", "name", kind=Kind.NAME, required=True),
    _text(Member, "证件号码", "id_number", kind=Kind.ID_NUMBER),
    _enum("性别", "gender", Gender),
    Column("出生日期", "birth_date", Kind.DATE, "birth_date"),
    _text(Member, "民族", "ethnicity"),
    _enum("与户主关系", "relationship", Relationship),
    _enum("文化程度", "education", Education),
    _enum("在校生状况", "student_status", StudentStatus),
    _enum("健康状况", "health", Health),
    _enum("残疾等级", "disability_grade", DisabilityGrade),
    _enum("劳动技能", "labour_ability", LabourAbility),
    _enum("务工状况", "employment", Employment),
    Column("务工时间", "months_worked", Kind.INTEGER, "months_worked", low=0, high=12),
    Column("公益性岗位", "public_welfare_job", Kind.YES_NO, "public_welfare_job"),
    _enum("医疗保险", "medical_insurance", MedicalInsurance),
    _enum("养老保险", "pension_insurance", PensionInsurance),
    _enum("人员状态", "status", MemberStatus),
    # The system's member number (Member.pk), written by the export; empty for a new member.
    Column("成员编号", "member_no", Kind.INTEGER, "pk", low=1, high=MEMBER_NO_LIMIT, identifier=True),
), key=("household_no", "id_number"))

INCOMES = SheetSpec("年度收入", "incomes", AnnualIncome, (
    _household_no(),
    YEAR,
    _money("工资性收入", "wage"),
    _money("公益性岗位收入", "public_welfare_income"),
    _money("生产经营性收入", "operating_income"),
    _money("生产经营性支出", "operating_expense"),
    _money("财产性收入", "property_income"),
    _money("转移性收入", "transfer_total"),
    _money("计划生育金", "family_planning"),
    _money("低保金", "subsistence"),
    _money("特困供养金", "extreme_poverty_support"),
    _money("养老金或离退休金", "pension"),
    _money("生态补偿金", "eco_compensation"),
    _money("其他转移性收入", "other_transfer"),
    _money("医疗自付支出", "medical_expense"),
    _money("教育支出", "education_expense"),
), key=("household_no", "year"))

MEASURES = SheetSpec("帮扶措施", "measures", AssistanceMeasure, (
    _household_no(),
    YEAR,
    _enum("措施类型", "measure_type", MeasureType, required=True),
    _text(AssistanceMeasure, "措施内容", "content"),
))

SHEETS: tuple[SheetSpec, ...] = (AREAS, HOUSEHOLDS, MEMBERS, INCOMES, MEASURES)
