"""部门数据 upload on screen: the nine lists from .xlsx and .csv, all or nothing, only county staff, logged."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from households.models import Member, YearParameters
from households.workbook import messages as workbook_messages
from rules.department_import import EXTRA_COLUMNS
from rules.departments.forms import CSV_NOT_TEXT, NOT_A_LIST
from rules.models import DepartmentBatch, DepartmentRecord, DepartmentSource
from tests.builders import make_year
from tests.rules.departments.lists import SAMPLES, csv_file, header, list_file, xlsx_file
from trail.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

STRANGER = "110105194912310021"  # a valid ID number nobody in the registry has


def upload(client, source, file, year=2025):
    return client.post(reverse("department_upload"), {"source": source, "year": year, "file": file})


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("source", DepartmentSource.values)
def test_it_imports_each_list_from_the_page(client, world, source, kind):
    member = world.home.members.first()
    other_county_member = world.other_county.members.first()
    written, shown = SAMPLES[source]
    client.force_login(world.county_staff)
    response = upload(client, source, list_file(kind, source, [
        header(source), [member.id_number, member.name, written], [STRANGER, "无此人", written],
        [other_county_member.id_number, other_county_member.name, written],
    ]))
    batch = DepartmentBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("department_batch", args=[batch.pk])
    assert (batch.source, batch.year, batch.county, batch.imported_by, batch.file_name) == (
        source, 2025, "230381", world.county_staff, f"{source}.{kind}")
    # matched against the county's own members: another county's member is unmatched here
    assert (batch.row_count, batch.matched_count) == (3, 1)
    assert set(batch.records.filter(matched=True).values_list("id_number", flat=True)) == {member.id_number}
    page = client.get(reverse("department_batch", args=[batch.pk]), {"show": "matched"}).content.decode()
    assert shown in page and world.home.number in page
    assert member.id_number not in page and member.id_number[:6] + "*" * 12 in page


def test_it_refuses_a_file_with_bad_rows_and_saves_nothing(client, world):
    member = world.home.members.first()
    client.force_login(world.county_staff)
    response = upload(client, "残联-持证残疾人", xlsx_file("残联.xlsx", [
        ["证件号码", "姓名", "残疾等级"],
        [member.id_number, member.name, "二级"],
        [member.id_number, member.name, "五级"],
        [None, "无证件", "一级"],
        [12345678901234567, "数字证件", "一级"],
    ]))
    assert response.status_code == 400
    assert not DepartmentBatch.objects.exists() and not DepartmentRecord.objects.exists()
    problems = response.context["problems"]
    assert [(row, column) for row, column, _value, _message in problems] == [
        (3, "残疾等级"), (4, "证件号码"), (5, "证件号码")]
    page = response.content.decode()
    assert "3 处错误，未导入任何数据" in page
    assert "第 3 行" in page and "五级" in page and "应为 一级、二级、三级、四级 之一" in page
    assert "证件号码为空" in page and "证件号码被存成了数字" in page


def test_it_reports_a_missing_column(client, world):
    client.force_login(world.county_staff)
    response = upload(client, "民政-低保", csv_file("低保.csv", [["证件号码", "姓名", "金额"], [STRANGER, "甲", "1"]]))
    assert response.status_code == 400 and not DepartmentBatch.objects.exists()
    assert "缺少列：保障金额" in response.content.decode()


@pytest.mark.parametrize(("name", "content", "error"), [
    ("名单.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, NOT_A_LIST),
    ("名单.txt", "证件号码,姓名,保障金额\n".encode(), NOT_A_LIST),
    ("名单.csv", b"PK\x03\x04" + b"\0" * 100, CSV_NOT_TEXT.format(name="名单.csv")),
    ("名单.xlsx", "证件号码,姓名,保障金额\n".encode(), workbook_messages.NOT_XLSX),
])
def test_it_checks_the_file_before_reading_it(client, world, name, content, error):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.county_staff)
    response = upload(client, "民政-低保", SimpleUploadedFile(name, content))
    assert response.status_code == 200 and not DepartmentBatch.objects.exists()
    assert response.context["form"].errors["file"] == [error]


def test_it_refuses_a_zip_bomb_like_the_registry_import(client, world, settings):
    settings.REGISTRY_IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(world.county_staff)
    member = world.home.members.first()
    response = upload(client, "民政-低保", xlsx_file("低保.xlsx", [header("民政-低保"), [member.id_number, "甲", "1"]]))
    assert "超过" in "".join(response.context["form"].errors["file"])
    assert not DepartmentBatch.objects.exists()


def test_the_year_defaults_to_the_countys_current_year(client, world):
    YearParameters.objects.filter(county="230381", year=2025).update(is_current=False)
    make_year(2026, county="230381")
    client.force_login(world.county_staff)
    form = client.get(reverse("department_upload")).context["form"]
    assert form.initial["year"] == 2026


def test_every_upload_is_logged_whether_imported_or_refused(client, world):
    member = world.home.members.first()
    client.force_login(world.county_staff)
    upload(client, "人社-就业", csv_file("就业.csv", [header("人社-就业"), [member.id_number, member.name, "13"]]))
    upload(client, "人社-就业", csv_file("就业.csv", [header("人社-就业"), [member.id_number, member.name, "8"]]))
    refused, imported = AuditEvent.objects.filter(action=AuditAction.IMPORT).order_by("pk")
    assert refused.actor == imported.actor == world.county_staff
    assert refused.subject == imported.subject == "部门数据 人社-就业 2025 年度"
    assert refused.detail["problems"] == 1 and "batch" not in refused.detail
    assert imported.detail == {"batch": DepartmentBatch.objects.get().pk, "file": "就业.csv", "rows": 1, "matched": 1}


@pytest.mark.parametrize("persona", ["clerk", "reviewer", "inspector"])
def test_only_county_staff_upload(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("department_upload")).status_code == 403
    member = world.home.members.first()
    response = upload(client, "人社-就业", csv_file("就业.csv", [header("人社-就业"), [member.id_number, "甲", "8"]]))
    assert response.status_code == 403 and not DepartmentBatch.objects.exists()


def test_the_command_still_imports_a_shared_list_matched_on_the_whole_registry(tmp_path, world):
    members = [world.home.members.first(), world.other_county.members.first()]
    path = tmp_path / "就业.csv"
    path.write_bytes(csv_file("x.csv", [header("人社-就业"), *[[m.id_number, m.name, "8"] for m in members]]).read())
    call_command("import_department", "人社-就业", str(path), "--year", "2025")
    batch = DepartmentBatch.objects.get()
    assert (batch.county, batch.imported_by, batch.file_name, batch.matched_count) == (None, None, "就业.csv", 2)
    assert Member.objects.filter(id_number__in=batch.records.values("id_number")).count() == 2


def test_every_source_has_a_sample():
    assert set(SAMPLES) == set(DepartmentSource) == set(EXTRA_COLUMNS)
