"""批量通过: township reviewers and county staff approve the tickets they tick, each on its own."""


import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.roles import Role
from audits import services
from households import bulk
from audits.models import Severity, Ticket, TicketEvent, TicketStatus
from tests.audits.builders import make_ticket
from tests.builders import make_user
from tests.races import needs_row_locks, race
from tests.conftest import VILLAGE_A1

BULK = reverse("ticket_bulk_approve")


def as_user(client, user):
    client.force_login(user)
    return client


def status_of(ticket) -> str:
    return Ticket.objects.get(pk=ticket.pk).status


def test_a_reviewer_approves_the_ticked_tickets_and_is_told_which_failed(client, world):
    error = make_ticket(world.home, status=TicketStatus.PENDING_TOWNSHIP)
    warning = make_ticket(world.neighbour, rule_id="B06", severity=Severity.WARNING,
                          status=TicketStatus.PENDING_TOWNSHIP)
    handled = make_ticket(world.home, rule_id="B07", status=TicketStatus.PENDING_COUNTY)
    elsewhere = make_ticket(world.other_township, status=TicketStatus.PENDING_TOWNSHIP)
    response = as_user(client, world.reviewer).post(
        BULK, {"ticket": [error.pk, warning.pk, handled.pk, elsewhere.pk, "x"], "query": "sort=rule"})
    assert response.status_code == 302 and response["Location"] == reverse("ticket_list") + "?sort=rule"
    assert status_of(error) == TicketStatus.PENDING_COUNTY   # an error goes on to the county
    assert status_of(warning) == TicketStatus.CLOSED         # a warning ends at the township
    assert status_of(handled) == TicketStatus.PENDING_COUNTY
    assert status_of(elsewhere) == TicketStatus.PENDING_TOWNSHIP
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == [
        "已通过 2 条问题线索（其中 1 条已销号）。",
        f"问题线索 #{handled.pk} 未通过：{services.ALREADY_HANDLED}",
        f"问题线索 #{elsewhere.pk} 未通过：{services.NOT_FOUND}",
    ]
    assert TicketEvent.objects.filter(actor=world.reviewer).count() == 2


def test_county_staff_close_what_waits_for_them(client, world):
    tickets = [make_ticket(household, status=TicketStatus.PENDING_COUNTY)
               for household in (world.home, world.other_township)]
    as_user(client, world.county_staff).post(BULK, {"ticket": [t.pk for t in tickets]})
    assert [status_of(t) for t in tickets] == [TicketStatus.CLOSED, TicketStatus.CLOSED]


def test_more_than_the_limit_approves_the_first_ones_and_says_how_many_were_left(client, world, monkeypatch):
    monkeypatch.setattr(bulk, "BULK_LIMIT", 2)
    tickets = [make_ticket(world.home, rule_id=rule_id, status=TicketStatus.PENDING_TOWNSHIP)
               for rule_id in ("B05", "B06", "B07")]
    response = as_user(client, world.reviewer).post(BULK, {"ticket": [t.pk for t in tickets]})
    assert [status_of(t) for t in tickets] == [TicketStatus.PENDING_COUNTY] * 2 + [TicketStatus.PENDING_TOWNSHIP]
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[-1] == "一次最多批量通过 2 条，另有 1 条未处理，请再次提交。"


def test_nothing_ticked_is_a_message_not_an_error(client, world):
    response = as_user(client, world.reviewer).post(BULK, {})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["请先勾选要通过的问题线索。"]


@pytest.mark.parametrize("persona", ["clerk", "inspector", "no_role"])
def test_a_role_that_cannot_approve_gets_404_and_changes_nothing(client, world, persona):
    ticket = make_ticket(world.home, status=TicketStatus.PENDING_TOWNSHIP)
    assert as_user(client, getattr(world, persona)).post(BULK, {"ticket": [ticket.pk]}).status_code == 404
    assert status_of(ticket) == TicketStatus.PENDING_TOWNSHIP


def test_it_only_accepts_post(client, world):
    assert as_user(client, world.reviewer).get(BULK).status_code == 405


def test_the_queue_offers_checkboxes_only_where_approval_is_possible(client, world):
    waiting = make_ticket(world.home, status=TicketStatus.PENDING_TOWNSHIP)
    make_ticket(world.home, rule_id="B06", status=TicketStatus.PENDING_VILLAGE)
    page = as_user(client, world.reviewer).get(reverse("ticket_list"), {"status": "all"}).content.decode()
    assert page.count('name="ticket"') == 1 and f'value="{waiting.pk}"' in page
    assert "批量通过" in page
    page = as_user(client, world.clerk).get(reverse("ticket_list")).content.decode()
    assert "批量通过" not in page and 'name="ticket"' not in page


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_bulk_approving_the_same_tickets_each_ticket_moves_once(world):
    needs_row_locks()
    tickets = [make_ticket(world.home, rule_id=rule_id, status=TicketStatus.PENDING_TOWNSHIP)
               for rule_id in ("B05", "B06", "B07")]
    second = make_user("reviewer2", Role.TOWNSHIP_REVIEWER, VILLAGE_A1[:9])
    results = race(lambda reviewer: services.tickets_bulk_approve(ticket_ids=[t.pk for t in tickets], user=reviewer),
                   [world.reviewer, second])
    assert sum(len(result.approved) for result in results) == 3
    assert sorted(reason for result in results for _pk, reason in result.refused) == [services.ALREADY_HANDLED] * 3
    assert all(status_of(t) == TicketStatus.PENDING_COUNTY for t in tickets)
    assert TicketEvent.objects.filter(ticket__in=tickets).count() == 3
