"""What the fuzz found, each pinned by a plain test that failed before its fix."""

import pytest
from django.test import Client
from django.urls import reverse

from households.names import name_problem
from rules.department_import import EXTRA_COLUMNS
from rules.models import DepartmentBatch, DepartmentRecord, DepartmentSource
from tests.rules.departments.lists import csv_file

pytestmark = pytest.mark.django_db

STRANGER = "110105194912310021"


def upload_one(world, source, id_number, name, value):
    client = Client(raise_request_exception=False)
    client.force_login(world.county_staff)
    rows = [["证件号码", "姓名", EXTRA_COLUMNS[DepartmentSource(source)][0]], [id_number, name, value]]
    return client.post(reverse("department_upload"), {"source": source, "year": 2025,
                                                      "file": csv_file("list.csv", rows)})


@pytest.mark.parametrize(("source", "value", "message"), [
    (DepartmentSource.SUBSISTENCE, "NaN", "金额应为数字"),
    (DepartmentSource.SUBSISTENCE, "Infinity", "金额应为数字"),
    (DepartmentSource.SUBSISTENCE, "sNaN", "金额应为数字"),
    (DepartmentSource.SUBSISTENCE, "1" * 400, "金额超出可保存的范围"),
    (DepartmentSource.SUBSISTENCE, "1e20", "金额应为数字"),  # PostgreSQL's numeric(12, 2) would refuse it: a 500
    (DepartmentSource.LARGE_MEDICAL, "100000000000", "金额超出可保存的范围"),
    (DepartmentSource.EMPLOYMENT, "Infinity", "务工时间应为0–12的整数"),
    (DepartmentSource.EMPLOYMENT, "1e999999999", "务工时间应为0–12的整数"),
])
def test_it_refuses_a_department_amount_or_month_count_that_is_not_a_storable_number(world, source, value, message):
    response = upload_one(world, source, STRANGER, "张三", value)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DepartmentRecord.objects.exists()


@pytest.mark.parametrize(("id_number", "message"), [
    ("1" * 100, "证件号码过长（100 个字符）"),
    ("11010519491231\x070021", "证件号码含有不可见的控制字符"),
])
def test_it_refuses_a_department_id_number_the_database_cannot_hold(world, id_number, message):
    response = upload_one(world, DepartmentSource.DEATHS, id_number, "张三", "2025-03-01")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DepartmentBatch.objects.exists()


@pytest.mark.parametrize("name", ["\u202e四李", "李\u200b四", "\u2067李四\u2069", "李四\x07"])
def test_it_refuses_a_department_list_name_with_invisible_characters(world, name):
    response = upload_one(world, DepartmentSource.DEATHS, STRANGER, name, "2025-03-01")
    assert response.status_code == 400
    assert "姓名含有不可见的控制字符" in response.content.decode()
    assert not DepartmentBatch.objects.exists()


@pytest.mark.parametrize("name", ["李四", "阿卜杜拉·买买提", "欧阳\ue000", "Li Si", "𪚥"])
def test_a_name_without_controls_is_fine(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name", ["\u202e四李", "李\u200b四", "\u2066李四\u2069", "\ufeff李四"])
def test_the_registry_import_refuses_a_member_name_with_invisible_characters(name):
    from households.workbook.cells import CellError, parse
    from households.workbook.template import MEMBERS
    with pytest.raises(CellError, match="「姓名」含有不可见的控制字符"):
        parse(MEMBERS.column("name"), name)
    assert parse(MEMBERS.column("name"), " 李四 ") == ("李四", None)


def test_the_member_form_refuses_a_name_with_a_bidi_control(world):
    from households.changes.member_forms import MemberForm
    form = MemberForm(data={"name": "李\u202e四", "gender": "male"}, user=world.clerk)
    assert not form.is_valid()
    assert form.errors["name"] == ["姓名含有不可见的控制字符（如零宽字符、文字方向控制符）：请删除后重新填写（U+202E）"]


def test_the_household_form_refuses_a_helper_name_with_a_zero_width_character():
    from households.changes.forms import HouseholdInfoForm
    form = HouseholdInfoForm(data={"helper_name": "王\u200b海"})
    assert not form.is_valid()
    assert "帮扶责任人含有不可见的控制字符" in form.errors["helper_name"][0]
