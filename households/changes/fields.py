"""The fields a change request may carry, and how their values are stored and shown.

A request stores values as JSON (decimals as text with the field's places), so that the
value recorded at drafting compares exactly with the live value at approval.
"""

from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from households import id_numbers
from households.choices import RiskType
from households.models import INCOME_MONEY_FIELDS, AnnualIncome, AssistanceMeasure, Household, Member

# 户基本信息及生活条件: what a household_info request may change.
HOUSEHOLD_INFO_FIELDS = (
    "address", "natural_village", "phone", "longitude", "latitude",
    "housing_safe", "water_safe", "helper_name", "helper_phone", "helper_employer",
)
# Decided by the monitoring procedure (识别纳入, 风险消除 in monitoring_objects), never by a change
# request: the household form shows them read-only. The registry import still sets them.
MONITORING_FIELDS = (
    "monitoring_type", "risk_status", "included_on", "eliminated_on", "risk_types",
    "identification_source", "elimination_method",
)
MASKED_FIELDS = ("phone", "helper_phone", "id_number")
# 年度收入: what an income request may change (of the AnnualIncome row of its year).
INCOME_FIELDS = INCOME_MONEY_FIELDS
# 家庭成员: what a member request may set (the head of a new household has the same, less the relationship).
MEMBER_FIELDS = (
    "name", "id_number", "gender", "birth_date", "ethnicity", "relationship", "education", "student_status",
    "health", "disability_grade", "labour_ability", "employment", "months_worked", "public_welfare_job",
    "medical_insurance", "pension_insurance",
)
MEMBER_JOIN_FIELDS = ("join_reason", "joined_on")
MEMBER_LEAVE_FIELDS = ("leave_reason", "left_on")
MEASURE_FIELDS = ("year", "measure_type", "content")
HOUSEHOLD_REMOVE_FIELDS = ("removal_reason", "removed_on")
NEW_HOUSEHOLD_FIELDS = ("household_type", "natural_village", "address", "phone")
HEAD_FIELDS = tuple(name for name in MEMBER_FIELDS if name != "relationship")

# Where a key's field is looked up, in order; the field sets above share no name across models
# (but "year", which income and measure both call 年度).
MODELS = (Household, AnnualIncome, Member, AssistanceMeasure)


def field(name: str) -> models.Field:
    """The model field behind a request's key: the household's, an income's, a member's or a measure's."""
    if name in INCOME_FIELDS:
        return AnnualIncome._meta.get_field(name)
    for model in MODELS:
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    raise FieldDoesNotExist(name)


def label(name: str) -> str:
    return str(field(name).verbose_name)


def dump(name: str, value):
    """A field's value as JSON: None, bool, text; decimals as text with the field's places."""
    model_field = field(name)
    if value is None or value == "" and model_field.null:
        return None
    if isinstance(model_field, models.DecimalField):
        return format(Decimal(value), f".{model_field.decimal_places}f")
    if isinstance(model_field, models.BooleanField):
        return bool(value)
    if isinstance(model_field, models.JSONField):  # a list, such as the risk types
        return list(value)
    return str(value)


def load(name: str, value):
    """The Python value to assign for a stored JSON value."""
    model_field = field(name)
    if value is None and not model_field.null:
        return ""
    return model_field.to_python(value)


def live(record, name: str):
    """The stored form of `record`'s value (a household, or an income row; None for no row yet)."""
    return dump(name, getattr(record, name) if record is not None else None)


def display(name: str, value) -> str:
    """A stored value as a person reads it: 是/否, labels of choices, masked phones, — when empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):  # the risk types: their labels
        labels = [str(RiskType(item).label) if item in RiskType.values else str(item) for item in value]
        return "、".join(labels) or "—"
    model_field = field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name == "id_number":
        return id_numbers.mask(str(value))
    if name in MASKED_FIELDS:
        return id_numbers.mask_phone(str(value))
    if name in INCOME_FIELDS:
        return f"{Decimal(value):,.2f} 元"
    return str(value)
