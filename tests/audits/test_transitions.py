"""Every move of a ticket is a row of one table (audits.transitions), written with its event."""

from pathlib import Path

import pytest
from django.utils import timezone

from audits import transitions
from audits.findings import tickets_sync
from audits.models import Resolution, Ticket, TicketEvent, TicketStatus
from tests.audits.builders import make_ticket

ROOT = Path(__file__).resolve().parents[2]


class Found:
    """A finding as the rules app hands it over."""

    def __init__(self, ticket_or_household, rule_id="B05"):
        household = ticket_or_household
        self.rule_id, self.household_id, self.member_id = rule_id, household.pk, None
        self.village_id, self.key = household.village_id, (rule_id, household.pk, 0)
        self.message, self.facts = f"{rule_id} 测试问题", {"size": 1}


def sync(world, findings, rule_ids=("B05",)):
    return tickets_sync(rule_ids=rule_ids, findings=findings, year=2025, area_prefix=world.home.village_id[:6])


def event_steps(ticket) -> list[tuple[str, str, object, str]]:
    return [(e.from_status, e.to_status, e.actor, e.comment) for e in TicketEvent.objects.filter(ticket=ticket)]


def test_every_event_the_re_check_writes_is_a_row_of_the_table(world):
    passing = make_ticket(world.home)
    returned = make_ticket(world.neighbour, status=TicketStatus.RETURNED)
    sync(world, [])
    for ticket in (passing, returned):
        (step,) = event_steps(ticket)
        assert (step[0], "system_pass") in transitions.TRANSITIONS
        assert step[1:] == (TicketStatus.PENDING_TOWNSHIP, None, transitions.SYSTEM_PASSED)
    sync(world, [Found(world.home), Found(world.neighbour)])
    assert event_steps(passing)[-1] == (TicketStatus.PENDING_TOWNSHIP, TicketStatus.PENDING_VILLAGE, None,
                                        transitions.SYSTEM_FAILED)
    assert (TicketStatus.PENDING_TOWNSHIP, "system_fail") in transitions.TRANSITIONS


def test_the_re_check_leaves_a_ticket_the_county_holds_where_it_is(world):
    held = make_ticket(world.home, status=TicketStatus.PENDING_COUNTY)
    sync(world, [])
    held.refresh_from_db()
    assert (held.status, held.resolution, event_steps(held)) == (TicketStatus.PENDING_COUNTY, Resolution.SYSTEM, [])


def test_a_bulk_system_move_is_set_based(world, django_assert_max_num_queries):
    tickets = [make_ticket(world.home, rule_id=f"B{n:02d}") for n in range(1, 13)]
    with django_assert_max_num_queries(8):  # savepoints, one locking read, two updates, one insert of events
        moved = transitions.move_many([t.pk for t in tickets], action="system_pass", county="230381",
                                      now=timezone.now(), resolution=Resolution.SYSTEM, system_resolved_at=None)
    assert moved == 12 and TicketEvent.objects.filter(ticket__in=tickets, actor=None).count() == 12


def test_a_bulk_system_move_writes_its_events_in_the_same_transaction(world, monkeypatch):
    ticket = make_ticket(world.home)

    def no_events(*args, **kwargs):
        raise RuntimeError("the events cannot be written")

    monkeypatch.setattr(TicketEvent.objects, "bulk_create", no_events)
    with pytest.raises(RuntimeError):  # no transaction of the caller's: move_many's own rolls back
        transitions.move_many([ticket.pk], action="system_pass", county="230381", now=timezone.now())
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.PENDING_VILLAGE


def test_a_person_never_takes_a_system_action_nor_the_system_a_persons(world):
    assert transitions.statuses_for(world.clerk, "system_pass") == []
    with pytest.raises(ValueError):
        transitions.move_many([], action="approve", county="230381", now=timezone.now())


def test_the_rules_app_writes_no_ticket_itself():
    source = (ROOT / "rules" / "services.py").read_text(encoding="utf-8")
    assert "TicketEvent" not in source and "Ticket.objects" not in source
