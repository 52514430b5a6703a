"""审核时限: county staff set the days each level has; a ticket arriving at a level gets them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from households.choices import ReviewLevel
from audits import deadlines
from audits.models import ReviewDeadline
from audits.services import ticket_transition
from trail.models import SettingChange
from tests.audits.builders import make_ticket

DEADLINES = reverse("ticket_deadlines")


def as_user(client, user):
    client.force_login(user)
    return client


def test_the_defaults_are_seven_three_and_three_days():
    assert deadlines.DEFAULT_DAYS == {ReviewLevel.VILLAGE: 7, ReviewLevel.TOWNSHIP: 3, ReviewLevel.COUNTY: 3}


def test_county_staff_set_the_deadlines_and_each_change_is_recorded(client, world):
    client = as_user(client, world.county_staff)
    assert client.get(DEADLINES).context["form"].initial == {"village": 7, "township": 3, "county": 3}
    response = client.post(DEADLINES, {"village": "10", "township": "3", "county": "5"})
    assert response.status_code == 302
    assert deadlines.deadline_days("230381") == {"village": 10, "township": 3, "county": 5}
    changes = SettingChange.objects.filter(subject=deadlines.SUBJECT).order_by("pk")
    assert [(c.user, c.field, c.old_value, c.new_value) for c in changes] == [
        (world.county_staff, "村级", "7 天", "10 天"), (world.county_staff, "县级", "3 天", "5 天"),
    ]
    assert "7 天 → 10 天" in client.get(DEADLINES).content.decode()


@pytest.mark.parametrize("value, message", [("0", "时限至少 1 天。"), ("91", "时限最多 90 天。"),
                                            ("", "请填写村级核实时限。"), ("七", "请填写整数天数。")])
def test_a_wrong_number_of_days_is_refused_next_to_the_field(client, world, value, message):
    response = as_user(client, world.county_staff).post(DEADLINES, {"village": value, "township": "3", "county": "3"})
    assert response.status_code == 400
    assert response.context["form"].errors["village"] == [message]
    assert "is-invalid" in response.content.decode() and message in response.content.decode()
    assert not ReviewDeadline.objects.exists()


@pytest.mark.parametrize("persona", ["clerk", "reviewer", "no_role"])
def test_nobody_but_county_staff_and_the_inspector_sees_the_deadlines(client, world, persona):
    client = as_user(client, getattr(world, persona))
    assert client.get(DEADLINES).status_code == 404
    assert client.post(DEADLINES, {"village": "30", "township": "30", "county": "30"}).status_code == 404
    assert not ReviewDeadline.objects.exists()


def test_the_inspector_reads_the_deadlines_and_their_history_but_cannot_change_them(client, world):
    deadlines.deadlines_set(county="230381", values={"village": 10, "township": 5, "county": 3},
                            user=world.county_staff)
    inspector = as_user(client, world.inspector)
    response = inspector.get(DEADLINES)
    assert response.status_code == 200
    page = response.content.decode()
    assert "村级核实</dt><dd>10 天" in page and "乡镇审核</dt><dd>5 天" in page
    assert "<input" not in page.split('data-testid="deadline-days"')[1].split("</dl>")[0]
    assert "保存审核时限" not in page
    assert 'data-testid="deadline-changes"' in page  # the history, with who changed what
    assert inspector.get(reverse("ticket_list")).content.decode().count(DEADLINES) == 1  # the way there
    assert inspector.post(DEADLINES, {"village": "30", "township": "30", "county": "30"}).status_code == 403
    assert deadlines.deadline_days("230381")["village"] == 10


def test_a_ticket_arriving_at_a_level_gets_that_levels_days_in_force(world):
    deadlines.deadlines_set(county="230381", values={"village": 7, "township": 5, "county": 3},
                            user=world.county_staff)
    ticket = make_ticket(world.home)
    moved = ticket_transition(ticket_id=ticket.pk, user=world.clerk, action="explain", comment="入户核实无误")
    assert moved.due_on == timezone.localdate() + datetime.timedelta(days=5)
