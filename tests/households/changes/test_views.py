"""Change requests, the screens: forms, queues, review; 404 outside scope on every view."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from households.changes import services
from households.changes.models import ChangeRequest, ChangeStatus
from households.models import Household
from tests.builders import PASSWORD, make_user
from tests.conftest import OTHER_COUNTY_VILLAGE, VILLAGE_A2, VILLAGE_B1

FORM = {
    "natural_village": "", "address": "", "phone": "13912345678", "longitude": "", "latitude": "",
    "housing_safe": "false", "water_safe": "true", "helper_name": "", "helper_phone": "",
    "helper_employer": "", "note": "入户核实",
}


@pytest.fixture
def outsiders(world):
    """Users with a role whose area does not hold the home household."""
    return {
        "clerk_of_a2": make_user("clerk-a2", Role.VILLAGE_CLERK, VILLAGE_A2),
        "reviewer_of_b": make_user("reviewer-b", Role.TOWNSHIP_REVIEWER, VILLAGE_B1[:9]),
        "county_elsewhere": make_user("county-x", Role.COUNTY_STAFF, OTHER_COUNTY_VILLAGE[:6]),
    }


@pytest.fixture
def pending(world) -> ChangeRequest:
    return services.change_request_submit(
        user=world.clerk, household=world.home, data={"phone": "13912345678"}, note="电话已更换")


def as_user(client, user):
    client.force_login(user)
    return client


def test_the_household_page_offers_a_change_to_writers_only(client, world):
    url = reverse("household_detail", args=[world.home.number])
    new = reverse("household_change_new", args=[world.home.number])
    for user in (world.clerk, world.reviewer, world.county_staff):
        assert new in as_user(client, user).get(url).content.decode()
    assert new not in as_user(client, world.inspector).get(url).content.decode()


def test_a_clerk_proposes_a_change_and_sees_it_pending(client, world):
    as_user(client, world.clerk)
    response = client.post(reverse("household_change_new", args=[world.home.number]), FORM, follow=True)
    change = ChangeRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("change_detail", args=[change.pk])
    page = response.content.decode()
    assert "已提交乡镇审核" in page and "待乡镇审核" in page and "139****5678" in page
    assert Household.objects.get(pk=world.home.pk).phone == "13800138000"
    household_page = client.get(reverse("household_detail", args=[world.home.number])).content.decode()
    assert f"#{change.pk}" in household_page and "待审核的变更申请" in household_page


def test_errors_stand_next_to_their_field(client, world):
    as_user(client, world.clerk)
    response = client.post(reverse("household_change_new", args=[world.home.number]),
                           FORM | {"phone": "电话", "longitude": "200", "latitude": "45"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "phone": ["请填写数字电话号码（可含“-”），例如 13812345678 或 0467-5812345。"],
        "longitude": ["经度应在 −180 到 180 之间。"],
    }
    assert "error_1_id_phone" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_an_unchanged_form_says_nothing_changed(client, world):
    as_user(client, world.clerk)
    response = client.post(reverse("household_change_new", args=[world.home.number]),
                           FORM | {"phone": "13800138000", "housing_safe": "true"})
    assert services.NOTHING_CHANGED in response.content.decode()


def test_a_county_edit_applies_at_once(client, world):
    as_user(client, world.county_staff)
    response = client.post(reverse("household_change_new", args=[world.home.number]), FORM, follow=True)
    assert "已修改该户信息" in response.content.decode()
    assert Household.objects.get(pk=world.home.pk).phone == "13912345678"
    assert "变更申请 #" in response.content.decode()  # the history timeline names the request


def test_the_township_queue_is_oldest_first_counted_and_marks_overdue(client, world, pending):
    older = services.change_request_submit(
        user=world.clerk, household=world.home, data={"address": "金湾村 3 组"}, note="")
    ChangeRequest.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=4))
    response = as_user(client, world.reviewer).get(reverse("change_list"))
    assert [c.pk for c in response.context["queue_page"]] == [older.pk, pending.pk]
    assert response.context["overdue_count"] == 1
    assert "审核超时" in response.content.decode()
    county = as_user(client, world.county_staff).get(reverse("change_list"))
    assert list(county.context["queue_page"]) == []


def test_a_clerk_sees_returned_requests_first_with_the_reason(client, world, pending):
    returned = services.change_request_submit(
        user=world.clerk, household=world.home, data={"address": "金湾村 3 组"}, note="")
    services.change_request_return(change=returned, reviewer=world.reviewer, reason="地址请写到门牌号")
    response = as_user(client, world.clerk).get(reverse("change_list"))
    assert [c.pk for c in response.context["mine"]] == [returned.pk, pending.pk]
    page = response.content.decode()
    assert "地址请写到门牌号" in page and reverse("change_resubmit", args=[returned.pk]) in page


def test_the_review_page_shows_old_and_new_and_loads_the_ticket_preview(client, world, pending):
    response = as_user(client, world.reviewer).get(reverse("change_detail", args=[pending.pk]))
    page = response.content.decode()
    assert "138****8000" in page and "139****5678" in page
    # the rules side's panel, loaded by htmx (tests/rules/test_change_preview.py)
    assert 'data-testid="ticket-preview"' in page and 'hx-trigger="load"' in page
    assert "通过" in page and "退回村级" in page
    clerk_page = as_user(client, world.clerk).get(reverse("change_detail", args=[pending.pk])).content.decode()
    assert "退回村级" not in clerk_page


def test_approve_and_return_through_the_screens(client, world, pending):
    as_user(client, world.reviewer)
    response = client.post(reverse("change_return", args=[pending.pk]), {"reason": ""})
    assert response.status_code == 400 and "请填写退回原因" in response.content.decode()
    client.post(reverse("change_return", args=[pending.pk]), {"reason": "号码有误"})
    pending.refresh_from_db()
    assert pending.status == ChangeStatus.RETURNED

    as_user(client, world.clerk)
    client.post(reverse("change_resubmit", args=[pending.pk]), FORM | {"phone": "13912340000"})
    pending.refresh_from_db()
    assert pending.status == ChangeStatus.PENDING_TOWNSHIP

    as_user(client, world.reviewer)
    response = client.post(reverse("change_approve", args=[pending.pk]), follow=True)
    assert "户信息已更新" in response.content.decode()
    assert Household.objects.get(pk=world.home.pk).phone == "13912340000"


def test_a_conflict_is_shown_on_the_review_page(client, world, pending):
    Household.objects.filter(pk=world.home.pk).update(phone="13700000000")
    as_user(client, world.reviewer)
    response = client.post(reverse("change_approve", args=[pending.pk]), follow=True)
    page = response.content.decode()
    assert "不能直接通过" in page and "已被修改" in page and "137****0000" in page
    assert Household.objects.get(pk=world.home.pk).phone == "13700000000"


# --- scope: every view, every persona ----------------------------------------------

def status(client, user, method, url, data=None):
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


def test_the_proposal_form_is_404_outside_scope_and_for_inspectors(client, world, outsiders):
    def url(household):
        return reverse("household_change_new", args=[household.number])

    for user in (world.clerk, world.reviewer, world.county_staff):
        assert status(client, user, "get", url(world.home)) == 200
    for user in (world.inspector, world.no_role, *outsiders.values()):
        assert status(client, user, "get", url(world.home)) == 404
        assert status(client, user, "post", url(world.home), FORM) == 404
    assert status(client, world.clerk, "get", url(world.neighbour)) == 404
    assert status(client, world.reviewer, "get", url(world.other_township)) == 404
    assert status(client, world.county_staff, "get", url(world.other_county)) == 404
    assert not ChangeRequest.objects.exists()


def test_the_list_is_404_without_a_role(client, world):
    for user in (world.clerk, world.reviewer, world.county_staff, world.inspector):
        assert status(client, user, "get", reverse("change_list")) == 200
    assert status(client, world.no_role, "get", reverse("change_list")) == 404
    client.logout()
    assert client.get(reverse("change_list")).status_code == 302


def test_a_request_is_404_outside_scope(client, world, outsiders, pending):
    url = reverse("change_detail", args=[pending.pk])
    for user in (world.clerk, world.reviewer, world.county_staff, world.inspector):
        assert status(client, user, "get", url) == 200
    for user in (world.no_role, *outsiders.values()):
        assert status(client, user, "get", url) == 404


@pytest.mark.parametrize("action", ["change_approve", "change_return"])
def test_review_actions_are_404_for_clerks_inspectors_and_outsiders(client, world, outsiders, pending, action):
    url = reverse(action, args=[pending.pk])
    for user in (world.clerk, world.inspector, world.no_role, *outsiders.values()):
        assert status(client, user, "post", url, {"reason": "x"}) == 404
    assert status(client, world.reviewer, "get", url) == 405
    # County staff are in scope but this request waits for the township: refused, not applied.
    assert status(client, world.county_staff, "post", url, {"reason": "x"}) == 302
    pending.refresh_from_db()
    assert pending.status == ChangeStatus.PENDING_TOWNSHIP
    assert Household.objects.get(pk=world.home.pk).phone == "13800138000"


def test_only_the_requester_may_revise(client, world, outsiders, pending):
    services.change_request_return(change=pending, reviewer=world.reviewer, reason="再核实")
    url = reverse("change_resubmit", args=[pending.pk])
    assert status(client, world.clerk, "get", url) == 200
    for user in (world.reviewer, world.county_staff, world.inspector, world.no_role, *outsiders.values()):
        assert status(client, user, "get", url) == 404
        assert status(client, user, "post", url, FORM) == 404
    pending.refresh_from_db()
    assert pending.status == ChangeStatus.RETURNED


def test_the_menu_shows_change_requests_to_every_role_the_inspector_included(client, world):
    """The inspector reads every level's queue (read only, spec: look at everything in scope),
    so the menu offers it, as the page opens for them."""
    for user, shown in [(world.clerk, True), (world.reviewer, True), (world.county_staff, True),
                        (world.inspector, True), (world.no_role, False)]:
        page = as_user(client, user).get(reverse("home")).content.decode()
        assert ("变更申请" in page) is shown


def test_the_home_page_lists_returned_requests_and_the_queue_with_overdue(client, world, pending):
    ChangeRequest.objects.filter(pk=pending.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=4))
    page = as_user(client, world.reviewer).get(reverse("home")).content.decode()
    assert "待我审核的变更申请（1）" in page and "超时 1" in page
    services.change_request_return(change=pending, reviewer=world.reviewer, reason="再核实")
    page = as_user(client, world.clerk).get(reverse("home")).content.decode()
    assert "被退回的变更申请（1）" in page
    assert f'href="{reverse("change_list")}?tab=returned"' in page


# --- the monitoring fields: decided by the monitoring procedure, not by a change request -------

def monitored_home(world):
    from households.choices import EliminationMethod, IdentificationSource, MonitoringType, RiskStatus, RiskType

    Household.objects.filter(pk=world.home.pk).update(
        monitoring_type=MonitoringType.MARGINAL, risk_status=RiskStatus.ELIMINATED,
        included_on=datetime.date(2023, 4, 1), eliminated_on=datetime.date(2024, 2, 1),
        risk_types=[RiskType.ILLNESS], identification_source=IdentificationSource.SELF_REPORT,
        elimination_method=EliminationMethod.ASSISTED)
    return Household.objects.get(pk=world.home.pk)


def monitoring_values(household):
    from households.changes.fields import MONITORING_FIELDS

    return {name: getattr(household, name) for name in MONITORING_FIELDS}


def test_the_household_form_shows_the_monitoring_fields_read_only(client, world):
    from households.changes.fields import MONITORING_FIELDS

    monitored_home(world)
    as_user(client, world.clerk)
    page = client.get(reverse("household_change_new", args=[world.home.number])).content.decode()
    card = page[page.index('data-testid="monitoring-readonly"'):].split("</dl>")[0]
    for shown in ("边缘易致贫户", "风险已消除", "2023-04-01", "2024-02-01", "因病", "农户自主申报", "帮扶消除"):
        assert shown in card, shown
    assert "由监测对象识别纳入/风险消除程序决定" in page
    assert not any(f'name="{name}"' in page for name in MONITORING_FIELDS)


def test_a_posted_monitoring_field_changes_nothing(client, world):
    before = monitoring_values(monitored_home(world))
    tampered = FORM | {"monitoring_type": "", "risk_status": "unresolved", "eliminated_on": "",
                       "identification_source": "system_warning", "elimination_method": "natural"}
    as_user(client, world.county_staff)   # a county edit applies at once
    response = client.post(reverse("household_change_new", args=[world.home.number]), tampered, follow=True)
    assert "已修改该户信息" in response.content.decode()
    household = Household.objects.get(pk=world.home.pk)
    assert household.phone == "13912345678" and monitoring_values(household) == before
    change = ChangeRequest.objects.get()
    assert set(change.changes) == {"phone", "housing_safe"}


def test_no_kind_of_change_request_carries_a_monitoring_field():
    from households.changes.fields import MONITORING_FIELDS
    from households.changes.kinds import KINDS

    assert all(not set(kind.fields) & set(MONITORING_FIELDS) for kind in KINDS.values())
