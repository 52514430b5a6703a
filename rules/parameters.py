"""The catalog's parameters: defaults from rules.md, overridden by each county's staff for their county."""

from decimal import Decimal

from households.models import YearParameters

from rules.models import CatalogParameter, DepartmentBatch
from rules.registry import Parameters

DEFAULTS: dict[str, Decimal] = {
    "growth_threshold": Decimal("0.50"),
    "transfer_drop_threshold": Decimal("0.50"),
    "risk_township": Decimal("0.75"),
    "risk_county": Decimal("0.85"),
    "large_medical_expense": Decimal("20000"),
    "min_months_for_wage": Decimal("3"),
    "elimination_min_days": Decimal("180"),
    # risk factor weights
    "weight_income_below_line": Decimal("0.60"),
    "weight_income_near_line": Decimal("0.30"),
    "weight_income_drop": Decimal("0.30"),
    "weight_major_illness": Decimal("0.35"),
    "weight_severe_disability": Decimal("0.25"),
    "weight_no_labour": Decimal("0.35"),
    "weight_medical_burden": Decimal("0.40"),
    "weight_education_burden": Decimal("0.20"),
    "weight_housing_unsafe": Decimal("0.50"),
    "weight_water_unsafe": Decimal("0.40"),
    "weight_dropout": Decimal("0.50"),
    "weight_uninsured": Decimal("0.30"),
    # 数据质量月考评 (analysis.assessment): the points each part may take off 100
    "assessment_open_per_100": Decimal("1"),
    "assessment_open_cap": Decimal("30"),
    "assessment_overdue_ticket": Decimal("0.5"),
    "assessment_overdue_ticket_cap": Decimal("20"),
    "assessment_overdue_clue": Decimal("2"),
    "assessment_overdue_clue_cap": Decimal("20"),
    "assessment_returned": Decimal("1"),
    "assessment_returned_cap": Decimal("10"),
    "assessment_closure": Decimal("20"),
    # income outliers (analysis.map): the modified z-score above which a value is listed
    "outlier_score_limit": Decimal("3.5"),
}

LABELS = {
    "growth_threshold": "人均纯收入增幅异常阈值",
    "transfer_drop_threshold": "转移性收入降幅阈值",
    "risk_township": "风险系数乡镇审核线",
    "risk_county": "风险系数县级复核线",
    "large_medical_expense": "大额医疗支出标准(元)",
    "min_months_for_wage": "应有工资性收入的最少务工月数",
    "elimination_min_days": "风险消除最短监测天数",
    "weight_income_below_line": "权重：收入低于监测标准",
    "weight_income_near_line": "权重：收入接近监测标准",
    "weight_income_drop": "权重：收入大幅下降",
    "weight_major_illness": "权重：患有大病",
    "weight_severe_disability": "权重：一二级残疾",
    "weight_no_labour": "权重：无劳动力",
    "weight_medical_burden": "权重：医疗支出负担重",
    "weight_education_burden": "权重：教育支出负担重",
    "weight_housing_unsafe": "权重：住房不安全",
    "weight_water_unsafe": "权重：饮水不安全",
    "weight_dropout": "权重：失学辍学",
    "weight_uninsured": "权重：未参保",
    "assessment_open_per_100": "月考评：每百户未关闭问题扣分(错误计2倍)",
    "assessment_open_cap": "月考评：未关闭问题扣分上限",
    "assessment_overdue_ticket": "月考评：每条逾期问题扣分",
    "assessment_overdue_ticket_cap": "月考评：逾期问题扣分上限",
    "assessment_overdue_clue": "月考评：每条逾期预警线索扣分",
    "assessment_overdue_clue_cap": "月考评：逾期线索扣分上限",
    "assessment_returned": "月考评：每次核实被退回扣分",
    "assessment_returned_cap": "月考评：退回扣分上限",
    "assessment_closure": "月考评：整改率满分(按未整改比例扣)",
    "outlier_score_limit": "收入异常值：修正Z分数阈值",
}


def current_values(county: str) -> dict[str, Decimal]:
    """The county's parameters: what its staff changed over the defaults."""
    values = dict(DEFAULTS)
    values.update(CatalogParameter.objects.filter(county=county).values_list("key", "value"))
    return values


def parameters_for(year: int, *, county: str) -> Parameters:
    """The parameters a batch of assessment year `year` runs with in `county` (its lines, its values)."""
    line = YearParameters.objects.filter(county=county, year=year).first()
    return Parameters(
        year=year,
        monitoring_line=line.monitoring_line if line else None,
        attention_line=line.attention_line if line else Decimal("10000"),
        values=current_values(county),
        department_batches=DepartmentBatch.newest_ids(year, county),
    )
