"""The procedure, step by step, as domain.md step 5 and the issue describe it."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from households.choices import HouseholdType, IdentificationSource, MonitoringType, RiskStatus, RiskType
from monitoring_objects import services
from monitoring_objects.models import (
    Application, ApplicationKind, ApplicationStatus, ClueStatus, EventAction, ProcedureEvent,
)
from monitoring_objects.transitions import StepRefused
from tests.audits.builders import make_ticket
from tests.builders import make_user
from tests.races import needs_row_locks, race, told
from accounts.roles import Role

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


def test_a_clerk_cannot_act_on_a_clue_of_the_neighbour_village(world):
    clue = services.clue_record(village=world.neighbour.village, household=world.neighbour, user=world.reviewer,
                                channel=IdentificationSource.CADRE_SCREENING, description="困难")
    with pytest.raises(PermissionError):
        services.inclusion_start(clue=clue, user=world.clerk)
    with pytest.raises(PermissionError):
        services.clue_record(village=world.neighbour.village, user=world.clerk,
                             channel=IdentificationSource.CADRE_SCREENING, description="困难")
    with pytest.raises(PermissionError):
        services.risk_roll_back(household=world.other_county, user=world.county_staff, reason="x")


@pytest.mark.parametrize(("rule_id", "channel"), [
    ("D06", IdentificationSource.SYSTEM_WARNING),
    ("I01", IdentificationSource.SYSTEM_WARNING),
    ("D01", IdentificationSource.DEPARTMENT_WARNING),
])
def test_a_clue_from_a_ticket_takes_its_channel_from_the_rule(world, rule_id, channel):
    ticket = make_ticket(world.home, rule_id=rule_id)
    clue = services.clue_from_ticket(ticket=ticket, user=world.clerk)
    assert clue.channel == channel and clue.household == world.home and clue.ticket == ticket
    with pytest.raises(services.ProcedureError):
        services.clue_from_ticket(ticket=ticket, user=world.clerk)


def test_a_ticket_of_a_data_rule_does_not_start_a_clue(world):
    with pytest.raises(services.ProcedureError):
        services.clue_from_ticket(ticket=make_ticket(world.home, rule_id="B05"), user=world.clerk)


def test_the_notice_runs_at_least_five_working_days_and_needs_the_signed_authorisation(world):
    clue = services.clue_record(village=world.home.village, household=world.home, user=world.clerk,
                                channel=IdentificationSource.CADRE_SCREENING, description="困难")
    application = services.inclusion_start(clue=clue, user=world.clerk)
    application = services.application_record(
        application=application, user=world.clerk, verified_on=datetime.date(2025, 2, 20),
        verified_by_name="李四", findings="核实", appraised_on=datetime.date(2025, 2, 28), appraisal_attendance=20,
        appraisal_result="同意", notice_start=datetime.date(2025, 3, 3), notice_end=datetime.date(2025, 3, 6),
        monitoring_type=MonitoringType.MARGINAL, risk_types=[RiskType.OTHER],
    )
    errors = services.submission_errors(application)
    assert "4 个" in errors["notice_end"]
    assert "authorised_on" in errors and "risk_note" in errors
    application = services.application_record(application=application, user=world.clerk,
                                              notice_end=datetime.date(2025, 3, 7))
    assert "notice_end" not in services.submission_errors(application)


def test_green_channel_includes_first_and_stays_flagged_until_the_appraisal_is_recorded(world):
    with pytest.raises(services.ProcedureError):
        services.green_channel_include(household=world.home, user=world.county_staff,
                                       monitoring_type=MonitoringType.SUDDEN_HARDSHIP,
                                       risk_types=[RiskType.ILLNESS], reason="洪灾")
    with pytest.raises(PermissionError):
        services.green_channel_include(household=world.home, user=world.reviewer,
                                       monitoring_type=MonitoringType.SUDDEN_HARDSHIP,
                                       risk_types=[RiskType.DISASTER], reason="洪灾")
    application = services.green_channel_include(
        household=world.home, user=world.county_staff, monitoring_type=MonitoringType.SUDDEN_HARDSHIP,
        risk_types=[RiskType.DISASTER], reason="7月洪灾房屋倒塌")
    world.home.refresh_from_db()
    assert world.home.risk_status == RiskStatus.UNRESOLVED and application.green_channel
    assert application.appraisal_missing
    today = timezone.localdate()
    services.application_record(application=application, user=world.clerk, appraised_on=today,
                                appraisal_attendance=15, appraisal_result="同意", notice_start=today,
                                notice_end=today + datetime.timedelta(days=7))
    application.refresh_from_db()
    assert not application.appraisal_missing
    assert application.events.filter(action=EventAction.APPRAISAL_COMPLETED).count() == 1


def test_a_public_welfare_job_measure_needs_its_months(world):
    _included(world)
    world.home.refresh_from_db()
    with pytest.raises(services.ProcedureError) as refused:
        services.measure_record(household=world.home, user=world.clerk, measure_type="public_welfare_job",
                                content="护林员")
    assert "months" in refused.value.fields
    measure = services.measure_record(household=world.home, user=world.clerk, measure_type="public_welfare_job",
                                      content="护林员", months=10)
    assert measure.nature == "developmental" and measure.state == "planned" and measure.recorded_by == world.clerk
    services.measure_done(measure=measure, user=world.clerk)
    with pytest.raises(StepRefused):
        services.measure_done(measure=measure, user=world.clerk)


def test_a_measure_is_refused_for_a_household_not_monitored(world):
    with pytest.raises(PermissionError):
        services.measure_record(household=world.home, user=world.clerk, measure_type="industry", content="养牛")


def test_reflag_after_elimination_records_the_new_risk(world):
    world.home.monitoring_type, world.home.risk_status = MonitoringType.MARGINAL, RiskStatus.ELIMINATED
    world.home.eliminated_on = datetime.date(2025, 6, 1)
    world.home.save()
    services.risk_reflag(household=world.home, user=world.county_staff, reason="再次因病",
                         risk_types=[RiskType.ILLNESS])
    world.home.refresh_from_db()
    assert world.home.risk_status == RiskStatus.UNRESOLVED and world.home.risk_types == [RiskType.ILLNESS]
    with pytest.raises(StepRefused):
        services.risk_reflag(household=world.home, user=world.county_staff, reason="again")


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_the_same_instant_move_the_application_once(world):
    needs_row_locks()
    clue = services.clue_record(village=world.home.village, household=world.home, user=world.clerk,
                                channel=IdentificationSource.CADRE_SCREENING, description="困难")
    application = services.inclusion_start(clue=clue, user=world.clerk)
    _fill(application, world)
    services.application_submit(application=application, user=world.clerk)
    second = make_user("reviewer2", Role.TOWNSHIP_REVIEWER, world.home.village_id[:9])
    outcomes = race(lambda reviewer: services.application_approve(
        application=application, user=reviewer, expected_status=ApplicationStatus.PENDING_TOWNSHIP),
        [world.reviewer, second])
    assert told(outcomes) == sorted(["done", "该申请已被他人处理，请刷新后查看。"])
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.PENDING_COUNTY
    assert ProcedureEvent.objects.filter(application=application, action=EventAction.TOWNSHIP_APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clerks_starting_applications_for_one_household_at_once_make_one(world):
    needs_row_locks()
    clues = [services.clue_record(village=world.home.village, household=world.home, user=world.clerk,
                                  channel=IdentificationSource.CADRE_SCREENING, description=f"困难{n}")
             for n in range(2)]
    second = make_user("clerk2", Role.VILLAGE_CLERK, world.home.village_id)
    pairs = iter(zip(clues, [world.clerk, second]))
    outcomes = race(lambda pair: services.inclusion_start(clue=pair[0], user=pair[1]), list(pairs))
    assert told(outcomes) == sorted(["done", "该户已有一份办理中的申请，请先办结或撤回。"])
    assert Application.objects.filter(household=world.home).count() == 1
