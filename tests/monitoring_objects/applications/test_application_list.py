"""The applications' queue, and what waits for each role on the home page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring_objects.models import ApplicationStatus
from tests.builders import make_household
from tests.monitoring_objects.builders import make_application, make_clue
from tests.monitoring_objects.objects_builders import monitored

pytestmark = pytest.mark.django_db


def listed(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("application_list") + query)
    assert response.status_code == 200
    return [a.household.number for a in response.context["page"].object_list]


def test_each_role_sees_first_the_applications_whose_next_step_is_theirs(client, world):
    make_application(world.home, status=ApplicationStatus.DRAFT)
    make_application(world.neighbour, status=ApplicationStatus.PENDING_TOWNSHIP)
    make_application(world.other_township, status=ApplicationStatus.PENDING_COUNTY)
    assert listed(client, world.clerk) == [world.home.number]
    assert listed(client, world.reviewer) == [world.neighbour.number]
    assert listed(client, world.county_staff) == [world.other_township.number]
    assert len(listed(client, world.inspector)) == 3
    assert listed(client, world.reviewer, "?status=all") == [world.home.number, world.neighbour.number]


def test_nobody_sees_an_application_outside_their_area(client, world):
    make_application(world.other_county, status=ApplicationStatus.PENDING_COUNTY)
    assert listed(client, world.county_staff, "?status=all") == []


def test_an_overdue_application_is_amber(client, world):
    make_application(world.home, status=ApplicationStatus.DRAFT,
                     deadline=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(world.clerk)
    page = client.get(reverse("application_list")).content.decode()
    assert 'data-testid="overdue-row"' in page
    assert listed(client, world.clerk, "?overdue=on") == [world.home.number]


def test_the_list_costs_the_same_queries_whatever_its_length(client, world, django_assert_max_num_queries):
    for _ in range(30):
        make_application(make_household(world.home.village), status=ApplicationStatus.DRAFT)
    client.force_login(world.clerk)
    with django_assert_max_num_queries(9):  # one of them: does the user have a second factor?
        client.get(reverse("application_list"))


def test_the_home_page_lists_what_waits_for_the_clerk(client, world):
    make_clue(world.home, days_left=-1)
    make_application(world.neighbour, status=ApplicationStatus.PENDING_TOWNSHIP)
    monitored(world.home)
    client.force_login(world.clerk)
    todo = client.get("/").context["procedure_todo"]
    assert todo == {"clues": 1, "clues_overdue": 1, "applications": 0, "applications_overdue": 0,
                    "needs_measure": 1}
    client.force_login(world.reviewer)
    todo = client.get("/").context["procedure_todo"]
    assert todo["applications"] == 1 and "clues" not in todo
    client.force_login(world.inspector)
    assert client.get("/").context["procedure_todo"] is None
