"""On PostgreSQL the import inserts with COPY from tuples: the values bulk_create would write, field by field."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from psycopg.types.json import Jsonb

from households.models import AnnualIncome, AssistanceMeasure, Household, Member
from households.workbook.sheets import copy_rows
from tests.builders import make_household
from tests.households.workbook.workbooks import VILLAGE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is the PostgreSQL path"),
]


def bulk_create_values(model, record: dict) -> list:
    """What bulk_create prepares for one object, auto_now fields left out (their time differs)."""
    instance = model(**record)
    values = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.generated:  # bulk_create leaves these to the database
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("now")
            continue
        value = field.get_db_prep_save(field.pre_save(instance, True), connection)
        values.append(value.obj if isinstance(value, Jsonb) else value)
    return values


def copied_values(model, record: dict) -> list:
    (row,) = copy_rows(model, [record], connection)
    fields = [field for field in model._meta.concrete_fields if not (field.primary_key or field.generated)]
    values = []
    for field, value in zip(fields, row, strict=True):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            assert isinstance(value, datetime.datetime) and value.tzinfo is not None
            value = "now"
        values.append(value.obj if isinstance(value, Jsonb) else value)
    return values


def test_a_household_row_is_what_bulk_create_writes():
    record = {"number": "H1", "village_id": VILLAGE, "natural_village": "三组", "household_type": "general",
              "alleviation_year": 2016, "included_on": datetime.date(2023, 5, 6), "risk_types": ["illness"],
              "housing_safe": True, "water_safe": None, "longitude": Decimal("116.397128"), "phone": ""}
    assert copied_values(Household, record) == bulk_create_values(Household, record)


def test_child_rows_are_what_bulk_create_writes():
    household = make_household(VILLAGE, number="H2")
    member = {"household_id": household.pk, "name": "张三", "id_number": "", "id_valid": False, "status": "",
              "birth_date": datetime.date(1970, 3, 4), "months_worked": 6, "public_welfare_job": None}
    income = {"household_id": household.pk, "year": 2024, "wage": Decimal("18000.00"), "pension": None}
    measure = {"household_id": household.pk, "year": 2024, "measure_type": "other", "content": "送温暖"}
    for model, record in ((Member, member), (AnnualIncome, income), (AssistanceMeasure, measure)):
        assert copied_values(model, record) == bulk_create_values(model, record), model.__name__


def test_records_in_another_key_order_give_the_same_rows():
    household = make_household(VILLAGE, number="H3")
    first = {"household_id": household.pk, "year": 2024, "wage": Decimal("1.00")}
    second = {"wage": Decimal("2.00"), "year": 2023, "household_id": household.pk}
    rows = copy_rows(AnnualIncome, [first, second], connection)
    assert rows[1] == copy_rows(AnnualIncome, [{"household_id": household.pk, "year": 2023,
                                                 "wage": Decimal("2.00")}], connection)[0][:len(rows[1])]
