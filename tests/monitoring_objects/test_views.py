"""监测对象's pages: the list, the household page's writes (measures, rollback, re-flagging, green
channel) and the procedure's deadlines, each refused to the wrong role (403) and outside scope (404)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.choices import IdentificationSource, MeasureState, MeasureType, MonitoringType, RiskStatus, RiskType
from households.models import AssistanceMeasure
from monitoring_objects import services
from monitoring_objects.models import EventAction, ProcedureEvent, ProcedureSettings
from tests.builders import make_household
from tests.conftest import VILLAGE_A1
from tests.monitoring_objects.objects_builders import late_application, late_clue, measure, monitored
from trail.models import SettingChange

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def listed(response) -> list[str]:
    return [household.number for household in response.context["page"].object_list]


# The list ------------------------------------------------------------------------------------


def test_it_asks_for_a_login(client):
    response = client.get(reverse("monitoring_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_user_without_a_role_is_refused_the_list(client, world):
    assert as_user(client, world.no_role).get(reverse("monitoring_list")).status_code == 403


def test_the_list_shows_the_monitoring_objects_in_scope_with_their_flags(client, world):
    monitored(world.home)
    monitored(world.neighbour)
    measure(world.neighbour)
    late_application(world.neighbour)
    monitored(world.other_county)
    response = as_user(client, world.county_staff).get(reverse("monitoring_list"))
    assert response.status_code == 200
    assert sorted(listed(response)) == sorted([world.home.number, world.neighbour.number])
    page = response.content.decode()
    assert page.count('data-testid="needs-measure"') == 1
    assert page.count('data-testid="application-overdue"') == 1


@pytest.mark.parametrize("query, expected", [
    ("needs_measure=on", "home"),
    ("overdue=on", "neighbour"),
    (f"monitoring_type={MonitoringType.SUDDEN_HARDSHIP}", "neighbour"),
    (f"risk_status={RiskStatus.ELIMINATED}", "other_township"),
    (f"village={VILLAGE_A1}", "home"),
])
def test_the_list_filters(client, world, query, expected):
    monitored(world.home)
    monitored(world.neighbour, monitoring_type=MonitoringType.SUDDEN_HARDSHIP)
    measure(world.neighbour)
    late_clue(world.neighbour)
    monitored(world.other_township, risk_status=RiskStatus.ELIMINATED, eliminated_on=timezone.localdate())
    measure(world.other_township)
    response = as_user(client, world.county_staff).get(reverse("monitoring_list") + "?" + query)
    assert listed(response) == [getattr(world, expected).number]


def test_an_invalid_filter_is_ignored_not_an_error(client, world):
    monitored(world.home)
    response = as_user(client, world.clerk).get(reverse("monitoring_list") + "?risk_status=nonsense")
    assert response.status_code == 200 and listed(response) == [world.home.number]


def _fill(count: int):
    for index in range(count):
        household = monitored(make_household(VILLAGE_A1, members=2))
        measure(household)
        if index % 2:
            late_application(household)
            late_clue(household)


def test_the_list_reads_the_same_number_of_queries_for_5_and_50_households(client, world,
                                                                          django_assert_max_num_queries):
    as_user(client, world.county_staff)
    _fill(5)
    client.get(reverse("monitoring_list"))  # the session is warm
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("monitoring_list")).status_code == 200
    _fill(45)
    assert len(five) <= 10, [q["sql"][:80] for q in five.captured_queries]
    with django_assert_max_num_queries(len(five)):
        response = client.get(reverse("monitoring_list"))
    assert response.context["page"].paginator.count == 50


def test_the_menu_offers_the_monitoring_objects_to_every_role(client, world):
    for user in (world.clerk, world.reviewer, world.county_staff, world.inspector):
        page = as_user(client, user).get(reverse("home")).content.decode()
        assert reverse("monitoring_list") in page and "监测对象" in page


def test_the_county_home_counts_the_monitoring_objects(client, world):
    monitored(world.home)
    late_application(world.home)
    response = as_user(client, world.county_staff).get(reverse("home"))
    assert response.context["monitoring"]["unresolved"] == 1
    assert 'data-testid="monitoring-card"' in response.content.decode()


# Measures -------------------------------------------------------------------------------------


def add_measure(client, household, **data):
    fields = {"measure-measure_type": MeasureType.INDUSTRY, "measure-content": "发展养殖", **data}
    return client.post(reverse("monitoring_measure_new", args=[household.number]), fields)


def test_the_clerk_records_a_measure_and_it_is_on_the_timeline(client, world):
    monitored(world.home)
    response = add_measure(as_user(client, world.clerk), world.home, **{"measure-done": "on"})
    assert response.status_code == 302
    added = AssistanceMeasure.objects.get(household=world.home)
    assert added.state == MeasureState.DONE and added.recorded_by == world.clerk
    assert ProcedureEvent.objects.filter(household=world.home, action=EventAction.MEASURE_ADDED).exists()


def test_a_public_welfare_job_needs_its_months_shown_next_to_the_field(client, world):
    monitored(world.home)
    response = add_measure(as_user(client, world.clerk), world.home,
                           **{"measure-measure_type": MeasureType.PUBLIC_WELFARE_JOB})
    assert response.status_code == 400
    assert 'data-testid="error-months"' in response.content.decode()
    assert "公益性岗位请填写岗位月数" in response.content.decode()
    assert not AssistanceMeasure.objects.exists()
    response = add_measure(client, world.home, **{"measure-measure_type": MeasureType.PUBLIC_WELFARE_JOB,
                                                  "measure-months": "6"})
    assert response.status_code == 302 and AssistanceMeasure.objects.get().months == 6


def test_a_measure_without_content_shows_the_error(client, world):
    monitored(world.home)
    response = add_measure(as_user(client, world.clerk), world.home, **{"measure-content": ""})
    assert response.status_code == 400 and "请填写措施内容" in response.content.decode()


def test_the_inspector_may_not_record_a_measure(client, world):
    monitored(world.home)
    assert add_measure(as_user(client, world.inspector), world.home).status_code == 403


def test_a_measure_outside_scope_is_not_found(client, world):
    monitored(world.neighbour)
    assert add_measure(as_user(client, world.clerk), world.neighbour).status_code == 404


def test_a_household_not_monitored_gets_no_measure_here(client, world):
    assert add_measure(as_user(client, world.clerk), world.home).status_code == 403


def test_a_planned_measure_is_marked_done(client, world):
    monitored(world.home)
    planned = measure(world.home, state=MeasureState.PLANNED)
    url = reverse("monitoring_measure_done", args=[world.home.number, planned.pk])
    assert as_user(client, world.inspector).post(url).status_code == 403
    assert as_user(client, world.clerk).post(url).status_code == 302
    planned.refresh_from_db()
    assert planned.state == MeasureState.DONE
    assert ProcedureEvent.objects.filter(action=EventAction.MEASURE_DONE).count() == 1
    other = measure(world.neighbour, state=MeasureState.PLANNED)
    assert client.post(reverse("monitoring_measure_done", args=[world.neighbour.number, other.pk])).status_code == 404


# The county's decisions ------------------------------------------------------------------------


def eliminated(household):
    return monitored(household, risk_status=RiskStatus.ELIMINATED, eliminated_on=timezone.localdate())


@pytest.mark.parametrize("name, action", [("rollback", EventAction.ROLLED_BACK), ("reflag", EventAction.REFLAGGED)])
def test_county_staff_roll_back_or_reflag_an_elimination_with_a_reason(client, world, name, action):
    eliminated(world.home)
    url = reverse({"rollback": "monitoring_risk_roll_back", "reflag": "monitoring_risk_reflag"}[name],
                  args=[world.home.number])
    as_user(client, world.county_staff)
    response = client.post(url, {f"{name}-reason": ""})
    assert response.status_code == 400 and "请填写理由" in response.content.decode()
    response = client.post(url, {f"{name}-reason": "收入核实有误"})
    assert response.status_code == 302
    world.home.refresh_from_db()
    assert world.home.risk_status == RiskStatus.UNRESOLVED and world.home.eliminated_on is None
    step = ProcedureEvent.objects.get(household=world.home, action=action)
    assert step.reason == "收入核实有误" and step.actor == world.county_staff


@pytest.mark.parametrize("url_name", ["monitoring_risk_roll_back", "monitoring_risk_reflag"])
def test_only_county_staff_decide_on_the_risk(client, world, url_name):
    eliminated(world.home)
    for user in (world.clerk, world.reviewer, world.inspector):
        response = as_user(client, user).post(reverse(url_name, args=[world.home.number]),
                                              {"rollback-reason": "x", "reflag-reason": "x"})
        assert response.status_code == 403
    eliminated(world.other_county)
    response = as_user(client, world.county_staff).post(reverse(url_name, args=[world.other_county.number]),
                                                        {"rollback-reason": "x", "reflag-reason": "x"})
    assert response.status_code == 404


def test_a_rollback_of_a_household_not_eliminated_is_refused_with_a_message(client, world):
    monitored(world.home)
    response = as_user(client, world.county_staff).post(
        reverse("monitoring_risk_roll_back", args=[world.home.number]), {"rollback-reason": "x"}, follow=True)
    assert "风险状态已变化" in response.content.decode()
    assert not ProcedureEvent.objects.filter(action=EventAction.ROLLED_BACK).exists()


def green(client, household, **data):
    fields = {"green-monitoring_type": MonitoringType.SUDDEN_HARDSHIP, "green-risk_types": [RiskType.DISASTER],
              "green-reason": "房屋因洪灾倒塌", **data}
    return client.post(reverse("monitoring_green_channel", args=[household.number]), fields)


def test_county_staff_include_through_the_green_channel(client, world):
    response = green(as_user(client, world.county_staff), world.home)
    assert response.status_code == 302
    world.home.refresh_from_db()
    assert world.home.monitoring_type == MonitoringType.SUDDEN_HARDSHIP
    assert world.home.risk_status == RiskStatus.UNRESOLVED
    assert ProcedureEvent.objects.filter(household=world.home, action=EventAction.GREEN_CHANNEL).exists()


def test_the_green_channel_needs_a_disaster_or_an_accident(client, world):
    response = green(as_user(client, world.county_staff), world.home, **{"green-risk_types": [RiskType.ILLNESS]})
    assert response.status_code == 400 and "因灾或因意外事故" in response.content.decode()
    world.home.refresh_from_db()
    assert not world.home.monitoring_type


def test_the_green_channel_is_the_countys_alone(client, world):
    for user in (world.clerk, world.reviewer, world.inspector):
        assert green(as_user(client, user), world.home).status_code == 403
    assert green(as_user(client, world.county_staff), world.other_county).status_code == 404


# The procedure's deadlines -------------------------------------------------------------------


def settings_data(**values):
    return {"clue_days": 5, "inclusion_days": 15, "notice_days": 5, "elimination_months": 6, **values}


def test_county_staff_change_the_deadlines_and_the_change_is_listed(client, world):
    as_user(client, world.county_staff)
    response = client.post(reverse("monitoring_settings"), settings_data(clue_days=7))
    assert response.status_code == 302
    assert ProcedureSettings.of("230381").clue_days == 7
    change = SettingChange.objects.get(county="230381")
    assert (change.old_value, change.new_value) == ("5", "7")
    page = client.get(reverse("monitoring_settings")).content.decode()
    assert 'data-testid="settings-changes"' in page and "5 → 7" in page


def test_a_deadline_out_of_bounds_is_shown_next_to_its_field(client, world):
    response = as_user(client, world.county_staff).post(reverse("monitoring_settings"), settings_data(clue_days=0))
    assert response.status_code == 400 and "不能小于 1" in response.content.decode()
    assert not ProcedureSettings.objects.exists()


def test_the_inspector_reads_the_deadlines_but_may_not_change_them(client, world):
    as_user(client, world.inspector)
    response = client.get(reverse("monitoring_settings"))
    assert response.status_code == 200 and 'data-testid="settings-values"' in response.content.decode()
    assert client.post(reverse("monitoring_settings"), settings_data(clue_days=9)).status_code == 403
    assert not ProcedureSettings.objects.exists()


def test_clerks_and_reviewers_do_not_see_the_deadlines(client, world):
    for user in (world.clerk, world.reviewer):
        assert as_user(client, user).get(reverse("monitoring_settings")).status_code == 403


def test_a_changed_deadline_dates_new_clues(client, world):
    as_user(client, world.county_staff).post(reverse("monitoring_settings"), settings_data(clue_days=20))
    clue = services.clue_record(village=world.home.village, household=world.home, user=world.clerk,
                                channel=IdentificationSource.CADRE_SCREENING, description="困难")
    assert clue.deadline - timezone.localdate() >= datetime.timedelta(days=20)
