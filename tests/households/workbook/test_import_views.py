"""The registry import pages: county staff upload, read the dry run, confirm; everyone else gets 404."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from households.workbook import messages as msg
from households.workbook.services import registry_import_confirm, registry_import_upload
from households.models import Household
from households.workbook.models import ImportStatus, RegistryImport
from households.workbook.safety import size_text
from tests.builders import make_user
from tests.households.workbook.test_import import WRONG, wrong_rows
from tests.households.workbook.workbooks import sheet_values, write_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload_file(path, name=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def upload(client, path, capture, name=None):
    with capture(execute=True):
        return client.post(reverse("registry_import_new"), {"workbook": upload_file(path, name)})


def urls_of(record) -> list[str]:
    return [reverse("registry_import_list"), reverse("registry_import_new"), reverse("registry_import_template")] + [
        reverse(name, args=[record.pk]) for name in
        ("registry_import_detail", "registry_import_status", "registry_import_report")
    ]


@pytest.fixture
def refused_import(world, tmp_path, django_capture_on_commit_callbacks):
    path = write_workbook(tmp_path / "wrong.xlsx", wrong_rows(), drop_sheets=("帮扶措施",))
    with django_capture_on_commit_callbacks(execute=True):
        record = registry_import_upload(user=world.county_staff, upload=upload_file(path))
    record.refresh_from_db()
    return record


@pytest.mark.parametrize("persona", ["clerk", "reviewer", "inspector", "no_role"])
def test_it_is_404_for_everyone_but_county_staff(client, world, refused_import, persona):
    client.force_login(getattr(world, persona))
    for url in urls_of(refused_import):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("registry_import_confirm", args=[refused_import.pk])).status_code == 404


def test_it_is_404_for_county_staff_of_another_county(client, world, refused_import):
    client.force_login(make_user("other-county", "county_staff", "340323"))
    for url in urls_of(refused_import)[3:]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("registry_import_list")).status_code == 200


def test_anonymous_users_are_sent_to_login(client, refused_import):
    response = client.get(reverse("registry_import_detail", args=[refused_import.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_county_staff_see_the_menu_item(client, world):
    client.force_login(world.county_staff)
    assert "登记数据导入" in client.get(reverse("home")).content.decode()
    client.force_login(world.inspector)
    assert "登记数据导入" not in client.get(reverse("home")).content.decode()


def test_a_good_workbook_is_validated_then_imported_on_confirmation(client, world, tmp_path,
                                                                    django_capture_on_commit_callbacks):
    client.force_login(world.county_staff)
    response = upload(client, write_workbook(tmp_path / "good.xlsx"), django_capture_on_commit_callbacks)
    record = RegistryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry_import_detail", args=[record.pk])
    assert (record.status, record.dry_run, record.county, record.created_by) == (
        ImportStatus.VALID, True, "230381", world.county_staff)
    page = client.get(response["Location"]).content.decode()
    assert "校验通过，尚未写入" in page and "确认导入（新增 2 户，更新 0 户）" in page
    assert not Household.objects.filter(number="H0001").exists()

    stored = record.file.path
    assert Path(stored).exists()  # kept while it awaits confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry_import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.dry_run) == (ImportStatus.IMPORTED, False)
    assert (record.confirmed_by, record.confirmed_at is not None) == (world.county_staff, True)
    assert not record.file and not Path(stored).exists()  # personal data: not kept once imported
    assert record.counts["家庭成员"]["created"] == 3
    assert Household.objects.filter(number__in=["H0001", "H0002"]).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "已导入" in page and reverse("household_list") in page


def test_a_wrong_workbook_shows_every_problem_and_a_report_for_its_county_staff(client, world, refused_import):
    client.force_login(world.county_staff)
    page = client.get(reverse("registry_import_detail", args=[refused_import.pk])).content.decode()
    assert f"发现 {len(WRONG)} 个问题，数据库未作任何修改" in page
    for *_, message in WRONG:
        assert message.replace('"', "&quot;") in page
    assert "确认导入" not in page
    response = client.get(reverse("registry_import_report", args=[refused_import.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = sheet_values(io.BytesIO(b"".join(response.streaming_content)))["问题清单"]
    assert {row[5] for row in rows[1:] if row[0] == "错误"} == {message for *_, message in WRONG}


def test_a_wrong_workbook_cannot_be_confirmed(client, world, refused_import):
    client.force_login(world.county_staff)
    response = client.post(reverse("registry_import_confirm", args=[refused_import.pk]), follow=True)
    assert msg.IMPORT_NOT_CONFIRMABLE.format(status="校验未通过") in response.content.decode()
    assert Household.objects.count() == 4


def test_confirming_twice_imports_once(world, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = registry_import_upload(user=world.county_staff, upload=upload_file(write_workbook(tmp_path / "a.xlsx")))
    with django_capture_on_commit_callbacks(execute=True):
        registry_import_confirm(record=record, user=world.county_staff)
    with pytest.raises(Exception, match="已导入"):
        registry_import_confirm(record=record, user=world.county_staff)


@pytest.mark.parametrize("name, content, message", [
    ("登记数据.xls", b"PK\x03\x04whatever", msg.NOT_XLSX_NAME),
    ("登记数据.xlsx", "户编号,村代码\n".encode(), msg.NOT_XLSX),
    ("登记数据.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, msg.OLD_OR_ENCRYPTED),
])
def test_what_is_not_an_xlsx_is_refused_on_the_form(client, world, name, content, message):
    client.force_login(world.county_staff)
    response = client.post(reverse("registry_import_new"), {"workbook": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and message in response.content.decode()
    assert RegistryImport.objects.count() == 0


def test_the_upload_size_is_limited_with_a_clear_message(client, world, settings, tmp_path):
    settings.REGISTRY_IMPORT_MAX_UPLOAD_BYTES = 2048
    path = write_workbook(tmp_path / "a.xlsx")
    client.force_login(world.county_staff)
    response = client.post(reverse("registry_import_new"), {"workbook": upload_file(path)})
    expected = msg.UPLOAD_TOO_LARGE.format(size=size_text(path.stat().st_size), limit="2.0 KB")
    assert expected in response.content.decode() and RegistryImport.objects.count() == 0


def test_the_status_fragment_keeps_polling_while_running_and_stops_with_286(client, world, refused_import):
    client.force_login(world.county_staff)
    url = reverse("registry_import_status", args=[refused_import.pk])
    RegistryImport.objects.filter(pk=refused_import.pk).update(status=ImportStatus.IMPORTING)
    running = client.get(url, headers={"HX-Request": "true"})
    assert running.status_code == 200 and 'hx-trigger="every 1s"' in running.content.decode()
    RegistryImport.objects.filter(pk=refused_import.pk).update(status=ImportStatus.IMPORTED)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done.status_code == 286 and "hx-trigger" not in done.content.decode()


def test_the_history_lists_who_when_which_file_and_the_outcome(client, world, refused_import):
    client.force_login(world.county_staff)
    page = client.get(reverse("registry_import_list")).content.decode()
    assert "wrong.xlsx" in page and "校验未通过" in page and str(len(WRONG)) in page
    assert f"{timezone.localtime(refused_import.created_at):%Y-%m-%d}" in page


def test_the_upload_page_says_what_the_workbook_must_hold(client, world):
    client.force_login(world.county_staff)
    page = client.get(reverse("registry_import_new")).content.decode()
    assert all(sheet in page for sheet in ("区划", "户信息", "家庭成员", "年度收入", "帮扶措施"))
    assert 'accept=".xlsx"' in page and "最大 100.0 MB" in page


def test_a_crash_during_the_import_is_recorded_and_leaves_nothing(world, tmp_path, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    from households.workbook import sheets as import_sheets

    with django_capture_on_commit_callbacks(execute=True):
        record = registry_import_upload(user=world.county_staff, upload=upload_file(write_workbook(tmp_path / "a.xlsx")))

    def broken(model, objects):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(import_sheets, "bulk_create", broken)
    with django_capture_on_commit_callbacks(execute=True):
        registry_import_confirm(record=record, user=world.county_staff)
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert record.message == msg.IMPORT_CRASHED.format(error="磁盘已满")
    assert Household.objects.count() == 4


def test_the_blank_template_has_the_five_sheets_and_their_headers(client, world):
    from households.workbook.template import SHEETS

    client.force_login(world.county_staff)
    response = client.get(reverse("registry_import_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    values = sheet_values(io.BytesIO(b"".join(response.streaming_content)))
    assert values == {spec.name: [tuple(spec.headers)] for spec in SHEETS}


def test_a_repeated_member_id_is_a_warning_on_the_pages_and_in_the_report_and_the_import_goes_ahead(
        client, world, tmp_path, django_capture_on_commit_callbacks):
    from tests.households.workbook.workbooks import sample_rows

    rows = sample_rows()
    rows["家庭成员"].append({**rows["家庭成员"][1], "status": "迁出"})  # 李小花 twice: left, and still here
    client.force_login(world.county_staff)
    upload(client, write_workbook(tmp_path / "repeated.xlsx", rows), django_capture_on_commit_callbacks)
    record = RegistryImport.objects.get()
    assert (record.status, record.error_count, record.warning_count) == (ImportStatus.VALID, 0, 1)
    warning = msg.REPEATED_MEMBER_ID.format(household="H0001", value=rows["家庭成员"][1]["id_number"], first=3)
    page = client.get(reverse("registry_import_detail", args=[record.pk])).content.decode()
    assert warning in page and "提示（1 条，不影响导入）" in page and "确认导入" in page
    assert "提示 1" in client.get(reverse("registry_import_list")).content.decode()
    report = client.get(reverse("registry_import_report", args=[record.pk]))
    rows_of_report = sheet_values(io.BytesIO(b"".join(report.streaming_content)))["问题清单"]
    assert ("提示", "家庭成员", 5, "证件号码") == rows_of_report[1][:4] and rows_of_report[1][5] == warning
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registry_import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.IMPORTED and record.counts["家庭成员"]["created"] == 4


def download_registry(client):
    response = client.post(reverse("registry_export_download"))
    assert response.status_code == 200, response.status_code
    return response, openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def test_county_staff_download_their_countys_registry_workbook_and_it_is_logged(client, world):
    from trail.models import AuditAction, AuditEvent

    client.force_login(world.county_staff)
    assert "下载本县登记数据" in client.get(reverse("registry_import_list")).content.decode()
    response, workbook = download_registry(client)
    assert "attachment" in response["Content-Disposition"] and "230381" in response["Content-Disposition"]
    assert workbook.sheetnames == ["区划", "户信息", "家庭成员", "年度收入", "帮扶措施"]
    numbers = {row[0] for row in workbook["户信息"].iter_rows(min_row=2, values_only=True)}
    assert numbers == {world.home.number, world.neighbour.number, world.other_township.number}
    members = list(workbook["家庭成员"].iter_rows(values_only=True))
    assert members[0][-1] == "成员编号" and len(members) == 1 + 3 + 2 + 2
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.detail["county"], event.detail["rows"]["户信息"]) == (world.county_staff, "230381", 3)


def test_county_staff_of_another_county_get_only_their_own(client, world):
    client.force_login(make_user("other-county", "county_staff", "340323"))
    _, workbook = download_registry(client)
    assert {row[0] for row in workbook["户信息"].iter_rows(min_row=2, values_only=True)} == {world.other_county.number}


@pytest.mark.parametrize("persona", ["clerk", "reviewer", "inspector", "no_role"])
def test_nobody_else_downloads_the_registry(client, world, persona):
    from trail.models import AuditEvent

    client.force_login(getattr(world, persona))
    assert client.post(reverse("registry_export_download")).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_registry_download_is_a_post_and_needs_a_login(client, world):
    assert client.post(reverse("registry_export_download")).status_code == 302
    client.force_login(world.county_staff)
    assert client.get(reverse("registry_export_download")).status_code == 405
