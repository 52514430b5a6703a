"""The clue pages: who opens what (403 for a role that may never, 404 outside scope), the list's
filters, amber overdue rows and per-township counts in bounded queries, registering a clue,
入户核查 with its two outcomes, and a clue started from a ticket."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from households.choices import IdentificationSource
from monitoring_objects.models import Application, CalendarDay, Clue, ClueStatus, EventAction, ProcedureEvent
from tests.audits.builders import make_ticket
from tests.builders import make_household
from tests.conftest import VILLAGE_A1, VILLAGE_A2
from tests.monitoring_objects.builders import make_clue

pytestmark = pytest.mark.django_db

PERSONAS = ["clerk", "reviewer", "county_staff", "inspector", "no_role"]
PLACES = ["home", "neighbour", "other_township", "other_county"]

# Who sees a clue of each household (the world's scopes): anyone else in a role gets a 404.
SEES = {
    "clerk": {"home"},
    "reviewer": {"home", "neighbour"},
    "county_staff": {"home", "neighbour", "other_township"},
    "inspector": {"home", "neighbour", "other_township"},
}


def _expected(persona, place, *, roles):
    if persona not in roles:
        return 403
    return 200 if place in SEES[persona] else 404


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("place", PLACES)
def test_it_shows_a_clue_only_in_scope(client, world, persona, place):
    clue = make_clue(getattr(world, place))
    client.force_login(getattr(world, persona))
    response = client.get(reverse("clue_detail", args=[clue.pk]))
    assert response.status_code == _expected(persona, place, roles=SEES)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("place", PLACES)
def test_it_lets_only_the_village_clerk_answer_a_clue(client, world, persona, place):
    clue = make_clue(getattr(world, place))
    client.force_login(getattr(world, persona))
    response = client.post(reverse("clue_detail", args=[clue.pk]), {
        "outcome": "decline", "verified_on": timezone.localdate().isoformat(), "verified_by_name": "李四",
        "findings": "收入稳定", "answer": "已解释"})
    expected = _expected(persona, place, roles={"clerk"})
    assert response.status_code == (302 if expected == 200 else expected)
    clue.refresh_from_db()
    assert (clue.status == ClueStatus.DECLINED) == (expected == 200)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("place", PLACES)
def test_it_starts_a_clue_from_a_ticket_only_in_scope_and_role(client, world, persona, place):
    ticket = make_ticket(getattr(world, place), rule_id="D06")
    client.force_login(getattr(world, persona))
    response = client.get(reverse("clue_from_ticket", args=[ticket.pk]))
    recorders = {"clerk", "reviewer", "county_staff"}
    assert response.status_code == _expected(persona, place, roles=recorders)
    response = client.post(reverse("clue_from_ticket", args=[ticket.pk]))
    expected = _expected(persona, place, roles=recorders)
    assert response.status_code == (302 if expected == 200 else expected)
    assert Clue.objects.filter(ticket=ticket).exists() == (expected == 200)


@pytest.mark.parametrize("persona, expected", [
    ("clerk", 200), ("reviewer", 200), ("county_staff", 200), ("inspector", 200), ("no_role", 403)])
def test_it_opens_the_list_to_every_role(client, world, persona, expected):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("clue_list")).status_code == expected


@pytest.mark.parametrize("persona, expected", [
    ("clerk", 200), ("reviewer", 200), ("county_staff", 200), ("inspector", 403), ("no_role", 403)])
def test_it_lets_every_role_but_the_inspector_register_a_clue(client, world, persona, expected):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("clue_new")).status_code == expected


def test_it_lists_only_the_clues_in_scope_newest_first(client, world):
    older = make_clue(world.home, created_at=timezone.now() - datetime.timedelta(days=2))
    newer = make_clue(world.home)
    make_clue(world.neighbour)
    client.force_login(world.clerk)
    page = client.get(reverse("clue_list")).context["page"]
    assert [clue.pk for clue in page.object_list] == [newer.pk, older.pk]


def test_it_filters_by_status_channel_village_and_overdue(client, world):
    overdue = make_clue(world.home, days_left=-1)
    declined = make_clue(world.home, status=ClueStatus.DECLINED, channel=IdentificationSource.SELF_REPORT)
    neighbours = make_clue(world.neighbour)
    client.force_login(world.reviewer)

    def listed(**query):
        return {clue.pk for clue in client.get(reverse("clue_list"), query).context["page"].object_list}

    assert listed() == {overdue.pk, declined.pk, neighbours.pk}
    assert listed(status="declined") == {declined.pk}
    assert listed(channel="self_report") == {declined.pk}
    assert listed(village=VILLAGE_A2) == {neighbours.pk}
    assert listed(overdue="on") == {overdue.pk}


def test_it_filters_by_township(client, world):
    """The township filter once answered 500 (a `startswith` lookup on the village's foreign key)."""
    home = make_clue(world.home)
    elsewhere = make_clue(world.other_township)
    client.force_login(world.county_staff)
    response = client.get(reverse("clue_list"), {"township": VILLAGE_A1[:9]})
    assert response.status_code == 200
    assert {clue.pk for clue in response.context["page"].object_list} == {home.pk}
    other = world.other_township.village_id[:9]
    assert {clue.pk for clue in client.get(reverse("clue_list"), {"township": other}).context["page"].object_list} \
        == {elsewhere.pk}


def test_an_overdue_open_clue_is_amber_and_an_answered_one_is_not(client, world):
    make_clue(world.home, days_left=-1, description="超期未核查")
    make_clue(world.home, days_left=-1, status=ClueStatus.DECLINED, description="已答复")
    client.force_login(world.clerk)
    html = client.get(reverse("clue_list")).content.decode()
    assert html.count('class="row-overdue"') == 1
    row = html[html.index('class="row-overdue"'):]
    assert "超期未核查" in row[:row.index("</tr>")]


def test_it_counts_open_and_overdue_clues_per_township(client, world):
    make_clue(world.home, days_left=-2)
    make_clue(world.neighbour)
    make_clue(world.other_township, days_left=-1)
    make_clue(world.other_township, status=ClueStatus.DECLINED, days_left=-1)
    client.force_login(world.county_staff)
    rows = {row["code"]: (row["open"], row["overdue"]) for row in
            client.get(reverse("clue_list")).context["townships"]}
    assert rows == {VILLAGE_A1[:9]: (2, 1), world.other_township.village_id[:9]: (1, 1)}
    client.force_login(world.reviewer)
    rows = {row["code"]: (row["open"], row["overdue"]) for row in
            client.get(reverse("clue_list")).context["townships"]}
    assert rows == {VILLAGE_A1[:9]: (2, 1)}


def test_the_list_takes_the_same_queries_for_three_clues_or_thirty(client, world, django_assert_max_num_queries):
    client.force_login(world.county_staff)
    for _ in range(3):
        make_clue(world.home, days_left=-1)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("clue_list"))
    for index in range(27):
        make_clue(make_household(VILLAGE_A2) if index % 3 else world.other_township)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("clue_list"))
    assert response.context["page"].paginator.count == 30


def test_it_registers_a_clue_for_a_household_of_the_clerks_village(client, world):
    client.force_login(world.clerk)
    response = client.post(reverse("clue_new"), {
        "channel": "self_report", "village": VILLAGE_A1, "household_number": world.home.number,
        "description": "户主突发重病", "reporter_name": "王五", "reporter_phone": "13912345678",
    })
    clue = Clue.objects.get()
    assert response.status_code == 302 and response.url == reverse("clue_detail", args=[clue.pk])
    assert (clue.household, clue.channel, clue.created_by) == (world.home, "self_report", world.clerk)
    page = client.get(response.url).content.decode()
    assert "139****5678" in page and "13912345678" not in page


def test_it_refuses_a_household_of_another_village_next_to_the_field(client, world):
    client.force_login(world.reviewer)
    response = client.post(reverse("clue_new"), {
        "channel": "cadre_screening", "village": VILLAGE_A1, "household_number": world.neighbour.number,
        "description": "困难",
    })
    assert response.status_code == 400
    assert response.context["form"].errors["household_number"] == ["所选行政村没有这个户编号的在册农户。"]
    assert not Clue.objects.exists()


def test_it_refuses_a_village_outside_scope_and_an_empty_description(client, world):
    client.force_login(world.clerk)
    response = client.post(reverse("clue_new"), {"channel": "cadre_screening", "village": VILLAGE_A2})
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert errors["village"] == ["请选择您辖区内的行政村。"] and errors["description"] == ["请填写困难情况。"]


def test_a_decline_without_its_reason_is_refused_field_by_field(client, world):
    clue = make_clue(world.home)
    client.force_login(world.clerk)
    response = client.post(reverse("clue_detail", args=[clue.pk]), {"outcome": "decline"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"verified_on", "verified_by_name", "findings", "answer"}
    clue.refresh_from_db()
    assert clue.status == ClueStatus.OPEN


def test_the_clerk_declines_a_clue_with_the_answer_to_the_household(client, world):
    clue = make_clue(world.home)
    client.force_login(world.clerk)
    response = client.post(reverse("clue_detail", args=[clue.pk]), {
        "outcome": "decline", "verified_on": timezone.localdate().isoformat(), "verified_by_name": "李四",
        "findings": "务工收入稳定", "answer": "家庭人均收入高于监测线，已向户主解释",
    })
    assert response.status_code == 302
    clue.refresh_from_db()
    assert clue.status == ClueStatus.DECLINED and clue.answer.startswith("家庭人均收入")
    page = client.get(reverse("clue_detail", args=[clue.pk]))
    assert page.context["form"] is None and "已向户主解释" in page.content.decode()


def test_a_second_answer_to_an_answered_clue_is_told_so(client, world):
    clue = make_clue(world.home, status=ClueStatus.DECLINED)
    client.force_login(world.clerk)
    response = client.post(reverse("clue_detail", args=[clue.pk]), {"outcome": "decline"}, follow=True)
    assert "该线索已办结" in response.content.decode()


def test_applying_for_a_clue_without_a_household_asks_for_one_of_the_village(client, world):
    clue = make_clue(world.home, linked=False)
    client.force_login(world.clerk)
    url = reverse("clue_detail", args=[clue.pk])
    response = client.post(url, {"outcome": "apply"})
    assert response.status_code == 400 and "household_number" in response.context["form"].errors
    response = client.post(url, {"outcome": "apply", "household_number": world.neighbour.number})
    assert response.context["form"].errors["household_number"] == ["本村没有这个户编号的在册农户。"]
    response = client.post(url, {"outcome": "apply", "household_number": world.home.number,
                                 "verified_on": timezone.localdate().isoformat(), "verified_by_name": "李四",
                                 "findings": "户主住院"})
    application = Application.objects.get()
    assert response.status_code == 302 and response.url == reverse("application_detail", args=[application.pk])
    assert (application.household, application.clue, application.verified_by_name) == (world.home, clue, "李四")
    clue.refresh_from_db()
    assert clue.status == ClueStatus.APPLIED


def test_a_d06_ticket_offers_a_clue_and_starts_one_once(client, world):
    ticket = make_ticket(world.home, rule_id="D06")
    client.force_login(world.clerk)
    assert 'data-testid="start-clue"' in client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    response = client.post(reverse("clue_from_ticket", args=[ticket.pk]))
    clue = Clue.objects.get(ticket=ticket)
    assert response.url == reverse("clue_detail", args=[clue.pk])
    assert clue.channel == IdentificationSource.SYSTEM_WARNING
    response = client.post(reverse("clue_from_ticket", args=[ticket.pk]), follow=True)
    assert "该问题线索已发起预警线索" in response.content.decode()
    assert Clue.objects.filter(ticket=ticket).count() == 1
    assert ProcedureEvent.objects.filter(clue=clue, action=EventAction.CLUE_CREATED).count() == 1


@pytest.mark.parametrize("rule_id, offered", [("D02", True), ("I01", True), ("B05", False), ("M04", False)])
def test_only_warning_and_department_tickets_offer_a_clue(client, world, rule_id, offered):
    ticket = make_ticket(world.home, rule_id=rule_id)
    client.force_login(world.clerk)
    html = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert ('data-testid="start-clue"' in html) == offered


def test_the_inspector_is_not_offered_a_clue_from_a_ticket(client, world):
    ticket = make_ticket(world.home, rule_id="D06")
    client.force_login(world.inspector)
    html = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="start-clue"' not in html


def test_the_menu_offers_the_clues_to_every_role(client, world):
    client.force_login(world.inspector)
    labels = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
    assert "预警线索" in labels


def test_a_deadline_in_a_year_whose_holidays_are_not_entered_says_it_is_estimated(client, world):
    clue = make_clue(world.home, deadline=datetime.date(2031, 1, 6))
    client.force_login(world.clerk)
    url = reverse("clue_detail", args=[clue.pk])
    assert "2031年节假日安排尚未录入" in client.get(url).content.decode()
    CalendarDay.objects.create(day=datetime.date(2031, 1, 1), is_workday=False, note="元旦")
    assert 'data-testid="deadline-estimated"' not in client.get(url).content.decode()
    clue.deadline = datetime.date(2025, 10, 14)  # a year the package knows
    clue.save()
    assert 'data-testid="deadline-estimated"' not in client.get(url).content.decode()
