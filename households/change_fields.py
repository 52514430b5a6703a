"""The household fields a change request may carry, and how their values are stored and shown.

A request stores values as JSON (decimals as text with the field's places), so that the
value recorded at drafting compares exactly with the live value at approval.
"""

from decimal import Decimal

from django.db import models

from . import id_numbers
from .models import INCOME_MONEY_FIELDS, AnnualIncome, Household

# 户基本信息及生活条件: what a household_info request may change.
HOUSEHOLD_INFO_FIELDS = (
    "address", "natural_village", "phone", "longitude", "latitude",
    "housing_safe", "water_safe", "helper_name", "helper_phone", "helper_employer",
)
MASKED_FIELDS = ("phone", "helper_phone")
# 年度收入: what an income request may change (of the AnnualIncome row of its year).
INCOME_FIELDS = INCOME_MONEY_FIELDS


def field(name: str) -> models.Field:
    """The model field behind a request's key: the household's, else the annual income's."""
    if name in INCOME_FIELDS:
        return AnnualIncome._meta.get_field(name)
    return Household._meta.get_field(name)


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
    model_field = field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name in MASKED_FIELDS:
        return id_numbers.mask_phone(str(value))
    if name in INCOME_FIELDS:
        return f"{Decimal(value):,.2f} 元"
    return str(value)
