"""The monitoring objects' list as annotations, and a household's timeline in one query."""

import datetime

import pytest
from django.utils import timezone

from households.choices import MonitoringType, RiskStatus
from monitoring_objects import selectors
from monitoring_objects.models import ApplicationKind, ApplicationStatus
from tests.builders import make_household
from tests.conftest import VILLAGE_A1
from tests.monitoring_objects.objects_builders import (
    event, late_application, late_clue, measure, monitored,
)

pytestmark = pytest.mark.django_db


def rows(user, **filters):
    return {h.number: h for h in selectors.monitoring_objects(user=user, today=filters.pop("today", None))}


def test_it_lists_only_monitoring_objects_in_scope_and_not_removed(world):
    monitored(world.home)
    monitored(world.other_county)
    monitored(make_household(VILLAGE_A1), removed_on=datetime.date(2025, 1, 1))
    assert set(rows(world.county_staff)) == {world.home.number}
    assert set(rows(world.clerk)) == {world.home.number}
    assert rows(world.no_role) == {}


def test_months_in_monitoring_count_to_today_or_to_the_elimination(world):
    monitored(world.home, included_on=datetime.date(2025, 1, 15))
    monitored(world.neighbour, included_on=datetime.date(2024, 11, 30), risk_status=RiskStatus.ELIMINATED,
              eliminated_on=datetime.date(2025, 6, 1))
    listed = rows(world.county_staff, today=datetime.date(2025, 3, 14))
    assert listed[world.home.number].months_monitored == 1  # the 15th not yet reached
    assert rows(world.county_staff, today=datetime.date(2025, 3, 15))[world.home.number].months_monitored == 2
    assert listed[world.neighbour.number].months_monitored == 6  # 2024-11-30 → 2025-06-01


def test_a_monitoring_object_without_a_measure_needs_one(world):
    monitored(world.home)
    monitored(world.neighbour)
    measure(world.neighbour)
    measure(world.neighbour, content="公益岗")
    listed = rows(world.county_staff)
    assert listed[world.home.number].needs_measure and listed[world.home.number].measure_count == 0
    assert not listed[world.neighbour.number].needs_measure and listed[world.neighbour.number].measure_count == 2


def test_overdue_applications_and_clues_are_flagged(world):
    monitored(world.home)
    monitored(world.neighbour)
    monitored(world.other_township)
    late_application(world.home)
    late_clue(world.neighbour)
    late_application(world.other_township, status=ApplicationStatus.APPROVED)  # decided: not overdue
    listed = rows(world.county_staff)
    assert listed[world.home.number].application_overdue and not listed[world.home.number].clue_overdue
    assert listed[world.neighbour.number].clue_overdue and not listed[world.neighbour.number].application_overdue
    assert not listed[world.other_township.number].application_overdue


def test_an_overridden_latest_elimination_is_marked(world):
    monitored(world.home, risk_status=RiskStatus.ELIMINATED, eliminated_on=timezone.localdate())
    late_application(world.home, status=ApplicationStatus.APPROVED, override_reason="因病支出已由医保兜底")
    assert rows(world.county_staff)[world.home.number].override_reason == "因病支出已由医保兜底"


def test_the_last_step_is_the_latest_event(world):
    monitored(world.home)
    now = timezone.now()
    event(world.home, at=now - datetime.timedelta(days=9))
    event(world.home, at=now - datetime.timedelta(days=4))
    listed = rows(world.county_staff)
    assert selectors.days_since(listed[world.home.number].last_event_at) == 4


@pytest.mark.parametrize("length", [1, 40])
def test_the_timeline_is_one_query_whatever_its_length(world, django_assert_num_queries, length):
    for index in range(length):
        event(world.home, user=world.clerk, reason=f"第{index}步")
    with django_assert_num_queries(1):
        steps = [(e.actor.display_name, e.reason) for e in selectors.timeline(household=world.home)]
    assert len(steps) == length and steps[0] == (world.clerk.display_name, "第0步")


def test_the_county_counts_objects_by_risk_status_and_overdue_steps(world):
    monitored(world.home)
    monitored(world.neighbour, risk_status=RiskStatus.ELIMINATED, monitoring_type=MonitoringType.MARGINAL)
    monitored(world.other_county)
    late_application(world.home, kind=ApplicationKind.ELIMINATION)
    late_clue(world.neighbour)
    counts = selectors.monitoring_counts(user=world.county_staff)
    assert counts == {"unresolved": 1, "eliminated": 1, "total": 2, "overdue_clues": 1, "overdue_applications": 1}


def test_a_monitoring_object_without_a_signed_authorisation_is_listed_as_missing_one(world, client):
    monitored(world.home)
    monitored(world.neighbour)
    late_application(world.neighbour, kind=ApplicationKind.INCLUSION, authorised_on=datetime.date(2025, 1, 2))
    listed = rows(world.county_staff)
    assert not listed[world.home.number].authorised and listed[world.neighbour.number].authorised
    client.force_login(world.county_staff)
    page = client.get("/monitoring/?unauthorised=on").content.decode()
    assert world.home.number in page and world.neighbour.number not in page
    assert 'data-testid="unauthorised"' in page
