"""/accounts/audit-log/: county staff read, filter and export their county's audit trail."""

import datetime
import io

import pgtrigger
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.context_processors import menu_entries
from accounts.roles import Role
from tests.builders import make_user
from trail.models import AuditAction, AuditEvent
from trail.services import audit_record

pytestmark = pytest.mark.django_db

LOG = reverse("audit_log")
EXPORT = reverse("audit_log_export")


def at(event: AuditEvent, when: datetime.datetime) -> AuditEvent:
    """Back-date an event (auto_now_add stamps it now): only a test steps past the UPDATE guard."""
    with pgtrigger.ignore("trail.AuditEvent:protect_update"):
        AuditEvent.objects.filter(pk=event.pk).update(at=when)
    return event


def shanghai(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def test_it_opens_for_county_staff_only_and_is_in_their_menu(client, world):
    for user in (world.clerk, world.reviewer, world.inspector, world.no_role):
        client.force_login(user)
        assert client.get(LOG).status_code == 403
        assert client.post(EXPORT).status_code == 403
        assert "audit_log" not in [name for name, *_rest in menu_entries(user)]
    client.logout()
    assert client.get(LOG).status_code == 302
    client.force_login(world.county_staff)
    assert client.get(LOG).status_code == 200
    assert "audit_log" in [name for name, *_rest in menu_entries(world.county_staff)]


def test_it_lists_only_the_events_of_the_staffs_county(client, world):
    stranger = make_user("stranger", Role.COUNTY_STAFF, world.other_county.village_id[:6])
    audit_record(action=AuditAction.REVEAL, actor=world.clerk, subject="本县查看",
                 household_number=world.home.number)
    audit_record(action=AuditAction.REVEAL, actor=stranger, subject="外县查看",
                 household_number=world.other_county.number)
    audit_record(action=AuditAction.SELF_REPORT, subject="外县自主申报", household_number=world.other_county.number)
    audit_record(action=AuditAction.LOGIN_FAILED, username="nobody-known")
    client.force_login(world.county_staff)
    page = client.get(LOG).content.decode()
    assert "本县查看" in page
    assert "外县" not in page and "nobody-known" not in page


def test_it_filters_by_shanghai_dates_user_event_object_success_and_address(client, world, rf):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = world.clerk
    early = at(audit_record(action=AuditAction.LOGIN, request=request), shanghai(2025, 3, 1, 0, 30))
    late = at(audit_record(action=AuditAction.REVEAL, actor=world.reviewer, household_number=world.home.number,
                           subject="户主证件号码"), shanghai(2025, 3, 2, 23, 50))
    failed = at(audit_record(action=AuditAction.LOGIN_FAILED, username="clerk"), shanghai(2025, 3, 2, 8, 0))
    client.force_login(world.county_staff)

    def shown(**query):
        response = client.get(LOG, query)
        assert response.status_code == 200
        return {event.pk for event in response.context["page"].object_list} & mine

    mine = {early.pk, late.pk, failed.pk}  # signing in records the county staff's own login too
    # 00:30 on 1 March in Shanghai is 16:30 UTC on 28 February: it is a 1 March event.
    assert shown(date_from="2025-03-01", date_to="2025-03-01") == {early.pk}
    assert shown(date_from="2025-03-02", date_to="2025-03-02") == {late.pk, failed.pk}
    assert shown(username="review") == {late.pk}
    assert shown(action="login") == {early.pk}
    assert shown(subject=world.home.number) == {late.pk}
    assert shown(subject="证件") == {late.pk}
    assert shown(success="no") == {failed.pk}
    assert shown(address="10.1.2.3") == {early.pk}
    assert shown(address="10.1.") == {early.pk}


def test_bad_filters_are_refused_in_chinese_and_show_no_rows(client, world):
    audit_record(action=AuditAction.LOGIN, actor=world.clerk)
    client.force_login(world.county_staff)
    for query in ({"date_from": "2025-13-40"}, {"date_from": "2025-03-02", "date_to": "2025-03-01"},
                  {"action": "drop"}, {"address": "1.2.3.4'--"}, {"success": "maybe"}):
        response = client.get(LOG, query)
        assert response.status_code == 200
        assert not response.context["page"].object_list
        assert "audit-log-invalid" in response.content.decode()


def test_the_log_is_paged(client, world, settings):
    settings.PAGE_SIZE = 2
    for _ in range(5):
        audit_record(action=AuditAction.LOGIN, actor=world.clerk)
    client.force_login(world.county_staff)
    response = client.get(LOG, {"username": "clerk", "page": 3})
    assert response.context["page"].paginator.num_pages == 3
    assert len(response.context["page"].object_list) == 1


def read_export(response) -> list[list]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["审计日志"]
    return [[cell for cell in row] for row in sheet.iter_rows(min_row=2)]


def test_it_exports_the_filtered_log_with_formulas_neutralised_and_records_the_export(client, world):
    audit_record(action=AuditAction.LOGIN_FAILED, username="clerk", subject="=1+1")
    audit_record(action=AuditAction.LOGIN, actor=world.clerk)
    client.force_login(world.county_staff)
    rows = read_export(client.post(EXPORT, {"action": "login_failed"}))
    assert len(rows) == 1
    username, action, success, subject = rows[0][1:5]
    assert (username.value, action.value, success.value) == ("clerk", "登录失败", "失败")
    # Excel's quote prefix: a string that editing cannot turn into a formula, read back exactly.
    assert subject.value == "=1+1" and subject.data_type == "s" and subject.quotePrefix
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert export.actor == world.county_staff and export.county == world.county_staff.area_id
    assert export.detail["kind"] == "audit_log"
    assert export.detail["filters"] == {"action": "login_failed"} and export.detail["rows"] == 1


def test_an_export_beyond_the_limit_is_refused_with_a_chinese_message(client, world, settings):
    settings.AUDIT_LOG_EXPORT_MAX_ROWS = 2
    for _ in range(3):
        audit_record(action=AuditAction.LOGIN, actor=world.clerk)
    client.force_login(world.county_staff)
    response = client.post(EXPORT, follow=True)
    assert "请缩小时间范围" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
