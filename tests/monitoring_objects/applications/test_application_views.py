"""The application pages: who opens what (403 for a role that may never, 404 outside scope), the
village record with errors next to fields and a photo, the steps with the status the user saw
(a second reviewer is told, not moved twice), the elimination criteria and the county's override."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from households.choices import MonitoringType, RiskStatus
from monitoring_objects.models import (
    Application, ApplicationKind, ApplicationStatus, EventAction, ProcedureEvent, ProcedureFile,
)
from tests.monitoring_objects.builders import make_application

pytestmark = pytest.mark.django_db

PERSONAS = ["clerk", "reviewer", "county_staff", "inspector", "no_role"]
PLACES = ["home", "neighbour", "other_township", "other_county"]
SEES = {
    "clerk": {"home"},
    "reviewer": {"home", "neighbour"},
    "county_staff": {"home", "neighbour", "other_township"},
    "inspector": {"home", "neighbour", "other_township"},
}
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _expected(persona, place, *, roles):
    if persona not in roles:
        return 403
    return 200 if place in SEES[persona] else 404


def _photo(name="核查.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def _monitored(household):
    household.monitoring_type = MonitoringType.MARGINAL
    household.risk_status = RiskStatus.UNRESOLVED
    household.included_on = timezone.localdate() - datetime.timedelta(days=400)
    household.save()
    return household


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("place", PLACES)
def test_it_shows_an_application_and_its_files_only_in_scope(client, world, persona, place):
    application = make_application(getattr(world, place))
    stored = ProcedureFile.from_upload(_photo(), "image/jpeg", user=world.clerk, application=application,
                                       kind="photo")
    stored.save()
    client.force_login(getattr(world, persona))
    expected = _expected(persona, place, roles=SEES)
    assert client.get(reverse("application_detail", args=[application.pk])).status_code == expected
    response = client.get(reverse("application_file", args=[application.pk, stored.pk]))
    assert response.status_code == expected


def test_a_file_is_served_under_a_name_with_the_extension_of_its_checked_type(client, world):
    from tests.households.test_uploads import served_filename

    application = make_application(world.home)
    stored = ProcedureFile.from_upload(_photo("授权书.html"), "image/jpeg", user=world.clerk,
                                       application=application, kind="photo")
    stored.save()
    client.force_login(world.reviewer)
    response = client.get(reverse("application_file", args=[application.pk, stored.pk]))
    assert served_filename(response) == "授权书.jpg" and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("place", PLACES)
def test_only_the_village_clerk_edits_the_record(client, world, persona, place):
    application = make_application(getattr(world, place))
    client.force_login(getattr(world, persona))
    response = client.get(reverse("application_edit", args=[application.pk]))
    expected = _expected(persona, place, roles={"clerk"})
    if persona == "county_staff":  # may complete a 绿色通道 appraisal: told, not refused
        expected = 302 if place in SEES[persona] else 404
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("place", PLACES)
def test_only_the_township_reviewer_moves_an_application_at_the_township(client, world, persona, place):
    application = make_application(getattr(world, place), status=ApplicationStatus.PENDING_TOWNSHIP)
    client.force_login(getattr(world, persona))
    response = client.post(reverse("application_move", args=[application.pk]),
                           {"action": "return", "reason": "公示日期有误", "expected_status": "pending_township"})
    expected = _expected(persona, place, roles={"reviewer", "county_staff"})
    if persona == "county_staff" and expected == 200:
        expected = 403  # county staff return only at the county
    assert response.status_code == (302 if expected == 200 else expected)
    application.refresh_from_db()
    assert (application.status == ApplicationStatus.RETURNED) == (expected == 200)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("place", PLACES)
def test_only_the_village_clerk_starts_an_elimination(client, world, persona, place):
    household = _monitored(getattr(world, place))
    client.force_login(getattr(world, persona))
    response = client.post(reverse("elimination_new", args=[household.number]))
    expected = _expected(persona, place, roles={"clerk"})
    assert response.status_code == (302 if expected == 200 else expected)
    assert Application.objects.filter(household=household).exists() == (expected == 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_county_staff_override(client, world, persona):
    application = make_application(world.home, kind=ApplicationKind.ELIMINATION)
    client.force_login(getattr(world, persona))
    response = client.post(reverse("application_override", args=[application.pk]), {"reason": "因灾特批"})
    assert response.status_code == (302 if persona == "county_staff" else 403)


def test_the_clerk_records_the_village_record_with_a_photo(client, world):
    application = make_application(world.home)
    client.force_login(world.clerk)
    today = timezone.localdate()
    response = client.post(reverse("application_edit", args=[application.pk]), {
        "verified_on": today.isoformat(), "verified_by_name": "李四", "findings": "户主住院",
        "monitoring_type": "marginal", "risk_types": ["illness", "other"], "risk_note": "子女失业",
        "photos": [_photo(), _photo("第二张.jpg")],
    })
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.verified_by_name == "李四" and application.risk_types == ["illness", "other"]
    assert application.files.filter(kind="photo").count() == 2
    page = client.get(reverse("application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="photos"' in page and "<img" in page


def test_the_record_form_puts_errors_next_to_fields(client, world):
    application = make_application(world.home)
    client.force_login(world.clerk)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(reverse("application_edit", args=[application.pk]), {
        "verified_on": tomorrow.isoformat(), "notice_start": "2025-03-10", "notice_end": "2025-03-01",
        "risk_types": ["other"], "photos": [SimpleUploadedFile("a.txt", b"hello", content_type="image/jpeg")],
    })
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert errors["verified_on"] == ["入户核查日期不能晚于今天。"]
    assert errors["notice_end"] == ["公示结束日期不能早于开始日期。"]
    assert errors["risk_note"] == ["选择“其他”风险类型时请说明。"]
    assert "不是照片" in errors["photos"][0]
    assert not application.files.exists()


def test_a_draft_lists_what_keeps_it_from_being_submitted(client, world):
    application = make_application(world.home)
    client.force_login(world.clerk)
    response = client.get(reverse("application_detail", args=[application.pk]))
    labels = [label for label, _message in response.context["submission_errors"]]
    assert "入户核查日期" in labels and "民主评议日期" in labels
    response = client.post(reverse("application_move", args=[application.pk]),
                           {"action": "submit", "expected_status": "draft"}, follow=True)
    assert "申请尚不能提交" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_return_without_a_reason_is_refused_next_to_the_field(client, world):
    application = make_application(world.home, status=ApplicationStatus.PENDING_TOWNSHIP)
    client.force_login(world.reviewer)
    response = client.post(reverse("application_move", args=[application.pk]),
                           {"action": "return", "expected_status": "pending_township", "reason": " "})
    assert response.status_code == 400
    assert response.context["return_form"].errors["reason"] == ["请填写退回原因。"]


def test_a_second_reviewer_is_told_the_application_was_already_handled(client, world):
    application = make_application(world.home, status=ApplicationStatus.PENDING_TOWNSHIP)
    client.force_login(world.reviewer)
    url = reverse("application_move", args=[application.pk])
    seen = {"action": "approve", "expected_status": "pending_township"}
    client.post(url, seen)
    response = client.post(url, seen, follow=True)
    assert "已被他人处理" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING_COUNTY
    assert ProcedureEvent.objects.filter(application=application,
                                         action=EventAction.TOWNSHIP_APPROVED).count() == 1


def test_the_page_offers_each_role_its_own_steps(client, world):
    application = make_application(world.home, status=ApplicationStatus.PENDING_TOWNSHIP)
    for persona, actions in [("clerk", []), ("reviewer", ["approve", "return"]), ("county_staff", []),
                             ("inspector", [])]:
        client.force_login(getattr(world, persona))
        assert client.get(reverse("application_detail", args=[application.pk])).context["actions"] == actions


def test_an_elimination_shows_its_criteria_and_the_county_overrides_failing_ones(client, world):
    household = _monitored(world.home)
    client.force_login(world.clerk)
    response = client.post(reverse("elimination_new", args=[household.number]))
    application = Application.objects.get(household=household)
    assert response.url == reverse("application_detail", args=[application.pk])
    page = client.get(response.url)
    criteria = page.context["criteria"]
    assert len(criteria) == 9 and page.context["failing"]  # no income recorded, no measure
    assert "未通过" in page.content.decode()
    assert not page.context["can_override"]
    client.force_login(world.county_staff)
    assert client.get(response.url).context["can_override"]
    refused = client.post(reverse("application_override", args=[application.pk]), {"reason": ""})
    assert refused.status_code == 400 and refused.context["override_form"].errors["reason"]
    client.post(reverse("application_override", args=[application.pk]), {"reason": "因灾收入下降，县里研究同意"})
    client.force_login(world.clerk)
    page = client.get(reverse("application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="override-reason"' in page and "县里研究同意" in page


def test_an_elimination_of_a_household_not_at_risk_is_told(client, world):
    client.force_login(world.clerk)
    response = client.post(reverse("elimination_new", args=[world.home.number]), follow=True)
    assert "不是风险未消除的监测对象" in response.content.decode()
    assert not Application.objects.exists()


def test_the_detail_page_takes_bounded_queries(client, world, django_assert_max_num_queries):
    application = make_application(world.home)
    for _ in range(3):
        ProcedureEvent.objects.create(village_id=world.home.village_id, household=world.home,
                                      application=application, action=EventAction.SUBMITTED)
    client.force_login(world.clerk)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("application_detail", args=[application.pk]))
    for _ in range(30):
        ProcedureEvent.objects.create(village_id=world.home.village_id, household=world.home,
                                      application=application, action=EventAction.RETURNED, reason="x")
        ProcedureFile.from_upload(_photo(), "image/jpeg", user=world.clerk, application=application,
                                  kind="photo").save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("application_detail", args=[application.pk]))
