"""Ticket messages: each rule's template filled from the failing row's values."""

import json
from decimal import ROUND_HALF_UP, Decimal

from households import id_numbers
from households.choices import (
    DisabilityGrade, Education, Employment, Gender, Health, HouseholdType, LabourAbility, MeasureType,
    MonitoringType, Relationship, RiskStatus, RiskType, StudentStatus,
)

from rules.registry import Parameters, Rule
from rules.models import FACTOR_LABELS

CENT = Decimal("0.01")


def yuan(cents) -> str:
    return f"{(Decimal(cents) / 100).quantize(CENT):,}" if cents is not None else "—"


def yuan_amount(amount) -> str:
    if amount is None:
        return "—"
    value = Decimal(amount)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value.quantize(CENT):,}"


_LABELS: dict = {}
# (code, name) of the measure types; `MeasureType.choices` builds its list anew on every read
MEASURE_NAMES = tuple(MeasureType.choices)


def label(choices, value) -> str:
    labels = _LABELS.get(choices)
    if labels is None:
        labels = _LABELS[choices] = dict(choices.choices)
    return labels.get(value) or value or "未登记"


class _Defaulting(dict):
    def __missing__(self, key):
        return "—"


# A derived text that leaves the row's own value as it is.
_KEEP = object()


def _per_capita_text(back: int):
    def text(row: dict, p: Parameters):  # pc0…pc3: households.expressions.per_capita, read with the row
        value = row.get(f"pc{back}")
        return _KEEP if value is None else f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,}"
    return text


def _yuan_text(key: str):
    return lambda row, p: yuan(row.get(key))


# What a household message may name beyond the row's own values and the parameters: name -> text(row, p).
HOUSEHOLD_TEXTS = {
    "phone": lambda row, p: id_numbers.mask_phone(row.get("phone") or ""),  # stored and exported: masked
    **{f"pc{back}": _per_capita_text(back) for back in range(4)},
    **{key: _yuan_text(key) for key in ("wage0", "welfare_income0", "transfer0", "transfer1", "property1",
                                        "transfer_parts0")},
    "household_type_label": lambda row, p: label(HouseholdType, row.get("household_type")),
    "monitoring_type_label": lambda row, p: (
        label(MonitoringType, row.get("monitoring_type")) if row.get("monitoring_type") else "空"),
    "risk_status_label": lambda row, p: label(RiskStatus, row.get("risk_status")) if row.get("risk_status") else "空",
    "welfare_job_label": lambda row, p: "有" if row.get("any_welfare_job") else "无",
    "welfare_list": lambda row, p: "、".join(
        name for key, name in (("any_on_subsistence", "低保"), ("any_on_extreme_poverty", "特困")) if row.get(key)),
    "risk_factors": lambda row, p: "、".join(
        text for name, text in FACTOR_LABELS.items() if row.get(f"rf_{name}")) or "无风险因素",
    "elimination_problem": lambda row, p: _elimination_problem(row, p),
    "risk_types_label": lambda row, p: "、".join(
        label(RiskType, value) for value in _risk_types(row.get("risk_types_text"))) or "无",
    "helper_phone": lambda row, p: id_numbers.mask_phone(row.get("helper_phone") or "") or "空",
    "measures_label": lambda row, p: "、".join(
        name for kind, name in MEASURE_NAMES if row.get(f"measure_{kind}")) or "无",
    "head_gender_label": lambda row, p: label(Gender, row.get("head_gender")),
    "phone_others": lambda row, p: (row.get("phone_holders") or 1) - 1,
    "operating0": _yuan_text("operating0"),
    "date_problem": lambda row, p: _date_problem(row),
    **{key: (lambda key: lambda row, p: row[key].isoformat() if row.get(key) else "未填")(key)
       for key in ("included_on", "eliminated_on")},
}


class HouseholdValues(dict):
    """What a household row's messages are formatted with: the parameters, the row's values over
    them, the texts of HOUSEHOLD_TEXTS over those, "—" for any other name. A text is computed
    when a template first names it: a first batch formats ~38,000 household messages, each
    naming a few of the ~30 texts (computing them all for every row was 0.7 s of 1.0 s)."""

    __slots__ = ("_row", "_p", "_parameters")

    def __init__(self, row: dict, p: Parameters, parameters: dict):
        super().__init__(parameters)
        self.update(row)
        for name in HOUSEHOLD_TEXTS:
            self.pop(name, None)
        self._row, self._p, self._parameters = row, p, parameters

    def __missing__(self, key):
        text = HOUSEHOLD_TEXTS.get(key)
        if text is None:
            return "—"
        value = text(self._row, self._p)
        if value is _KEEP:
            value = self._row[key] if key in self._row else self._parameters.get(key, "—")
        self[key] = value
        return value


def member_context(row: dict, p: Parameters) -> dict:
    context = _Defaulting(row)
    number = row.get("id_number") or ""
    context["id_number_masked"] = id_numbers.mask(number) if number else "（空）"
    context["id_problem"] = id_numbers.problem(number, tell_check=False) or ""
    if row.get("id_valid"):
        context["id_gender"] = "男" if id_numbers.is_male(number) else "女"
        context["id_birth_date"] = id_numbers.birth_date(number).isoformat()
    context["birth_date"] = row["birth_date"].isoformat() if row.get("birth_date") else "未填"
    for key, choices in (("gender", Gender), ("relationship", Relationship), ("student_status", StudentStatus),
                         ("education", Education), ("labour_ability", LabourAbility),
                         ("employment", Employment), ("disability_grade", DisabilityGrade)):
        context[key] = label(choices, row.get(key))
    for key in ("age", "head_age"):  # born after the reference date: −1 to the rules, 0 to a reader
        if isinstance(row.get(key), int) and row[key] < 0:
            context[key] = 0
    context["health"] = label(Health, row.get("health"))
    context["welfare_job_label"] = {True: "是", False: "否"}.get(row.get("public_welfare_job"), "未登记")
    context["listed_disability_label"] = label(DisabilityGrade, row.get("listed_disability"))
    if row.get("months_worked") is None:
        context["months_worked"] = "未填"
    return context


def parameter_context(p: Parameters) -> dict:
    """The parameters as message text, computed once per evaluation."""
    values = {key: yuan_amount(value) if key == "large_medical_expense" else _plain(value)
              for key, value in p.values.items()}
    values.update(
        year=p.year, monitoring_line=yuan_amount(p.monitoring_line), attention_line=yuan_amount(p.attention_line),
        growth_threshold_percent=f"{p.growth_threshold * 100:.0f}%",
    )
    return values


def render(rule: Rule, context: dict, parameters: dict) -> str:
    """The rule's message for one failing row; `parameters` comes from parameter_context."""
    return render_values(rule, message_values(context, parameters))


def message_values(context: dict, parameters: dict) -> dict:
    """What a row's messages are formatted with: the parameters, the row's context over them,
    "—" for any other name. Built once per row however many rules it fails."""
    values = _Defaulting(parameters)
    values.update(context)
    return values


def render_values(rule: Rule, values: dict) -> str:
    """The rule's message formatted with `message_values`: str.format_map, the same format
    language as string.Formatter().vformat (names missing from `values` read "—" through
    _Defaulting.__missing__) in C rather than in Python: ~50,000 messages in a first batch."""
    return rule.message.format_map(values)[:500]


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _risk_types(value) -> list:
    """The household's risk types from the JSON text of the list read with the row."""
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, list) else []


def _elimination_problem(row: dict, p: Parameters) -> str:
    problems = []
    if row.get("housing_safe") is False:
        problems.append("住房安全无保障")
    if row.get("water_safe") is False:
        problems.append("饮水安全无保障")
    if row.get("any_young_dropout"):
        problems.append("有义务教育阶段失学辍学人员")
    if row.get("any_uninsured_not_newborn"):
        problems.append("有未参加基本医疗保险人员")
    size = row.get("size") or 0
    if p.monitoring_line is not None and row.get("has0") and size and Decimal(row["net0"]) < p.monitoring_line * 100 * size:
        problems.insert(0, "当年人均纯收入低于监测标准")
    return "、".join(problems) or "存在未消除的风险"


def _date_problem(row: dict) -> str:
    included, eliminated, status = row.get("included_on"), row.get("eliminated_on"), row.get("risk_status")
    if row.get("monitoring_type") and not included:
        return "监测对象未填纳入监测日期"
    if status == RiskStatus.ELIMINATED and not eliminated:
        return "风险已消除但未填风险消除日期"
    if status == RiskStatus.ELIMINATED and included and eliminated and eliminated < included:
        return f"风险消除日期 {eliminated} 早于纳入监测日期 {included}"
    return f"风险未消除却填有风险消除日期 {eliminated}"
