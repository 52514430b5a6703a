"""The household page's 监测帮扶 panel: registered by monitoring_objects, shown by households."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.choices import MeasureState, RiskStatus
from households import panels
from households.panels import household_panels
from monitoring_objects.models import ApplicationStatus, EventAction
from monitoring_objects.panels import household_panel
from tests.monitoring_objects.objects_builders import event, late_application, measure, monitored

pytestmark = pytest.mark.django_db


def page(client, user, household) -> str:
    client.force_login(user)
    response = client.get(reverse("household_detail", args=[household.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_monitoring_objects_registers_its_panel_with_the_registry(rf, world):
    request = rf.get("/")
    request.user = world.clerk
    assert household_panel in panels._PANELS
    assert 'data-testid="monitoring-panel"' in household_panels(request, world.home)[0]


def test_the_panel_shows_the_monitoring_object_and_asks_for_a_measure(client, world):
    monitored(world.home, risk_note="")
    html = page(client, world.clerk, world.home)
    assert 'data-testid="monitoring-panel"' in html
    assert "边缘易致贫户" in html and "基层干部排查" in html
    assert 'data-testid="needs-measure"' in html and "纳入已 3 个月" in html
    assert 'data-testid="measure-form"' in html


def test_a_recorded_measure_ends_the_alert_and_shows_in_the_plan(client, world):
    monitored(world.home)
    measure(world.home, state=MeasureState.PLANNED, recorded_by=world.clerk, recorded_at=timezone.now())
    html = page(client, world.clerk, world.home)
    assert 'data-testid="needs-measure"' not in html
    assert "发展养殖" in html and "标记落实" in html and world.clerk.display_name in html


def test_the_clerk_is_offered_an_elimination_the_county_a_rollback(client, world):
    monitored(world.home)
    assert "申请风险消除" in page(client, world.clerk, world.home)
    assert "风险消除回退" not in page(client, world.county_staff, world.home)
    monitored(world.home, risk_status=RiskStatus.ELIMINATED, eliminated_on=timezone.localdate())
    html = page(client, world.county_staff, world.home)
    assert "风险消除回退" in html and "风险再标注" in html
    assert "申请风险消除" not in page(client, world.clerk, world.home)
    html = page(client, world.inspector, world.home)
    assert "风险消除回退" not in html and "登记帮扶措施" not in html.replace("没有登记帮扶措施", "")


def test_the_county_is_offered_the_green_channel_for_a_household_not_at_risk(client, world):
    assert "绿色通道纳入" in page(client, world.county_staff, world.home)
    assert "绿色通道纳入" not in page(client, world.clerk, world.home)
    monitored(world.home)
    assert "绿色通道纳入" not in page(client, world.county_staff, world.home)
    monitored(world.home, risk_status=RiskStatus.ELIMINATED, eliminated_on=timezone.localdate())
    html = page(client, world.county_staff, world.home)
    assert "绿色通道纳入" not in html and "风险再标注" in html


def test_an_override_is_shown_prominently(client, world):
    monitored(world.home, risk_status=RiskStatus.ELIMINATED, eliminated_on=timezone.localdate())
    late_application(world.home, status=ApplicationStatus.APPROVED, override_reason="已纳入低保，兜底保障", override_by=world.county_staff)
    html = page(client, world.reviewer, world.home)
    assert 'data-testid="override"' in html and "已纳入低保，兜底保障" in html


def test_an_open_application_is_linked(client, world):
    monitored(world.home)
    late_application(world.home)
    html = page(client, world.clerk, world.home)
    assert 'data-testid="open-application"' in html and "风险消除申请（村级办理中）" in html
    assert "申请风险消除</button>" not in html


def test_the_timeline_shows_who_when_and_why(client, world):
    monitored(world.home)
    event(world.home, action=EventAction.ROLLED_BACK, user=world.county_staff, reason="收入核实有误",
          from_status=RiskStatus.ELIMINATED, to_status=RiskStatus.UNRESOLVED)
    html = page(client, world.clerk, world.home)
    assert "风险消除回退" in html and "收入核实有误" in html and "风险已消除 → 风险未消除" in html
    assert world.county_staff.display_name in html


def test_the_page_reads_the_same_number_of_queries_for_1_and_40_steps(client, world):
    monitored(world.home)
    event(world.home, user=world.clerk)
    page(client, world.clerk, world.home)
    with CaptureQueriesContext(connection) as one:
        page(client, world.clerk, world.home)
    for index in range(39):
        event(world.home, user=world.reviewer if index % 2 else world.county_staff, reason=f"第{index}步")
    with CaptureQueriesContext(connection) as forty:
        html = page(client, world.clerk, world.home)
    assert html.count("第") >= 39
    assert len(forty) == len(one)
