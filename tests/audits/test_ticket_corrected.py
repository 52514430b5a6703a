"""已整改: a ticket is fixed by a change request; the re-check after its approval resolves it."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from audits import services
from audits.models import Resolution, Ticket, TicketStatus
from audits.record import fix_link
from households.changes import services as change_services
from households.models import Area
from rules import services as rule_services
from tests.audits.builders import make_ticket
from tests.builders import make_income, make_user
from tests.conftest import VILLAGE_A2
from tests.households.changes.test_member_change_requests import form_data

LOW_INCOME = {"wage": "9000"}  # 3 000 元 a head in a household of three: under the 7 600 line


def live(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def income_ticket(world) -> Ticket:
    """I01 (income under the line, not monitored) on the home household, found by a real batch."""
    make_income(world.home, 2025, **LOW_INCOME)
    batch = rule_services.batch_create(area=Area.objects.get(code="230381"), rule_ids=["I01"])
    rule_services.batch_run_sync(batch=batch)
    return Ticket.objects.get(rule_id="I01", household=world.home)


def submit_income(world, wage: str):
    return change_services.income_change_submit(user=world.clerk, household=world.home, year=2025,
                                                data={"wage": wage}, note="入户核实，工资填错")


def approve(world, change, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        change_services.change_request_approve(change=change, reviewer=world.reviewer)


def test_a_fixing_change_resolves_the_ticket_through_the_recheck(world, income_ticket,
                                                                 django_capture_on_commit_callbacks):
    change = submit_income(world, "60000")
    services.ticket_link_change(ticket_id=income_ticket.pk, change_request=change, user=world.clerk)
    linked = live(income_ticket)
    assert linked.change_request == change
    assert linked.status == TicketStatus.PENDING_VILLAGE  # still the clerk's until the re-check
    assert linked.events.last().comment == f"已提交变更申请 #{change.pk} 整改"

    approve(world, change, django_capture_on_commit_callbacks)

    resolved = live(income_ticket)
    assert resolved.resolution == Resolution.SYSTEM
    assert resolved.status == TicketStatus.PENDING_TOWNSHIP
    assert resolved.system_resolved_at is not None


def test_a_change_that_does_not_fix_it_leaves_the_ticket_with_the_clerk(client, world, income_ticket,
                                                                       django_capture_on_commit_callbacks):
    change = submit_income(world, "9500")  # still under the line
    services.ticket_link_change(ticket_id=income_ticket.pk, change_request=change, user=world.clerk)
    approve(world, change, django_capture_on_commit_callbacks)
    still = live(income_ticket)
    assert still.status == TicketStatus.PENDING_VILLAGE and still.resolution == ""
    client.force_login(world.clerk)
    page = client.get(reverse("ticket_detail", args=[income_ticket.pk])).content.decode()
    assert f"变更申请 #{change.pk} 已通过，但系统复核仍不通过" in page


def test_the_ticket_page_explains_a_system_resolution(client, world, income_ticket,
                                                      django_capture_on_commit_callbacks):
    change = submit_income(world, "60000")
    services.ticket_link_change(ticket_id=income_ticket.pk, change_request=change, user=world.clerk)
    approve(world, change, django_capture_on_commit_callbacks)
    client.force_login(world.reviewer)
    page = client.get(reverse("ticket_detail", args=[income_ticket.pk])).content.decode()
    assert f"变更申请 #{change.pk} 通过后系统复核通过" in page


def test_submitting_the_income_form_from_the_ticket_links_the_request(client, world, income_ticket):
    client.force_login(world.clerk)
    page = client.get(reverse("ticket_detail", args=[income_ticket.pk])).content.decode()
    fix_url = reverse("household_income_new", args=[world.home.number]) + f"?year=2025&amp;ticket={income_ticket.pk}"
    assert fix_url in page
    response = client.post(fix_url.replace("&amp;", "&"), {"year": "2025", "wage": "60000", "note": "入户核实"},
                           follow=True)
    assert response.status_code == 200
    linked = live(income_ticket)
    assert linked.change_request is not None and linked.change_request.year == 2025
    assert f"已关联问题线索 #{income_ticket.pk}" in response.content.decode()


def test_an_existing_pending_request_can_be_linked_from_the_ticket_page(client, world, income_ticket):
    change = submit_income(world, "60000")
    client.force_login(world.clerk)
    page = client.get(reverse("ticket_detail", args=[income_ticket.pk]))
    assert page.context["link_form"] is not None
    response = client.post(reverse("ticket_link_change", args=[income_ticket.pk]), {"change_request": change.pk})
    assert response.status_code == 302
    assert live(income_ticket).change_request == change


def test_the_pending_requests_offered_for_linking_show_their_local_submission_date(client, world, income_ticket):
    # 17:30 UTC on 6 December is 01:30 on 7 December in Beijing: the clerk submitted it on the 7th.
    with time_machine.travel(datetime.datetime(2026, 12, 6, 17, 30, tzinfo=datetime.UTC), tick=False):
        change = submit_income(world, "60000")
        client.force_login(world.clerk)
        page = client.get(reverse("ticket_detail", args=[income_ticket.pk])).content.decode()
    assert f">#{change.pk} {change.get_kind_display()} 2026-12-07</option>" in page


def test_linking_a_request_of_another_household_is_refused_next_to_the_field(client, world, income_ticket):
    other = change_services.change_request_submit(user=make_user("clerk-a2b", Role.VILLAGE_CLERK, VILLAGE_A2),
                                                  household=world.neighbour, data={"address": "2 组"})
    client.force_login(world.clerk)
    response = client.post(reverse("ticket_link_change", args=[income_ticket.pk]), {"change_request": other.pk})
    assert response.status_code == 400
    assert "请选择本户待审核的变更申请。" in response.content.decode()
    assert live(income_ticket).change_request is None
    with pytest.raises(services.TicketError, match="只能关联本户"):
        services.ticket_link_change(ticket_id=income_ticket.pk, change_request=other, user=world.clerk)


def test_only_a_clerk_in_scope_links_while_the_ticket_is_with_the_village(world, income_ticket):
    change = submit_income(world, "60000")
    outsider = make_user("clerk-elsewhere", Role.VILLAGE_CLERK, VILLAGE_A2)
    with pytest.raises(services.TicketNotFound):
        services.ticket_link_change(ticket_id=income_ticket.pk, change_request=change, user=outsider)
    for reviewer in (world.reviewer, world.county_staff, world.inspector):
        with pytest.raises(services.TicketNotAllowed):
            services.ticket_link_change(ticket_id=income_ticket.pk, change_request=change, user=reviewer)
    at_township = make_ticket(world.home, rule_id="B06", status=TicketStatus.PENDING_TOWNSHIP)
    with pytest.raises(services.TicketError, match="已提交审核"):
        services.ticket_link_change(ticket_id=at_township.pk, change_request=change, user=world.clerk)
    assert live(income_ticket).change_request is None


def test_the_link_screen_is_a_404_outside_scope_or_role(client, world, income_ticket):
    change = submit_income(world, "60000")
    url = reverse("ticket_link_change", args=[income_ticket.pk])
    for user in (make_user("clerk-far", Role.VILLAGE_CLERK, VILLAGE_A2), world.reviewer, world.inspector):
        client.force_login(user)
        assert client.post(url, {"change_request": change.pk}).status_code == 404
    assert live(income_ticket).change_request is None


def test_a_ticket_link_in_the_form_url_of_another_village_links_nothing(client, world, income_ticket):
    """The hook refuses quietly: the change request is still submitted, the ticket not touched."""
    stranger = make_user("clerk-a2c", Role.VILLAGE_CLERK, VILLAGE_A2)
    client.force_login(stranger)
    url = reverse("household_income_new", args=[world.neighbour.number]) + f"?year=2025&ticket={income_ticket.pk}"
    response = client.post(url, {"year": "2025", "wage": "60000", "note": "x"}, follow=True)
    assert "变更申请未关联问题线索" in response.content.decode()
    assert live(income_ticket).change_request is None


def test_a_member_ticket_is_fixed_on_that_members_form_which_links_the_request(client, world):
    member = world.home.members.order_by("pk").last()
    ticket = make_ticket(world.home, rule_id="M06", member=member, member_key=member.pk)
    url, label = fix_link(ticket)
    assert url == reverse("member_change_new", args=[world.home.number, member.pk]) + f"?ticket={ticket.pk}"
    assert member.name in label

    client.force_login(world.clerk)
    response = client.post(url, form_data(member, months_worked="6", note="入户核实"))
    assert response.status_code == 302
    linked = live(ticket)
    assert linked.change_request is not None and linked.change_request.member == member


EXPLAIN_BUTTON = "核实无误，提交乡镇审核"


def ticket_page(client, user, ticket) -> str:
    client.force_login(user)
    return client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()


def explain(client, ticket):
    return client.post(reverse("ticket_explain", args=[ticket.pk]), {"explanation": "入户核实，登记无误"}, follow=True)


def test_a_ticket_whose_fixing_change_is_pending_says_so_and_offers_no_explain(client, world, income_ticket):
    change = submit_income(world, "60000")
    services.ticket_link_change(ticket_id=income_ticket.pk, change_request=change, user=world.clerk)
    page = ticket_page(client, world.clerk, income_ticket)
    assert reverse("change_detail", args=[change.pk]) in page
    assert "整改申请审核中" in page
    assert EXPLAIN_BUTTON not in page and reverse("ticket_explain", args=[income_ticket.pk]) not in page


def test_explaining_while_the_fixing_change_is_pending_is_refused(client, world, income_ticket):
    change = submit_income(world, "60000")
    services.ticket_link_change(ticket_id=income_ticket.pk, change_request=change, user=world.clerk)
    client.force_login(world.clerk)
    response = explain(client, income_ticket)
    assert services.CHANGE_PENDING.format(pk=change.pk) in response.content.decode()
    assert live(income_ticket).status == TicketStatus.PENDING_VILLAGE
    with pytest.raises(services.TicketError, match="整改申请审核中"):
        services.ticket_explain(ticket_id=income_ticket.pk, user=world.clerk, explanation="核实无误")
    assert not live(income_ticket).events.filter(to_status=TicketStatus.PENDING_TOWNSHIP).exists()


def test_explaining_is_refused_while_the_change_waits_for_the_county_too(world, income_ticket):
    change = change_services.income_change_submit(user=world.reviewer, household=world.home, year=2025,
                                                  data={"wage": "60000"}, note="乡镇代为修改")
    assert change.is_pending
    services.ticket_link_change(ticket_id=income_ticket.pk, change_request=change, user=world.clerk)
    with pytest.raises(services.TicketError, match="整改申请审核中"):
        services.ticket_transition(ticket_id=income_ticket.pk, user=world.clerk, action="explain", comment="无误")


@pytest.mark.parametrize("ending", ["returned", "withdrawn"])
def test_the_explain_button_is_back_once_the_change_is_returned_or_withdrawn(client, world, income_ticket, ending):
    from households.changes.review import change_request_withdraw

    change = submit_income(world, "60000")
    services.ticket_link_change(ticket_id=income_ticket.pk, change_request=change, user=world.clerk)
    if ending == "returned":
        change_services.change_request_return(change=change, reviewer=world.reviewer, reason="请附工资证明")
    else:
        change_request_withdraw(change=change, user=world.clerk)
    page = ticket_page(client, world.clerk, income_ticket)
    assert EXPLAIN_BUTTON in page and "整改申请审核中" not in page
    explain(client, income_ticket)
    assert live(income_ticket).status == TicketStatus.PENDING_TOWNSHIP


def test_the_explain_button_is_back_when_the_approved_change_did_not_fix_it(client, world, income_ticket,
                                                                             django_capture_on_commit_callbacks):
    change = submit_income(world, "9500")  # still under the line
    services.ticket_link_change(ticket_id=income_ticket.pk, change_request=change, user=world.clerk)
    approve(world, change, django_capture_on_commit_callbacks)
    assert EXPLAIN_BUTTON in ticket_page(client, world.clerk, income_ticket)
    explain(client, income_ticket)
    assert live(income_ticket).status == TicketStatus.PENDING_TOWNSHIP
