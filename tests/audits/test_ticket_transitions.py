"""Ticket review, the service: one state machine, checked, locked, and recorded step by step."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from audits import services
from audits import transitions
from audits.models import Resolution, Ticket, TicketEvent, TicketStatus
from tests.audits.builders import make_ticket
from tests.builders import make_user
from tests.races import needs_row_locks, race, told
from tests.conftest import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1


def act(ticket, user, action, comment=""):
    return services.ticket_transition(ticket_id=ticket.pk, user=user, action=action, comment=comment)


def live(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def steps(ticket) -> list[tuple[str, str, str]]:
    return [(e.from_status, e.to_status, e.actor.username)
            for e in TicketEvent.objects.filter(ticket=ticket).select_related("actor")]


def test_it_moves_an_explained_ticket_to_the_township(world, error_ticket):
    ticket = act(error_ticket, world.clerk, "explain", "入户核实，户主外出务工，信息无误")
    assert ticket.status == TicketStatus.PENDING_TOWNSHIP
    assert live(ticket).resolution == Resolution.EXPLAINED
    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.from_status, event.to_status, event.actor, event.comment) == (
        TicketStatus.PENDING_VILLAGE, TicketStatus.PENDING_TOWNSHIP, world.clerk, "入户核实，户主外出务工，信息无误")


def test_the_township_sends_an_error_ticket_on_to_the_county(world, error_ticket):
    act(error_ticket, world.clerk, "explain", "无误")
    assert act(error_ticket, world.reviewer, "approve").status == TicketStatus.PENDING_COUNTY
    assert live(error_ticket).closed_at is None


def test_a_warning_ticket_closes_at_the_township(world, warning_ticket):
    assert warning_ticket.status == TicketStatus.PENDING_VILLAGE
    act(warning_ticket, world.clerk, "explain", "该户无电话，已登记邻居电话")
    ticket = act(warning_ticket, world.reviewer, "approve")
    assert ticket.status == TicketStatus.CLOSED
    assert live(ticket).closed_at is not None
    assert [s[1] for s in steps(ticket)] == [TicketStatus.PENDING_TOWNSHIP, TicketStatus.CLOSED]


def test_the_county_closes_or_returns(world):
    closing = make_ticket(world.home, status=TicketStatus.PENDING_COUNTY)
    returning = make_ticket(world.home, rule_id="B12", status=TicketStatus.PENDING_COUNTY)
    assert act(closing, world.county_staff, "approve").status == TicketStatus.CLOSED
    assert act(returning, world.county_staff, "return", "请补充证明材料").status == TicketStatus.RETURNED
    assert live(closing).closed_at is not None


def test_the_full_walk_of_an_error_ticket_is_recorded(world, error_ticket):
    act(error_ticket, world.clerk, "explain", "核实无误")
    act(error_ticket, world.reviewer, "return", "请写明户主去向")
    assert live(error_ticket).resolution == ""
    act(error_ticket, world.clerk, "explain", "户主在外务工，已电话核实")
    act(error_ticket, world.reviewer, "approve")
    ticket = act(error_ticket, world.county_staff, "approve")
    assert ticket.status == TicketStatus.CLOSED and ticket.resolution == Resolution.EXPLAINED
    assert steps(ticket) == [
        (TicketStatus.PENDING_VILLAGE, TicketStatus.PENDING_TOWNSHIP, "clerk"),
        (TicketStatus.PENDING_TOWNSHIP, TicketStatus.RETURNED, "reviewer"),
        (TicketStatus.RETURNED, TicketStatus.PENDING_TOWNSHIP, "clerk"),
        (TicketStatus.PENDING_TOWNSHIP, TicketStatus.PENDING_COUNTY, "reviewer"),
        (TicketStatus.PENDING_COUNTY, TicketStatus.CLOSED, "county"),
    ]
    assert [e.comment for e in TicketEvent.objects.filter(ticket=ticket)][:3] == [
        "核实无误", "请写明户主去向", "户主在外务工，已电话核实"]


@pytest.mark.parametrize("persona,action", [
    ("reviewer", "explain"), ("county_staff", "explain"), ("inspector", "explain"), ("no_role", "explain"),
    ("clerk", "approve"), ("inspector", "approve"), ("clerk", "return"), ("inspector", "return"),
])
def test_it_refuses_a_role_that_never_takes_the_action(world, error_ticket, persona, action):
    with pytest.raises(services.TicketNotAllowed):
        act(error_ticket, getattr(world, persona), action, "说明")
    assert live(error_ticket).status == TicketStatus.PENDING_VILLAGE
    assert not TicketEvent.objects.exists()


@pytest.mark.parametrize("status,persona,action", [
    (TicketStatus.PENDING_VILLAGE, "reviewer", "approve"),    # the clerk has not answered yet
    (TicketStatus.PENDING_VILLAGE, "county_staff", "approve"),
    (TicketStatus.PENDING_TOWNSHIP, "county_staff", "approve"),  # the township comes first
    (TicketStatus.PENDING_TOWNSHIP, "clerk", "explain"),        # already answered
    (TicketStatus.PENDING_COUNTY, "reviewer", "return"),
    (TicketStatus.CLOSED, "county_staff", "return"),
    (TicketStatus.CLOSED, "clerk", "explain"),
])
def test_it_refuses_a_status_the_action_does_not_start_from(world, persona, status, action):
    ticket = make_ticket(world.home, status=status)
    with pytest.raises(services.TicketError, match="已被他人处理"):
        act(ticket, getattr(world, persona), action, "说明")
    assert live(ticket).status == status


@pytest.mark.parametrize("status,persona,action,message", [
    (TicketStatus.PENDING_VILLAGE, "clerk", "explain", transitions.EXPLANATION_REQUIRED),
    (TicketStatus.RETURNED, "clerk", "explain", transitions.EXPLANATION_REQUIRED),
    (TicketStatus.PENDING_TOWNSHIP, "reviewer", "return", transitions.REASON_REQUIRED),
    (TicketStatus.PENDING_COUNTY, "county_staff", "return", transitions.REASON_REQUIRED),
])
def test_it_requires_a_comment_to_explain_or_return(world, status, persona, action, message):
    ticket = make_ticket(world.home, status=status)
    with pytest.raises(services.TicketError) as refused:
        act(ticket, getattr(world, persona), action, "   ")
    assert refused.value.message == message
    assert live(ticket).status == status and not TicketEvent.objects.exists()


@pytest.mark.parametrize("role,area", [
    (Role.VILLAGE_CLERK, VILLAGE_A2),           # the neighbouring village's clerk
    (Role.TOWNSHIP_REVIEWER, VILLAGE_B1[:9]),   # another township's reviewer
    (Role.COUNTY_STAFF, "340323"),              # another county's staff
])
def test_it_refuses_a_user_outside_the_tickets_scope(world, role, area):
    status = {Role.VILLAGE_CLERK: TicketStatus.PENDING_VILLAGE, Role.TOWNSHIP_REVIEWER: TicketStatus.PENDING_TOWNSHIP,
              Role.COUNTY_STAFF: TicketStatus.PENDING_COUNTY}[role]
    ticket = make_ticket(world.home, status=status)
    outsider = make_user(f"outsider-{role}", role, area)
    action = "explain" if role == Role.VILLAGE_CLERK else "approve"
    with pytest.raises(services.TicketNotFound):
        act(ticket, outsider, action, "说明")
    assert live(ticket).status == status


def test_a_transition_sets_the_next_levels_deadline(world, error_ticket):
    act(error_ticket, world.clerk, "explain", "无误")
    assert live(error_ticket).due_on == timezone.localdate() + datetime.timedelta(days=3)
    act(error_ticket, world.reviewer, "return", "补充说明")
    assert live(error_ticket).due_on == timezone.localdate() + datetime.timedelta(days=7)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_one_wins_the_other_is_told(world):
    needs_row_locks()
    ticket = make_ticket(world.home, status=TicketStatus.PENDING_TOWNSHIP)
    second = make_user("reviewer2", Role.TOWNSHIP_REVIEWER, VILLAGE_A1[:9])
    outcomes = race(lambda reviewer: act(ticket, reviewer, "approve"), [world.reviewer, second])
    assert told(outcomes) == sorted(["done", services.ALREADY_HANDLED])
    assert live(ticket).status == TicketStatus.PENDING_COUNTY
    assert TicketEvent.objects.filter(ticket=ticket).count() == 1
