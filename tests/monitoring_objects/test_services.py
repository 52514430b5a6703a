"""The procedure, step by step, as domain.md step 5 and the issue describe it."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from households.choices import HouseholdType, IdentificationSource, MonitoringType, RiskStatus, RiskType
from monitoring_objects import services
from monitoring_objects.models import (
    Application, ApplicationKind, ApplicationStatus, Clue, ClueStatus, EventAction, ProcedureEvent,
)
from monitoring_objects.transitions import StepRefused

pytestmark = pytest.mark.django_db

# A Monday in Beijing, in term time; clue deadlines counted from here.
MONDAY = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def _included(world, household=None):
    """A household taken through the whole inclusion chain; returns the approved application."""
    household = household or world.home
    clue = services.clue_record(village=household.village, household=household, user=world.clerk,
                                channel=IdentificationSource.CADRE_SCREENING, description="家中主要劳力重病")
    application = services.inclusion_start(clue=clue, user=world.clerk)
    _fill(application, world)
    services.application_submit(application=application, user=world.clerk)
    services.application_approve(application=application, user=world.reviewer)
    return services.application_approve(application=application, user=world.county_staff)


def _fill(application, world):
    today = timezone.localdate()
    services.application_record(
        application=application, user=world.clerk,
        verified_on=today - datetime.timedelta(days=20), verified_by_name="李四", findings="入户核实，户主住院",
        authorised_on=today - datetime.timedelta(days=20),
        appraised_on=today - datetime.timedelta(days=18), appraisal_attendance=23, appraisal_result="同意纳入",
        notice_start=today - datetime.timedelta(days=16), notice_end=today - datetime.timedelta(days=2),
        monitoring_type=MonitoringType.MARGINAL, risk_types=[RiskType.ILLNESS],
        authorisation=(_upload(), "application/pdf"),
    )


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile("授权书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def test_it_includes_a_household_through_village_township_and_county(world):
    application = _included(world)
    world.home.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert world.home.monitoring_type == MonitoringType.MARGINAL
    assert world.home.risk_status == RiskStatus.UNRESOLVED
    assert world.home.included_on == timezone.localdate()
    assert world.home.identification_source == IdentificationSource.CADRE_SCREENING
    actions = list(ProcedureEvent.objects.filter(household=world.home).values_list("action", flat=True))
    assert actions == [EventAction.CLUE_CREATED, EventAction.APPLICATION_STARTED, EventAction.SUBMITTED,
                       EventAction.TOWNSHIP_APPROVED, EventAction.COUNTY_APPROVED]


def test_it_refuses_a_second_approval_of_the_same_step(world):
    clue = services.clue_record(village=world.home.village, household=world.home, user=world.clerk,
                                channel=IdentificationSource.CADRE_SCREENING, description="困难")
    application = services.inclusion_start(clue=clue, user=world.clerk)
    _fill(application, world)
    services.application_submit(application=application, user=world.clerk)
    services.application_approve(application=application, user=world.reviewer,
                                 expected_status=ApplicationStatus.PENDING_TOWNSHIP)
    with pytest.raises(StepRefused):
        services.application_approve(application=application, user=world.reviewer,
                                     expected_status=ApplicationStatus.PENDING_TOWNSHIP)


def test_it_refuses_each_step_to_the_wrong_role(world):
    clue = services.clue_record(village=world.home.village, household=world.home, user=world.clerk,
                                channel=IdentificationSource.CADRE_SCREENING, description="困难")
    with pytest.raises(PermissionError):
        services.inclusion_start(clue=clue, user=world.reviewer)
    application = services.inclusion_start(clue=clue, user=world.clerk)
    _fill(application, world)
    with pytest.raises(PermissionError):
        services.application_submit(application=application, user=world.county_staff)
    services.application_submit(application=application, user=world.clerk)
    with pytest.raises(PermissionError):
        services.application_approve(application=application, user=world.county_staff)
    with pytest.raises(PermissionError):
        services.application_approve(application=application, user=world.inspector)


def test_a_declined_clue_is_answered_with_its_reason(world):
    clue = services.clue_record(village=world.home.village, household=world.home, user=world.clerk,
                                channel=IdentificationSource.SELF_REPORT, description="收入下降")
    with pytest.raises(services.ProcedureError) as refused:
        services.clue_decline(clue=clue, user=world.clerk, verified_on=timezone.localdate(),
                              verified_by_name="李四", findings="务工收入稳定", answer="")
    assert "reason" in refused.value.fields
    services.clue_decline(clue=clue, user=world.clerk, verified_on=timezone.localdate(),
                          verified_by_name="李四", findings="务工收入稳定", answer="家庭收入高于监测线，已向户主解释")
    clue.refresh_from_db()
    assert clue.status == ClueStatus.DECLINED and "已向户主解释" in clue.answer


def test_a_household_has_at_most_one_open_application(world):
    first = services.clue_record(village=world.home.village, household=world.home, user=world.clerk,
                                 channel=IdentificationSource.CADRE_SCREENING, description="a")
    second = services.clue_record(village=world.home.village, household=world.home, user=world.clerk,
                                  channel=IdentificationSource.CADRE_SCREENING, description="b")
    services.inclusion_start(clue=first, user=world.clerk)
    with pytest.raises(services.ProcedureError):
        services.inclusion_start(clue=second, user=world.clerk)
    assert Application.objects.filter(household=world.home).count() == 1


def test_the_monitoring_type_must_suit_the_household_type(world):
    assert services.type_error(HouseholdType.ORDINARY, MonitoringType.UNSTABLE)
    assert services.type_error(HouseholdType.ALLEVIATED, MonitoringType.MARGINAL)
    assert services.type_error(HouseholdType.ALLEVIATED, MonitoringType.SUDDEN_HARDSHIP)
    assert not services.type_error(HouseholdType.ALLEVIATED, MonitoringType.UNSTABLE)
    assert not services.type_error(HouseholdType.ORDINARY, MonitoringType.SUDDEN_HARDSHIP)


def test_elimination_with_failing_criteria_needs_the_county_override_then_rolls_back(world):
    _included(world)
    world.home.refresh_from_db()
    application = services.elimination_start(household=world.home, user=world.clerk)
    assert application.kind == ApplicationKind.ELIMINATION
    _fill(application, world)
    services.application_record(application=application, user=world.clerk, elimination_method="assisted")
    with pytest.raises(services.ProcedureError) as refused:
        services.application_submit(application=application, user=world.clerk)
    assert "criteria" in refused.value.fields
    with pytest.raises(PermissionError):
        services.application_override(application=application, user=world.reviewer, reason="x")
    services.application_override(application=application, user=world.county_staff, reason="因灾特殊情况，县级研究同意")
    services.application_submit(application=application, user=world.clerk)
    services.application_approve(application=application, user=world.reviewer)
    services.application_approve(application=application, user=world.county_staff)
    world.home.refresh_from_db()
    assert world.home.risk_status == RiskStatus.ELIMINATED and world.home.elimination_method == "assisted"
    services.risk_roll_back(household=world.home, user=world.county_staff, reason="收入核实有误")
    world.home.refresh_from_db()
    assert world.home.risk_status == RiskStatus.UNRESOLVED and world.home.eliminated_on is None
    assert ProcedureEvent.objects.filter(household=world.home, action=EventAction.ROLLED_BACK).exists()


def test_clue_deadline_counts_working_days_across_a_holiday(world):
    # Tuesday 30 September 2025: 1–8 October are the National Day holiday, 11 October a make-up day.
    with time_machine.travel(datetime.datetime(2025, 9, 30, 9, 0, tzinfo=datetime.timezone(
            datetime.timedelta(hours=8))), tick=False):
        clue = services.clue_record(village=world.home.village, household=world.home, user=world.clerk,
                                    channel=IdentificationSource.CADRE_SCREENING, description="困难")
    # 5 working days after 30 Sep: 9 Oct (Thu), 10 Oct (Fri), 11 Oct (Sat, 调休), 13 Oct, 14 Oct
    assert clue.deadline == datetime.date(2025, 10, 14)
