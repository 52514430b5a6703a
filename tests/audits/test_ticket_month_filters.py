"""The ticket list's filters the dashboard links to: every unclosed status (未销号), and the Beijing
month a ticket was found or closed in."""

import datetime

from django.urls import reverse
from django.utils import timezone

from audits.models import Ticket, TicketStatus
from audits.selectors import month_start
from tests.audits.builders import make_ticket

LIST = reverse("ticket_list")


def listed(response) -> set[int]:
    return {ticket.pk for ticket in response.context["page"].object_list}


def test_open_lists_every_status_but_closed(client, world):
    waiting = make_ticket(world.home, rule_id="B05")
    returned = make_ticket(world.home, rule_id="B06", status=TicketStatus.RETURNED)
    county = make_ticket(world.home, rule_id="I14", status=TicketStatus.PENDING_COUNTY)
    make_ticket(world.home, rule_id="B01", status=TicketStatus.CLOSED, closed_at=timezone.now())
    client.force_login(world.clerk)  # a clerk's queue alone would leave out 待县级终审
    assert listed(client.get(LIST, {"status": "open"})) == {waiting.pk, returned.pk, county.pk}


def test_the_found_month_is_a_beijing_month_edges_both_sides(client, world):
    may = month_start(datetime.date(2026, 5, 1))  # 2026-05-01 00:00 Beijing = 04-30 16:00 UTC
    first = make_ticket(world.home, rule_id="B05")
    last = make_ticket(world.home, rule_id="B06")
    before = make_ticket(world.home, rule_id="B01")
    after = make_ticket(world.home, rule_id="B02")
    Ticket.objects.filter(pk=first.pk).update(found_at=may)
    Ticket.objects.filter(pk=last.pk).update(found_at=month_start(datetime.date(2026, 6, 1)) - datetime.timedelta(seconds=1))
    Ticket.objects.filter(pk=before.pk).update(found_at=may - datetime.timedelta(seconds=1))
    Ticket.objects.filter(pk=after.pk).update(found_at=month_start(datetime.date(2026, 6, 1)))
    client.force_login(world.county_staff)
    assert listed(client.get(LIST, {"status": "all", "found": "2026-05"})) == {first.pk, last.pk}
    assert listed(client.get(LIST, {"status": "all", "found": "2026-04"})) == {before.pk}


def test_the_closed_month_across_the_new_year(client, world):
    january = make_ticket(world.home, rule_id="B05", status=TicketStatus.CLOSED,
                          closed_at=month_start(datetime.date(2027, 1, 1)))
    december = make_ticket(world.home, rule_id="B06", status=TicketStatus.CLOSED,
                           closed_at=month_start(datetime.date(2027, 1, 1)) - datetime.timedelta(minutes=1))
    make_ticket(world.home, rule_id="B01")  # never closed
    client.force_login(world.county_staff)
    assert listed(client.get(LIST, {"status": "all", "closed": "2026-12"})) == {december.pk}
    assert listed(client.get(LIST, {"status": "all", "closed": "2027-01"})) == {january.pk}


def test_a_malformed_month_is_ignored_not_an_error(client, world):
    ticket = make_ticket(world.home)
    client.force_login(world.county_staff)
    response = client.get(LIST, {"status": "all", "found": "2026-13"})
    assert response.status_code == 200 and listed(response) == {ticket.pk}


def test_the_ledger_takes_the_month_filters_too(client, world):
    ticket = make_ticket(world.home)
    client.force_login(world.county_staff)
    month = f"{timezone.localdate():%Y-%m}"
    assert {t.pk for t in client.get(reverse("ledger"), {"found": month}).context["page"].object_list} == {ticket.pk}
