"""The 监测对象 workbook: both sheets, masked, formulas neutralised, Beijing time, logged."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.id_numbers import mask, mask_phone
from households.models import Member
from monitoring_objects.models import EventAction
from monitoring_objects.workbook import EVENTS_SHEET, OBJECTS_SHEET
from tests.conftest import BEIJING
from tests.monitoring_objects.objects_builders import event, late_application, monitored
from trail.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def download(client, user, data=None):
    client.force_login(user)
    response = client.post(reverse("monitoring_export"), data or {})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def sheet(workbook, name) -> list[dict]:
    values = list(workbook[name].iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def head(household) -> Member:
    return household.members.order_by("pk").first()


def test_the_objects_sheet_masks_ids_and_phones(client, world):
    monitored(world.home)
    late_application(world.home)
    monitored(world.other_county)
    rows = sheet(download(client, world.county_staff), OBJECTS_SHEET)
    assert [row["户编号"] for row in rows] == [world.home.number]
    row = rows[0]
    assert row["户主证件号码"] == mask(head(world.home).id_number) != head(world.home).id_number
    assert row["联系电话"] == mask_phone(world.home.phone) == "138****8000"
    assert row["户主"] == head(world.home).name
    assert row["监测对象类别"] == "边缘易致贫户" and row["风险状态"] == "风险未消除"
    assert row["需落实帮扶措施"] == "是" and row["超期步骤"] == "申请超期" and row["监测月数"] == 3


def test_every_text_cell_is_neutralised(client, world):
    member = head(world.home)
    member.name = "=HYPERLINK(\"http://x\")"
    member.save()
    monitored(world.home)
    event(world.home, reason="+1+cmd|' /C calc'!A0", user=world.clerk)
    workbook = download(client, world.county_staff)
    assert sheet(workbook, OBJECTS_SHEET)[0]["户主"] == "=HYPERLINK(\"http://x\")"
    assert sheet(workbook, EVENTS_SHEET)[0]["理由"] == "+1+cmd|' /C calc'!A0"
    assert workbook[OBJECTS_SHEET]["B2"].quotePrefix and workbook[EVENTS_SHEET]["G2"].quotePrefix
    for name in (OBJECTS_SHEET, EVENTS_SHEET):
        for row in workbook[name].iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_the_events_sheet_holds_every_step_in_beijing_time(client, world):
    monitored(world.home)
    at = datetime.datetime(2025, 3, 2, 23, 30, tzinfo=datetime.UTC)  # 07:30 on the 3rd in Beijing
    event(world.home, action=EventAction.ROLLED_BACK, user=world.county_staff, at=at, reason="收入核实有误",
          from_status="eliminated", to_status="unresolved")
    event(world.other_county, user=None, reason="外县")
    rows = sheet(download(client, world.county_staff), EVENTS_SHEET)
    assert rows == [{
        "户编号": world.home.number, "时间": at.astimezone(BEIJING).replace(tzinfo=None), "步骤": "风险消除回退",
        "原状态": "风险已消除", "新状态": "风险未消除", "操作人": world.county_staff.username, "理由": "收入核实有误",
    }]


def test_the_export_follows_the_filters_and_is_logged(client, world):
    monitored(world.home)
    monitored(world.neighbour, risk_status="eliminated")
    rows = sheet(download(client, world.reviewer, {"risk_status": "eliminated"}), OBJECTS_SHEET)
    assert [row["户编号"] for row in rows] == [world.neighbour.number]
    logged = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert logged.actor == world.reviewer
    assert logged.detail["kind"] == "monitoring_objects" and logged.detail["objects"] == 1
    assert logged.detail["filters"]["risk_status"] == "eliminated"


def test_clerks_and_inspectors_may_not_export(client, world):
    for user in (world.clerk, world.inspector, world.no_role):
        client.force_login(user)
        assert client.post(reverse("monitoring_export")).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_export_is_a_post(client, world):
    client.force_login(world.county_staff)
    assert client.get(reverse("monitoring_export")).status_code == 405


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_a_name_or_reason_a_spreadsheet_would_run_is_kept_exactly_and_quote_prefixed(client, world, text):
    member = head(world.home)
    member.name = text
    member.save()
    monitored(world.home)
    event(world.home, reason=text, user=world.clerk)
    workbook = download(client, world.county_staff)
    name, reason = workbook[OBJECTS_SHEET]["B2"], workbook[EVENTS_SHEET]["G2"]
    assert (workbook[OBJECTS_SHEET]["B1"].value, workbook[EVENTS_SHEET]["G1"].value) == ("户主", "理由")
    for cell in (name, reason):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
