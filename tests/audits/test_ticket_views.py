"""Ticket review, the screens: queues per role, one ticket, the actions; 404 outside scope everywhere."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audits.models import Severity, Ticket, TicketEvent, TicketStatus
from tests.audits.builders import make_ticket
from tests.builders import make_household, make_user
from tests.conftest import OTHER_COUNTY_VILLAGE, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1


def as_user(client, user):
    client.force_login(user)
    return client


def live(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def outsiders(world):
    """Users with a role whose area does not hold the home household."""
    return {
        "clerk_of_a2": make_user("clerk-a2", Role.VILLAGE_CLERK, VILLAGE_A2),
        "reviewer_of_b": make_user("reviewer-b", Role.TOWNSHIP_REVIEWER, VILLAGE_B1[:9]),
        "county_elsewhere": make_user("county-x", Role.COUNTY_STAFF, OTHER_COUNTY_VILLAGE[:6]),
        "inspector_elsewhere": make_user("inspector-x", Role.INSPECTOR, OTHER_COUNTY_VILLAGE[:6]),
    }


def listed(response) -> list[int]:
    return [ticket.pk for ticket in response.context["page"].object_list]


def test_the_menu_offers_tickets_to_every_role(client, world):
    for user in (world.clerk, world.reviewer, world.county_staff, world.inspector):
        assert reverse("ticket_list") in as_user(client, user).get(reverse("home")).content.decode()


def test_each_role_sees_its_own_queue(client, world):
    pending = make_ticket(world.home)
    returned = make_ticket(world.home, rule_id="B12", status=TicketStatus.RETURNED)
    township = make_ticket(world.home, rule_id="B08", status=TicketStatus.PENDING_TOWNSHIP)
    county = make_ticket(world.home, rule_id="B11", status=TicketStatus.PENDING_COUNTY)
    closed = make_ticket(world.home, rule_id="B01", status=TicketStatus.CLOSED)
    neighbours = make_ticket(world.neighbour)
    elsewhere = make_ticket(world.other_county)
    url = reverse("ticket_list")
    assert set(listed(as_user(client, world.clerk).get(url))) == {pending.pk, returned.pk}
    assert listed(as_user(client, world.reviewer).get(url)) == [township.pk]
    assert listed(as_user(client, world.county_staff).get(url)) == [county.pk]
    assert set(listed(as_user(client, world.inspector).get(url))) == {
        pending.pk, returned.pk, township.pk, county.pk, closed.pk, neighbours.pk}
    everything = as_user(client, world.clerk).get(url, {"status": "all"})
    assert set(listed(everything)) == {pending.pk, returned.pk, township.pk, county.pk, closed.pk}
    assert elsewhere.pk not in listed(as_user(client, world.county_staff).get(url, {"status": "all"}))


def test_a_clerks_queue_is_grouped_by_household(client, world):
    second = make_household(VILLAGE_A1)
    make_ticket(world.home)
    make_ticket(second)
    make_ticket(world.home, rule_id="B12")
    page = as_user(client, world.clerk).get(reverse("ticket_list")).content.decode()
    assert page.count('class="list-group-item"') == 3
    assert page.index(world.home.number) < page.index(second.number)
    assert page.count(f'href="{reverse("household_detail", args=[world.home.number])}"') == 1
    head = world.home.members.get(relationship="head").name
    assert head in page


def test_filters_counts_and_overdue_flags(client, world):
    make_ticket(world.home, status=TicketStatus.PENDING_COUNTY)
    late = make_ticket(world.neighbour, rule_id="B06", severity=Severity.WARNING,
                       status=TicketStatus.PENDING_COUNTY, due_in_days=-1)
    make_ticket(world.other_township, rule_id="B12", status=TicketStatus.CLOSED)
    as_user(client, world.county_staff)
    url = reverse("ticket_list")
    response = client.get(url)
    assert response.context["page"].paginator.count == 2
    tabs = {tab["label"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs["我的待办"] == 2 and tabs["全部状态"] == 3 and tabs["已销号"] == 1
    page = response.content.decode()
    assert "审核超时 1" in page and page.count('data-testid="ticket-overdue"') == 1
    assert listed(client.get(url, {"severity": "warning"})) == [late.pk]
    assert listed(client.get(url, {"rule": "B06"})) == [late.pk]
    assert listed(client.get(url, {"village": VILLAGE_A2})) == [late.pk]
    assert listed(client.get(url, {"overdue": "on"})) == [late.pk]
    assert listed(client.get(url, {"status": "closed", "village": VILLAGE_B1})) != []
    assert listed(client.get(url, {"status": "nonsense"})) != []  # an invalid filter is ignored


def test_the_list_is_paginated(client, world, settings):
    settings.PAGE_SIZE = 2
    for rule_id in ("B01", "B02", "B03"):
        make_ticket(world.home, rule_id=rule_id)
    response = as_user(client, world.clerk).get(reverse("ticket_list"), {"page": 2})
    assert len(response.context["page"].object_list) == 1


def test_an_empty_queue_says_why(client, world):
    page = as_user(client, world.reviewer).get(reverse("ticket_list")).content.decode()
    assert "没有待您办理的问题线索" in page


def test_the_ticket_page_shows_the_problem_the_rule_and_the_history(client, world, warning_ticket):
    as_user(client, world.clerk)
    url = reverse("ticket_detail", args=[warning_ticket.pk])
    page = client.get(url).content.decode()
    assert "联系电话缺失或无效" in page and warning_ticket.message in page
    assert "联系电话为空" in page  # the rule's description
    assert reverse("household_detail", args=[world.home.number]) in page
    assert "核实无误，提交乡镇审核" in page and "退回村级" not in page
    client.post(reverse("ticket_explain", args=[warning_ticket.pk]), {"explanation": "该户确无电话"})
    page = as_user(client, world.reviewer).get(url).content.decode()
    assert "该户确无电话" in page and "通过并销号" in page and "退回村级" in page


def test_an_error_ticket_offers_the_county_review(client, world, error_ticket):
    error_ticket.status = TicketStatus.PENDING_TOWNSHIP
    error_ticket.save()
    page = as_user(client, world.reviewer).get(reverse("ticket_detail", args=[error_ticket.pk])).content.decode()
    assert "通过并提交县级终审" in page and "通过并销号" not in page


def test_the_inspector_reads_but_has_no_action(client, world, error_ticket):
    page = as_user(client, world.inspector).get(reverse("ticket_detail", args=[error_ticket.pk])).content.decode()
    assert error_ticket.message in page and "核实无误，提交乡镇审核" not in page
    for name in ("ticket_explain", "ticket_approve", "ticket_return"):
        assert client.post(reverse(name, args=[error_ticket.pk]), {"explanation": "x", "reason": "x"}).status_code == 404


def test_the_walk_through_the_screens(client, world, error_ticket):
    pk = error_ticket.pk
    response = as_user(client, world.clerk).post(
        reverse("ticket_explain", args=[pk]), {"explanation": "核实无误"}, follow=True)
    assert "已提交乡镇审核" in response.content.decode()
    response = as_user(client, world.reviewer).post(
        reverse("ticket_return", args=[pk]), {"reason": "请写明户主去向"}, follow=True)
    assert "已退回村级" in response.content.decode()
    page = as_user(client, world.clerk).get(reverse("ticket_detail", args=[pk])).content.decode()
    assert "请写明户主去向" in page
    client.post(reverse("ticket_explain", args=[pk]), {"explanation": "户主在外务工"})
    as_user(client, world.reviewer).post(reverse("ticket_approve", args=[pk]))
    assert live(error_ticket).status == TicketStatus.PENDING_COUNTY
    response = as_user(client, world.county_staff).post(reverse("ticket_approve", args=[pk]), follow=True)
    assert "已通过并销号" in response.content.decode()
    assert live(error_ticket).status == TicketStatus.CLOSED
    assert TicketEvent.objects.filter(ticket_id=pk).count() == 5


@pytest.mark.parametrize("name,field,message", [
    ("ticket_explain", "explanation", "请填写核实情况说明。"),
    ("ticket_return", "reason", "请填写退回原因。"),
])
def test_a_missing_comment_stands_next_to_its_field(client, world, name, field, message):
    status = TicketStatus.PENDING_VILLAGE if field == "explanation" else TicketStatus.PENDING_TOWNSHIP
    ticket = make_ticket(world.home, status=status)
    user = world.clerk if field == "explanation" else world.reviewer
    response = as_user(client, user).post(reverse(name, args=[ticket.pk]), {field: " "})
    assert response.status_code == 400
    assert f"error_1_id_{field}" in response.content.decode() and message in response.content.decode()
    assert live(ticket).status == status


def test_a_stale_page_is_told_the_ticket_was_handled(client, world, error_ticket):
    as_user(client, world.reviewer)
    response = client.post(reverse("ticket_approve", args=[error_ticket.pk]), follow=True)
    assert "已被他人处理" in response.content.decode()
    assert live(error_ticket).status == TicketStatus.PENDING_VILLAGE


@pytest.mark.parametrize("persona", ["clerk_of_a2", "reviewer_of_b", "county_elsewhere", "inspector_elsewhere"])
def test_outsiders_get_404_on_every_view(client, world, outsiders, persona):
    user = outsiders[persona]
    tickets = {status: make_ticket(world.home, rule_id=rule_id, status=status) for rule_id, status in [
        ("B05", TicketStatus.PENDING_VILLAGE), ("B08", TicketStatus.PENDING_TOWNSHIP),
        ("B11", TicketStatus.PENDING_COUNTY)]}
    as_user(client, user)
    response = client.get(reverse("ticket_list"), {"status": "all"})
    assert response.status_code == 200 and not set(listed(response)) & {t.pk for t in tickets.values()}
    for ticket in tickets.values():
        assert client.get(reverse("ticket_detail", args=[ticket.pk])).status_code == 404
        for name in ("ticket_explain", "ticket_approve", "ticket_return"):
            response = client.post(reverse(name, args=[ticket.pk]), {"explanation": "x", "reason": "x"})
            assert response.status_code == 404, (name, ticket.status)
    assert [live(t).status for t in tickets.values()] == list(tickets)
    assert not TicketEvent.objects.exists()


def test_a_user_without_role_or_login_gets_nothing(client, world, error_ticket):
    assert client.get(reverse("ticket_list")).status_code == 302
    as_user(client, world.no_role)
    assert client.get(reverse("ticket_list")).status_code == 404
    assert client.get(reverse("ticket_detail", args=[error_ticket.pk])).status_code == 404


def test_actions_only_accept_post(client, world, error_ticket):
    as_user(client, world.clerk)
    assert client.get(reverse("ticket_explain", args=[error_ticket.pk])).status_code == 405


def test_overdue_is_relative_to_today(world):
    ticket = make_ticket(world.home, due_in_days=0)
    assert not ticket.is_overdue
    ticket.due_on = timezone.localdate() - datetime.timedelta(days=1)
    assert ticket.is_overdue
    ticket.status = TicketStatus.CLOSED
    assert not ticket.is_overdue


def test_the_list_takes_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for rule_id in ("B01", "B02", "B03", "B04", "B05"):
        make_ticket(world.home, rule_id=rule_id, status=TicketStatus.PENDING_COUNTY)
        make_ticket(world.neighbour, rule_id=rule_id, status=TicketStatus.PENDING_COUNTY)
    as_user(client, world.county_staff)
    with django_assert_max_num_queries(12) as captured:
        response = client.get(reverse("ticket_list"))
    assert response.context["page"].paginator.count == 10
    few = len(captured)
    make_ticket(world.other_township, rule_id="B06", status=TicketStatus.PENDING_COUNTY)
    with django_assert_max_num_queries(few):
        client.get(reverse("ticket_list"))


def test_the_home_page_counts_each_roles_tickets(client, world):
    make_ticket(world.home)
    make_ticket(world.home, rule_id="B12", status=TicketStatus.RETURNED, due_in_days=-2)
    make_ticket(world.home, rule_id="B08", status=TicketStatus.PENDING_TOWNSHIP)
    make_ticket(world.other_county, status=TicketStatus.PENDING_TOWNSHIP)
    page = as_user(client, world.clerk).get(reverse("home")).content.decode()
    assert "待核实的问题线索（2）" in page and "审核超时 1" in page
    page = as_user(client, world.reviewer).get(reverse("home")).content.decode()
    assert "待我审核的问题线索（1）" in page
    page = as_user(client, world.county_staff).get(reverse("home")).content.decode()
    assert "待我审核的问题线索（0）" in page
    assert 'data-testid="ticket-todo"' not in as_user(client, world.inspector).get(reverse("home")).content.decode()
